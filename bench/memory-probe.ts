// Loaded into a benchmark's child with `--import`: every 100 ms, when the process's RSS is at a
// new peak, it writes what the memory is made of to the file BENCH_MEMORY_PROBE_FILE names.
// The bench reads the last one: the breakdown at the peak RSS.
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_MEMORY_PROBE_FILE;
let peak = 0;

if (file) {
  setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss <= peak) return;
    peak = usage.rss;
    const space = (name: string) =>
      getHeapSpaceStatistics().find((s) => s.space_name === name)?.space_size ?? 0;
    const breakdown = {
      rss: usage.rss,
      heapTotal: usage.heapTotal,
      heapUsed: usage.heapUsed,
      newSpace: space('new_space'),
      oldSpace: space('old_space'),
      arrayBuffers: usage.arrayBuffers,
      otherExternal: usage.external - usage.arrayBuffers,
    };
    writeFileSync(file, JSON.stringify(breakdown));
  }, 100).unref();
}
