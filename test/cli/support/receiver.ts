import { createServer, type Server } from 'node:http';

/** One request a webhook receiver got. */
export interface Received {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

/**
 * A webhook receiver on loopback (a real HTTP server): it keeps every request's body, and answers
 * with `statuses` in turn (the last one repeated), 200 by default.
 */
export async function startReceiver(
  statuses: readonly number[] = [200],
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let answered = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      const status = statuses[Math.min(answered++, statuses.length - 1)]!;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
