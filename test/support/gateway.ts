import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Gateway, type GatewayOptions, startGateway } from '../../src/gateway';
import { OtlpTypes } from '../../src/gateway/otlp-schema';

export const APP = 'mathbank-desktop';
export const TOKEN = 'desktop-token-0123456789abcdef';
export const OTHER_APP = 'other-app';
export const OTHER_TOKEN = 'other-token-0123456789abcdef';

/** A gateway on a free loopback port writing to `database`, with two app tokens. */
export function startTestGateway(
  uri: string,
  database: string,
  options: GatewayOptions = {},
): Promise<Gateway> {
  return startGateway({
    connectionString: uri,
    database,
    port: 0,
    spoolDir: mkdtempSync(join(tmpdir(), 'gateway-spool-')),
    tokens: [
      { name: 'desktop', app: APP, token: TOKEN },
      { name: 'other', app: OTHER_APP, token: OTHER_TOKEN },
    ],
    ...options,
  });
}

export interface PostOptions {
  type?: string;
  token?: string | null;
  encoding?: string;
}

export async function post(
  gateway: Gateway,
  path: string,
  body: Uint8Array | string,
  options: PostOptions = {},
) {
  const headers: Record<string, string> = { 'content-type': options.type ?? 'application/x-protobuf' };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  if (options.encoding) headers['content-encoding'] = options.encoding;
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers, body });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

interface TestRecord {
  body?: string;
  severityNumber?: number;
  timeUnixNano?: string;
  attributes?: Record<string, string>;
  eventName?: string;
  scope?: string;
}

/** An OTLP/JSON logs request for `app` with the given records. */
export function logsJson(records: TestRecord[], app = APP, resource: Record<string, string> = {}) {
  const kv = (attributes: Record<string, string>) =>
    Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));
  return {
    resourceLogs: [
      {
        resource: { attributes: kv({ 'service.name': app, 'service.version': '2.0.0', ...resource }) },
        scopeLogs: groupByScope(records).map(([scope, list]) => ({
          scope: { name: scope },
          logRecords: list.map((record) => ({
            timeUnixNano: record.timeUnixNano ?? '1767225600000000000',
            severityNumber: record.severityNumber ?? 17,
            severityText: 'ERROR',
            body: { stringValue: record.body ?? 'falhou' },
            attributes: kv(record.attributes ?? {}),
            ...(record.eventName ? { eventName: record.eventName } : {}),
          })),
        })),
      },
    ],
  };
}

/** The same request as protobuf bytes. */
export function logsProtobuf(
  records: TestRecord[],
  app = APP,
  resource: Record<string, string> = {},
): Uint8Array {
  const type = OtlpTypes.logsRequest;
  return type.encode(type.fromObject(logsJson(records, app, resource))).finish();
}

function groupByScope(records: TestRecord[]): [string, TestRecord[]][] {
  const groups = new Map<string, TestRecord[]>();
  for (const record of records) {
    const scope = record.scope ?? 'app.module';
    groups.set(scope, [...(groups.get(scope) ?? []), record]);
  }
  return [...groups];
}
