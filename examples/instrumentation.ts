// Telemetry for an ES module application, loaded before it with `--import`:
//
//   MONGODB_URI=mongodb://127.0.0.1:27017/ node --import ./examples/instrumentation.ts examples/instrumented-app.ts
//
// In an ES module application, OpenTelemetry instrumentations (pino, winston, http...) can only
// patch a module through the loader hook of @opentelemetry/instrumentation. It must be
// registered before the application imports the modules to patch, which `--import` guarantees.
// Without it nothing is patched, and nothing says so: no spans, no trace_id, and the log
// bridges store nothing.
import { register } from 'node:module';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { machineResourceDetector, MongoLogRecordExporter } from 'opentelemetry-exporter-mongodb';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const sdk = new NodeSDK({
  serviceName: 'instrumented-app',
  resourceDetectors: [machineResourceDetector],
  // Put your trace pipeline here (an OTLP exporter to your collector). Without the key, NodeSDK
  // builds an OTLP exporter to http://localhost:4318, whose shutdown fails when nothing listens.
  spanProcessors: [],
  // MONGODB_URI (or MONGODB_CONNECTION_STRING) and MONGODB_DATABASE come from the environment.
  logRecordProcessors: [new BatchLogRecordProcessor({ exporter: new MongoLogRecordExporter() })],
  instrumentations: [new PinoInstrumentation()],
});
sdk.start();

// Flush and close when the application has nothing left to do.
process.once('beforeExit', () => {
  sdk.shutdown().catch((error: unknown) => console.error('telemetry shutdown failed', error));
});
