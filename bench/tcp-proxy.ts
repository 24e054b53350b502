// A TCP relay run as a child process by outage-memory.ts: listening on LISTEN_PORT makes the
// server reachable again at the address the exporter was given. Not a benchmark of its own.
// Run: node bench/tcp-proxy.ts LISTEN_PORT TARGET_HOST TARGET_PORT
import { connect, createServer } from 'node:net';

const [listenPort, targetHost, targetPort] = process.argv.slice(2);
const server = createServer((client) => {
  const upstream = connect(Number(targetPort), targetHost);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(Number(listenPort), '127.0.0.1', () => process.stdout.write('listening\n'));
