import { MongoClient } from 'mongodb';
import { expect, it } from 'vitest';
import { MongoWriter } from '../../src/storage/mongo-writer';
import { ControlledServer, describeWithPrivateServer } from '../support/server';
import { resolveOptions } from '../../src/shared-options/shared-options';

describeWithPrivateServer('MongoWriter when the server is down at the first contact', () => {
  it.each(['insert', 'upsert'] as const)(
    'recovers for %s once the server is back (driver 7 keeps such a client closed)',
    async (operation) => {
      const server = new ControlledServer(`reconnect-${operation}`);
      const uri = server.start();
      server.stop();
      const writer = new MongoWriter(
        resolveOptions(
          { connectionString: uri, database: 'reconnect', connectionTimeoutMs: 500, spoolDir: false },
          {},
        ),
      );
      const write = (id: string) => writer[operation]('metrics', [{ _id: id, value: 1 }]);
      try {
        await expect(write('while-down')).rejects.toThrow();
        expect(writer.isConnected).toBe(false);
        server.start();
        await expect(write('after-restart')).resolves.toEqual({ written: 1, rejected: 0 });
        expect(writer.isConnected).toBe(true);
        const client = new MongoClient(uri);
        expect(
          await client
            .db('reconnect')
            .collection('metrics')
            .countDocuments({ _id: 'after-restart' as never }),
        ).toBe(1);
        await client.close();
      } finally {
        await writer.close();
        server.destroy();
      }
    },
  );
});
