import { diag, type DiagLogger } from '@opentelemetry/api';

const PACKAGE_NAMESPACE = 'opentelemetry-exporter-mongodb';

/**
 * A component logger on OpenTelemetry's `diag`. It looks up the global diag
 * logger on every call, so creating it at module load is safe.
 */
export function componentLogger(component: string): DiagLogger {
  return diag.createComponentLogger({ namespace: `${PACKAGE_NAMESPACE}/${component}` });
}
