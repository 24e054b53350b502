// Telemetry for an ES module application, loaded before it with `--import`:
//
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node --import ./examples/instrumentation.ts examples/instrumented-app.ts
//
// In an ES module application, OpenTelemetry instrumentations (pino, winston, http...) can only
// patch a module through the loader hook of @opentelemetry/instrumentation. It must be
// registered before the application imports the modules to patch, which `--import` guarantees.
// Without it nothing is patched, and nothing says so: the log bridges store nothing.
//
// Errors logged inside a span get its trace_id and span_id only if NodeSDK has at least one span
// processor: with `spanProcessors: []` it registers no tracer provider, every span is the API's
// no-op span (all-zero trace id), and stored errors have no trace_id, silently.
import { register } from 'node:module';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import {
  machineResourceDetector,
  MongoBatchLogRecordProcessor,
  MongoLogRecordExporter,
} from 'opentelemetry-exporter-mongodb';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

// Stands in for your trace pipeline (a BatchSpanProcessor with an OTLP exporter to your
// collector): a span processor that exports nothing. Without the key, NodeSDK builds an OTLP
// exporter to http://localhost:4318, whose shutdown fails when nothing listens.
const traceSpanProcessor: NonNullable<NodeSDKConfiguration['spanProcessors']>[number] = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

const sdk = new NodeSDK({
  serviceName: 'instrumented-app',
  resourceDetectors: [machineResourceDetector],
  spanProcessors: [traceSpanProcessor],
  // MONGODB_URI (or MONGODB_CONNECTION_STRING) and MONGODB_DATABASE come from the environment.
  // The package's processor: a full queue is spilled to the disk spool, not dropped silently.
  logRecordProcessors: [new MongoBatchLogRecordProcessor({ exporter: new MongoLogRecordExporter() })],
  instrumentations: [new PinoInstrumentation()],
});
sdk.start();

// Flush and close when the application has nothing left to do.
process.once('beforeExit', () => {
  sdk.shutdown().catch((error: unknown) => console.error('telemetry shutdown failed', error));
});
