import protobuf from 'protobufjs';
import { OtlpTypes } from './otlp-schema';
import { badRequest, GatewayRequestError } from './request-error';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

export type Signal = 'logs' | 'metrics';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A protobuf reader whose strings must be valid UTF-8, as proto3 requires: the default reader
 * replaces bad bytes silently, and a record would then be stored with text nobody sent.
 */
class StrictUtf8Reader extends protobuf.Reader {
  override string(): string {
    return fatalUtf8.decode(this.bytes());
  }
}

/** The encoding a `Content-Type` header names, or a 415 error. */
export function encodingOf(contentType: string | undefined): OtlpEncoding {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new GatewayRequestError(
    415,
    `unsupported content type ${JSON.stringify(type.slice(0, 100))}: use application/x-protobuf or application/json`,
  );
}

/**
 * The request message as a plain tree (protobuf messages keep their decoded form; see
 * otlp-values.ts for how both are read). Throws a 400 error for anything undecodable.
 */
export function decodeRequest(signal: Signal, encoding: OtlpEncoding, body: Buffer): Record<string, unknown> {
  if (encoding === 'json') return decodeJson(body);
  const type = signal === 'logs' ? OtlpTypes.logsRequest : OtlpTypes.metricsRequest;
  try {
    return type.decode(new StrictUtf8Reader(body)) as unknown as Record<string, unknown>;
  } catch (error) {
    throw badRequest(`cannot decode the protobuf body: ${reasonOf(error)}`);
  }
}

function decodeJson(body: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = fatalUtf8.decode(body);
  } catch {
    throw badRequest('the JSON body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`cannot parse the JSON body: ${reasonOf(error)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the JSON body is not an object');
  }
  return value as Record<string, unknown>;
}

/** Encodes the response in the request's encoding. */
export function encodeResponse(
  signal: Signal,
  encoding: OtlpEncoding,
  rejected: number,
  errorMessage: string,
): Buffer {
  const partialSuccess =
    rejected > 0 || errorMessage !== ''
      ? signal === 'logs'
        ? { rejectedLogRecords: rejected, errorMessage }
        : { rejectedDataPoints: rejected, errorMessage }
      : undefined;
  const body = partialSuccess ? { partialSuccess } : {};
  if (encoding === 'json') {
    // int64 fields are strings in OTLP/JSON.
    const json = partialSuccess
      ? JSON.stringify(body, (key, value: unknown) =>
          key === 'rejectedLogRecords' || key === 'rejectedDataPoints' ? String(value) : value,
        )
      : '{}';
    return Buffer.from(json);
  }
  const type = signal === 'logs' ? OtlpTypes.logsResponse : OtlpTypes.metricsResponse;
  return Buffer.from(type.encode(type.fromObject(body)).finish());
}

/** A status message in the request's encoding: google.rpc.Status for protobuf (only `message`, field 2). */
export function encodeStatus(
  encoding: OtlpEncoding | undefined,
  message: string,
): { body: Buffer; type: string } {
  if (encoding === 'protobuf') {
    const writer = protobuf.Writer.create();
    writer.uint32((2 << 3) | 2).string(message);
    return { body: Buffer.from(writer.finish()), type: 'application/x-protobuf' };
  }
  return { body: Buffer.from(JSON.stringify({ message })), type: 'application/json' };
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 200);
}
