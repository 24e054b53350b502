// The shape of src/ (issue 22), checked by dependency-cruiser: `npm run lint:layers`, which
// `npm run lint` runs after ESLint. It fails on
//   - an import circle of any length, `import type` edges included (tsPreCompilationDeps);
//   - an import that breaks the layers of LAYERS below: a folder may import itself and the
//     folders in its `mayImport`, nothing else of src/; peers in one layer may not import each
//     other unless their row says so;
//   - a file of src/ in no row of LAYERS, imported or importing (give its folder a row);
//   - an import of src/ that cannot be resolved (the checks above would not see that edge).
// The shape is LAYERS alone: change a row to change it. A folder that does not exist yet costs
// nothing. test/unit/layers.test.ts plants circles and upward imports to show the checks fail.

const ALL = '*';

// Bottom to top. `folder` is under src/ (ending in '/': a folder; otherwise one file).
// `mayImport` names folders (without the '/'), or is ALL; `importableByAll`: any file may import it.
// prettier-ignore
export const LAYERS = [
  { layer: 1,     folder: 'foundation/',     job: 'errors, diag, redaction, stats, export() skeleton, in-flight tracker; imports nothing of the package', mayImport: [] },
  { layer: 2,     folder: 'options/',        job: 'the options mechanism: descriptors, key tables, validators',                     mayImport: ['foundation'] },
  { layer: 3,     folder: 'resource/',       job: 'machine id, environment, app version and root, the session registry, detector',   mayImport: ['foundation', 'options'] },
  { layer: 4,     folder: 'document/',       job: 'pure document helpers: the schema, BSON-safe values, keys, ids, levels',         mayImport: ['foundation', 'options', 'resource'] },
  { layer: 5,     folder: 'storage/',        job: 'the only code that talks to MongoDB: MongoWriter, indexes, retention',           mayImport: ['foundation', 'options', 'resource', 'document'] },
  { layer: 6,     folder: 'delivery/',       job: 'getting documents stored: retries, backoff, the spool and its replay',           mayImport: ['foundation', 'options', 'resource', 'document', 'storage'] },
  { layer: 6,     folder: 'triage/',         job: 'fleet triage: issue states, regressions, release health, alerts',               mayImport: ['foundation', 'options', 'resource', 'document', 'storage'] },
  { layer: 6,     folder: 'pipeline/',       job: 'one log pipeline: route, map, trail, shrink, beforeSend, storm guard',          mayImport: ['foundation', 'options', 'resource', 'document'] },
  { layer: 7,     folder: 'shared-options/', job: 'the shared options object, composed from the parts tables, resolved',           mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline'] },
  { layer: 8,     folder: 'logs/',           job: 'the in-process log exporter, its processor, emit-time capture, file and console', mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline', 'shared-options'] },
  { layer: 8,     folder: 'metrics/',        job: 'the metric exporter, the collector, the session document mapping',              mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline', 'shared-options'] },
  { layer: 9,     folder: 'audit/',          job: 'the audit trail: AuditLogger, the action catalogue, the switches',               mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline', 'shared-options', 'logs', 'metrics'] },
  { layer: 9,     folder: 'reporter/',       job: 'the error reporter and the global handlers',                                     mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline', 'shared-options', 'logs', 'metrics'] },
  { layer: 9,     folder: 'config/',         job: 'the configuration file and the environment: loadConfig',                         mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline', 'shared-options', 'logs', 'metrics'] },
  { layer: 10,    folder: 'gateway/',        job: 'the OTLP/HTTP gateway (not audit/, reporter/, config/, setup/)',                 mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline', 'shared-options', 'logs', 'metrics'] },
  { layer: 10,    folder: 'setup/',          job: 'setupTelemetry: everything wired in one call, the shutdown hooks',               mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline', 'shared-options', 'logs', 'metrics', 'audit', 'reporter', 'config'] },
  { layer: 10,    folder: 'report/',         job: 'the report and the dashboard, read from the stored documents',                   mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'triage'] },
  { layer: 11,    folder: 'cli/',            job: 'the command-line program',                                                       mayImport: ALL },
  { layer: 'top', folder: 'index.ts',        job: 'the public API; it never loads cli/, report/ or gateway/',                       mayImport: ['foundation', 'options', 'resource', 'document', 'storage', 'delivery', 'pipeline', 'shared-options', 'logs', 'metrics', 'audit', 'reporter', 'config', 'setup'] },
];

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The path pattern of a row's folder, relative to the folder the cruise runs in. */
function pathOf(folder) {
  return folder.endsWith('/') ? `^src/${escapeRegExp(folder)}` : `^src/${escapeRegExp(folder)}$`;
}
const rowPaths = LAYERS.map((row) => pathOf(row.folder));
const openToAll = LAYERS.filter((row) => row.importableByAll).map((row) => pathOf(row.folder));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle (import type edges count): move the part both sides need down a layer.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...LAYERS.filter((row) => row.mayImport !== ALL).map((row) => ({
      name: `layer-${row.folder.replace(/\/$/, '')}`,
      severity: 'error',
      comment:
        `src/${row.folder} (layer ${row.layer}: ${row.job}) may import only itself` +
        (row.mayImport.length === 0 ? '' : ` and ${row.mayImport.join(', ')}`) +
        ' (LAYERS in .dependency-cruiser.mjs)',
      from: { path: pathOf(row.folder) },
      to: {
        path: '^src/',
        pathNot: [pathOf(row.folder), ...row.mayImport.map((name) => pathOf(`${name}/`)), ...openToAll],
      },
    })),
    {
      name: 'not-in-a-layer',
      severity: 'error',
      comment: 'A file of src/ in no row of LAYERS (.dependency-cruiser.mjs): give its folder a row.',
      from: { path: '^src/', pathNot: rowPaths },
      to: { path: '^src/' },
    },
    {
      name: 'import-not-in-a-layer',
      severity: 'error',
      comment:
        'An import of a file of src/ in no row of LAYERS (.dependency-cruiser.mjs): give its folder a row.',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: rowPaths },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved: the checks above would not see this edge.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Packages are leaves, never followed (an unresolvable import stays visible to no-unresolvable).
    doNotFollow: { path: 'node_modules' },
    // Keep `import type` and type-only re-exports as edges: they count for circles and layers.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
