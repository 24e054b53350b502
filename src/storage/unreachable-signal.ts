import type { MongoClient, TopologyDescriptionChangedEvent } from 'mongodb';

/**
 * Ends a wait on the driver as soon as the driver knows that no server can take it.
 *
 * The driver keeps an operation waiting for up to `serverSelectionTimeoutMS` even when its
 * monitor learned within milliseconds that the connection is refused or the host name does not
 * resolve. With a spool there is nothing to gain from that wait, and a short-lived process
 * would spend it at exit. So each operation is raced against the topology: once no
 * data-bearing server is left and a server reports an error, every operation waiting here
 * rejects with that error (a `MongoNetworkError`, which the delivery's policy treats as
 * transient). A replica set that is electing a primary still has data-bearing secondaries, so
 * its operations wait for the election as the driver intends.
 *
 * The raced operation goes on inside the driver and settles later (or when the client closes);
 * its outcome is then ignored.
 */
export class UnreachableSignal {
  private readonly client: MongoClient;
  private readonly waiting = new Set<(error: Error) => void>();
  /** Why no server can be reached, while that holds for the current connection attempt. */
  private unreachable: Error | undefined;
  private readonly onTopology = (event: TopologyDescriptionChangedEvent) => {
    const description = event.newDescription;
    const error = description.error;
    if (description.hasDataBearingServers || !error) {
      this.unreachable = undefined;
      return;
    }
    this.unreachable = error;
    for (const reject of [...this.waiting]) reject(error);
  };

  constructor(client: MongoClient) {
    this.client = client;
    client.on('topologyDescriptionChanged', this.onTopology);
  }

  /** `operation`'s outcome, or the topology's error as soon as no server can take it. */
  race<T>(operation: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.unreachable) {
        operation.catch(() => undefined); // settles later, inside the driver
        reject(this.unreachable);
        return;
      }
      const giveUp = (error: Error) => {
        this.waiting.delete(giveUp);
        reject(error);
      };
      this.waiting.add(giveUp);
      operation.then(
        (value) => {
          this.waiting.delete(giveUp);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(giveUp);
          reject(error as Error);
        },
      );
    });
  }

  /** A new connection attempt starts (the client was closed): what was learnt no longer holds. */
  reset(): void {
    this.unreachable = undefined;
  }

  close(): void {
    this.client.removeListener('topologyDescriptionChanged', this.onTopology);
    this.waiting.clear();
  }
}
