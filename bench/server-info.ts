// Prints what the benchmark server is, from buildInfo: "FerretDB v1.24.2 (reports MongoDB 7.0.77)".
// Run: node bench/server-info.ts URI
import { MongoClient } from 'mongodb';

const client = new MongoClient(process.argv[2] ?? '', { serverSelectionTimeoutMS: 5000 });
try {
  const info = await client.db('admin').command({ buildInfo: 1 });
  const ferret = (info.ferretdb as { version?: string } | undefined)?.version ?? info.ferretdbVersion;
  console.log(ferret ? `FerretDB ${ferret} (reports MongoDB ${info.version})` : `MongoDB ${info.version}`);
} finally {
  await client.close();
}
