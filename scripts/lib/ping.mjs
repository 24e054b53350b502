// Exit 0 when the MongoDB-wire server at argv[2] answers { ping: 1 }, 1 otherwise.
import { MongoClient } from 'mongodb';

const client = new MongoClient(process.argv[2], { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
try {
  await client.db('admin').command({ ping: 1 });
  process.exitCode = 0;
} catch {
  process.exitCode = 1;
} finally {
  await client.close();
}
