// OTLP logs requests as a client SDK would send them, for the gateway benchmarks: request `r`
// holds the error records r × batch .. (r + 1) × batch − 1 of bench/support.ts.
import { gzipSync } from 'node:zlib';
import { OtlpTypes } from '../src/gateway/otlp-schema.ts';
import { BENCH_RESOURCE, errorLogRecord } from './support.ts';

export type Encoding = 'protobuf' | 'json' | 'protobuf+gzip';

/** Request `r` of the run in `encoding`: `batch` error records, as an OTLP SDK would send them. */
export function requestBody(r: number, batch: number, encoding: Encoding): Uint8Array | string {
  const request = requestObject(r, batch);
  if (encoding === 'json') return JSON.stringify(request);
  const protobuf = OtlpTypes.logsRequest.encode(OtlpTypes.logsRequest.fromObject(request)).finish();
  return encoding === 'protobuf' ? protobuf : gzipSync(protobuf);
}

function requestObject(r: number, batch: number) {
  const records = [];
  for (let i = r * batch; i < (r + 1) * batch; i++) {
    const record = errorLogRecord(i);
    records.push({
      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(i)),
      severityNumber: 17,
      severityText: 'ERROR',
      body: { stringValue: String(record.body) },
      attributes: Object.entries(record.attributes ?? {}).map(([key, value]) => ({
        key,
        value: typeof value === 'number' ? { intValue: value } : { stringValue: String(value) },
      })),
    });
  }
  const attribute = (key: string, value: unknown) => ({ key, value: { stringValue: String(value) } });
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            attribute('service.name', 'mathbank-bench'),
            ...Object.entries(BENCH_RESOURCE.attributes).map(([k, v]) => attribute(k, v)),
          ],
        },
        scopeLogs: [{ scope: { name: 'bench' }, logRecords: records }],
      },
    ],
  };
}
