// A TCP relay run as a child process by outage-memory.ts: listening on LISTEN_PORT makes the
// server reachable again at the address the exporter was given. Not a benchmark of its own.
// With DELAY_MS, each chunk is held that long in each direction: a remote server's round trip.
// Run: node bench/tcp-proxy.ts LISTEN_PORT TARGET_HOST TARGET_PORT [DELAY_MS]
import { connect, createServer, type Socket } from 'node:net';

const [listenPort, targetHost, targetPort, delay] = process.argv.slice(2);
const delayMs = Number(delay ?? 0);

/** Forwards `from` to `to`, each chunk `delayMs` late (in order: one timer per chunk, same delay). */
function relay(from: Socket, to: Socket): void {
  if (delayMs === 0) {
    from.pipe(to);
    return;
  }
  from.on('data', (chunk: Buffer) => setTimeout(() => to.write(chunk), delayMs));
}

const server = createServer((client) => {
  const upstream = connect(Number(targetPort), targetHost);
  relay(client, upstream);
  relay(upstream, client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(Number(listenPort), '127.0.0.1', () => process.stdout.write('listening\n'));
