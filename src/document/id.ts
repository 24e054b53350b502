import { randomBytes } from 'node:crypto';

/**
 * Document ids in ObjectId layout, as 24 hex characters: 4 bytes of seconds, 5 bytes
 * random per process, 3 bytes of counter. An id is given to a document once, when it
 * is mapped, and travels with it through retries and the spool, so a write that is
 * repeated hits a duplicate key instead of storing the record twice.
 */
export function createIdSource(): () => string {
  const processPart = randomBytes(5).toString('hex');
  let counter = randomBytes(3).readUIntBE(0, 3);
  let second = -1;
  let prefix = '';
  return () => {
    counter = (counter + 1) & 0xffffff;
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      prefix = now.toString(16).padStart(8, '0') + processPart;
    }
    return prefix + counter.toString(16).padStart(6, '0');
  };
}
