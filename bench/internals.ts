// The package's internal modules (pure mappings, indexes) for benchmarks that measure them
// alone. They are not exported, so they are loaded from src/ itself: src/ imports without
// extensions, which Node's resolver does not complete, so a resolve hook adds `.ts` there.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const SOURCE_ROOT = new URL('../src/', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (
      specifier.startsWith('.') &&
      context.parentURL?.startsWith(SOURCE_ROOT) &&
      !/\.[cm]?[jt]s$/.test(specifier)
    ) {
      const candidate = new URL(`${specifier}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(candidate))) return nextResolve(candidate.href, context);
      return nextResolve(new URL(`${specifier}/index.ts`, context.parentURL).href, context);
    }
    return nextResolve(specifier, context);
  },
});

/** The internal modules the benchmarks use. */
export async function loadInternals() {
  const [
    transform,
    metricsTransform,
    accumulator,
    bsonSafe,
    sanitizeReport,
    resourceFields,
    id,
    indexes,
    shrink,
    mapRecord,
    emitCapture,
    options,
    segmentFormat,
  ] = await Promise.all([
    import('../src/pipeline/transform.ts'),
    import('../src/metrics/transform.ts'),
    import('../src/metrics/accumulator.ts'),
    import('../src/document/bson-safe.ts'),
    import('../src/document/sanitize-report.ts'),
    import('../src/document/resource-fields.ts'),
    import('../src/document/id.ts'),
    import('../src/storage/indexes.ts'),
    import('../src/document/shrink.ts'),
    import('../src/pipeline/map-record.ts'),
    import('../src/logs/emit-capture.ts'),
    import('../src/shared-options/shared-options.ts'),
    import('../src/delivery/segment-format.ts'),
  ]);
  return {
    transform,
    metricsTransform,
    accumulator,
    bsonSafe,
    sanitizeReport,
    resourceFields,
    id,
    indexes,
    shrink,
    mapRecord,
    emitCapture,
    options,
    segmentFormat,
  };
}

export type Internals = Awaited<ReturnType<typeof loadInternals>>;
