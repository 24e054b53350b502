import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { GatewayRequestError } from './request-error';

/**
 * Reads a request body, decompressing `gzip` or `deflate` as it streams, and stops as soon as
 * more than `maxBytes` arrive or would be inflated: a compressed bomb never grows in memory
 * beyond the limit. Each chunk kept is first offered to `keep` (the gateway's shared allowance of
 * body bytes), which throws to refuse it. Throws 413 beyond the limit, 415 for another encoding,
 * 400 for a corrupt stream.
 */
export async function readBody(
  request: IncomingMessage,
  maxBytes: number,
  keep: (bytes: number) => void,
): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  let inflater: Gunzip | Inflate | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') inflater = createGunzip();
  else if (encoding === 'deflate') inflater = createInflate();
  else if (encoding !== 'identity' && encoding !== '') {
    throw new GatewayRequestError(
      415,
      `unsupported content encoding ${JSON.stringify(encoding.slice(0, 50))}`,
    );
  }

  const source = inflater ? request.pipe(inflater) : request;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes);
      keep(chunk.length);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof GatewayRequestError) throw error;
    throw new GatewayRequestError(
      400,
      `cannot read the ${inflater ? encoding : ''} body: ${reasonOf(error)}`,
    );
  } finally {
    if (inflater) {
      request.unpipe(inflater);
      inflater.destroy();
    }
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): GatewayRequestError {
  return new GatewayRequestError(413, `body larger than ${maxBytes} bytes (after decompression)`);
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
