import { createHash } from 'node:crypto';
import type { AnyValue, Attributes, HrTime } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceFields } from '../document/resource-fields';
import { appOf, remoteResourceFields } from './remote-resource';
import {
  own,
  toAnyValue,
  toAttributes,
  toHexId,
  toHrTime,
  toInteger,
  toList,
  toObject,
  toText,
} from './otlp-values';

/** One received log record in the shape the in-process mapping reads, with its stable `_id`. */
export interface ReceivedLogRecord {
  record: ReadableLogRecord;
  /**
   * The same for the same record sent again (a client retry): ObjectId layout, the event's
   * seconds then 16 hex of sha256 over the resource and the record's content, so a retried
   * record hits a duplicate key and is stored once.
   */
  id: string;
}

/** The records of one resource: who sent them and what the documents take from it. */
export interface ReceivedResourceLogs {
  /** `service.name`, the app the sender's token must be allowed to write for. */
  app: string;
  fields: ResourceFields;
  records: ReceivedLogRecord[];
}

/** An ExportLogsServiceRequest (decoded protobuf or OTLP/JSON) as records the mapping reads. */
export function readLogsRequest(
  request: Record<string, unknown>,
  receivedAt: HrTime,
): ReceivedResourceLogs[] {
  const result: ReceivedResourceLogs[] = [];
  for (const item of toList(own(request, 'resourceLogs'), 'resourceLogs')) {
    const resourceLogs = toObject(item, 'resourceLogs');
    const resourceMessage = toObject(own(resourceLogs, 'resource'), 'resource');
    const resourceAttributes = toAttributes(own(resourceMessage, 'attributes'), 'resource.attributes');
    const resource = resourceFromAttributes(resourceAttributes);
    const resourceHash = hashOf(createHash('sha256'), resourceAttributes).digest('hex');
    const group: ReceivedResourceLogs = {
      app: appOf(resourceAttributes),
      fields: remoteResourceFields(resourceAttributes),
      records: [],
    };
    for (const scopeItem of toList(own(resourceLogs, 'scopeLogs'), 'scopeLogs')) {
      const scopeLogs = toObject(scopeItem, 'scopeLogs');
      const scope = toObject(own(scopeLogs, 'scope'), 'scope');
      const instrumentationScope = {
        name: toText(own(scope, 'name'), 'scope.name'),
        version: toText(own(scope, 'version'), 'scope.version') || undefined,
      };
      for (const recordItem of toList(own(scopeLogs, 'logRecords'), 'logRecords')) {
        const message = toObject(recordItem, 'logRecord') ?? {};
        const time = toHrTime(own(message, 'timeUnixNano'), 'timeUnixNano');
        const observed = toHrTime(own(message, 'observedTimeUnixNano'), 'observedTimeUnixNano');
        const traceId = toHexId(own(message, 'traceId'), 16, 'traceId');
        const spanId = toHexId(own(message, 'spanId'), 8, 'spanId');
        const severityNumber = own(message, 'severityNumber');
        const body = own(message, 'body');
        const eventName = toText(own(message, 'eventName'), 'eventName');
        const record: ReadableLogRecord = {
          // The specification: a record without a time takes its observed time.
          hrTime: time ?? observed ?? receivedAt,
          hrTimeObserved: observed ?? time ?? receivedAt,
          severityNumber:
            severityNumber === undefined ? undefined : Number(toInteger(severityNumber, 'severityNumber')),
          severityText: toText(own(message, 'severityText'), 'severityText') || undefined,
          body: body === undefined ? undefined : (toAnyValue(body, 'body') as AnyValue),
          attributes: toAttributes(own(message, 'attributes'), 'attributes') as Attributes,
          eventName: eventName || undefined,
          instrumentationScope,
          resource,
          droppedAttributesCount: Number(toInteger(own(message, 'droppedAttributesCount') ?? 0, 'dropped')),
          ...(traceId && spanId ? { spanContext: { traceId, spanId, traceFlags: TraceFlags.NONE } } : {}),
        };
        group.records.push({ record, id: contentId(resourceHash, record, traceId, spanId) });
      }
    }
    result.push(group);
  }
  return result;
}

function contentId(resourceHash: string, record: ReadableLogRecord, traceId: string, spanId: string): string {
  const hash = createHash('sha256').update(resourceHash);
  hashOf(hash, [
    record.hrTime,
    record.severityNumber ?? null,
    record.severityText ?? null,
    record.eventName ?? null,
    record.instrumentationScope.name,
    record.instrumentationScope.version ?? null,
    traceId,
    spanId,
  ]);
  hashOf(hash, record.body ?? null);
  hashOf(hash, record.attributes);
  const seconds = Math.max(0, Math.min(record.hrTime[0], 0xffffffff));
  return seconds.toString(16).padStart(8, '0') + hash.digest('hex').slice(0, 16);
}

/**
 * Feeds a value to the hash as JSON. Bytes (an OTLP `bytesValue`) come out index by index
 * (`{"0":1,"1":2}`): longer than hex, but as stable, and a replacer function would cost every
 * record about 1 µs more for the rare record that has bytes.
 */
function hashOf(hash: ReturnType<typeof createHash>, value: unknown): ReturnType<typeof createHash> {
  return hash.update(JSON.stringify(value) ?? 'null');
}
