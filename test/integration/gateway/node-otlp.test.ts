import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter as OtlpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway';
import { AUDIT_LOGGER_NAME, machineResourceDetector, MongoLogRecordExporter } from '../../../src/index';
import { useTestDatabase } from '../../support/database';
import { APP, startTestGateway, TOKEN } from '../../support/gateway';

const viaGateway = useTestDatabase('gateway_node');
const inProcess = useTestDatabase('gateway_node_direct');
let gateway: Gateway;

beforeAll(async () => {
  gateway = await startTestGateway(viaGateway.uri, viaGateway.name);
});
afterAll(() => gateway?.close());

/** The same records, emitted once through a provider that exports both ways. */
async function emitBoth(gatewayExporter: LogRecordExporter, marker: string): Promise<void> {
  const direct = new MongoLogRecordExporter({
    connectionString: inProcess.uri,
    database: inProcess.name,
    spoolDir: false,
  });
  const resource = resourceFromAttributes({
    'service.name': APP,
    ...(machineResourceDetector.detect().attributes as Record<string, string>),
  });
  const provider = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({ exporter: gatewayExporter }),
      new BatchLogRecordProcessor({ exporter: direct }),
    ],
  });
  const error = new TypeError(`cannot read ${marker}`);
  provider.getLogger('app.questoes').emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: `saving failed ${marker}`,
    attributes: {
      'exception.type': error.name,
      'exception.message': error.message,
      'exception.stacktrace': error.stack!,
      'questao.id': 42,
      tags: ['a', 'b'],
      password: 'hunter2',
    },
  });
  provider
    .getLogger('app.questoes')
    .emit({ severityNumber: SeverityNumber.INFO, body: 'below the threshold' });
  provider.getLogger(AUDIT_LOGGER_NAME).emit({
    eventName: 'questao.criada',
    severityNumber: SeverityNumber.INFO,
    attributes: {
      'audit.entity': 'questao',
      'audit.entity.id': 42,
      'audit.details': { titulo: `Questão ${marker}`, tipo: 'OBJETIVA' },
      'user.id': 'u-1',
    },
  });
  await provider.shutdown();
}

const withoutId = ({ _id, ...rest }: Document) => rest;

describe.each([
  [
    'protobuf',
    () =>
      new OtlpProtoLogExporter({
        url: `${gateway.url}/v1/logs`,
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
  ],
  [
    'JSON',
    () =>
      new OtlpJsonLogExporter({
        url: `${gateway.url}/v1/logs`,
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
  ],
])('the OpenTelemetry JS OTLP exporter (%s) through the gateway', (encoding, exporter) => {
  it('stores the documents the in-process exporter stores for the same records, apart from _id and ambiente', async () => {
    await emitBoth(exporter(), encoding);
    for (const collection of ['errors', 'audit']) {
      const query =
        collection === 'errors'
          ? { 'erro.mensagem': `saving failed ${encoding}` }
          : { 'detalhes.titulo': `Questão ${encoding}` };
      const received = await viaGateway.db.collection(collection).find(query).toArray();
      const direct = await inProcess.db.collection(collection).find(query).toArray();
      expect(received).toHaveLength(1);
      expect(direct).toHaveLength(1);
      const { ambiente: receivedEnvironment, ...receivedRest } = withoutId(received[0]!);
      const { ambiente: directEnvironment, ...directRest } = withoutId(direct[0]!);
      expect(receivedRest).toEqual(directRest);
      if (collection === 'errors') {
        // `ambiente` describes the sender from its resource; in process, the local host.
        expect(receivedEnvironment).toMatchObject({
          runtime: 'nodejs',
          node_version: directEnvironment.node_version,
          architecture: directEnvironment.architecture,
        });
      }
    }
  });
});
