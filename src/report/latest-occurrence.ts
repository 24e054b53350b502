import type { Document } from 'mongodb';
import type { QueryContext } from './context';
import type { LatestOccurrence } from './types';

/**
 * The newest document of each listed group, for the group's page: its stack trace and trail are
 * the heavy fields the scan does not project. The scan keeps each group's newest `_id`, so this
 * is one `_id` lookup for all groups, whatever the server's plan for the other fields.
 */
export async function readLatestOccurrences(
  context: QueryContext,
  newestIds: ReadonlyMap<string, unknown>,
): Promise<Map<string, LatestOccurrence>> {
  const result = new Map<string, LatestOccurrence>();
  if (newestIds.size === 0) return result;
  context.progress('latest occurrence of each group');
  const docs = await context.db
    .collection(context.collections.errors)
    .find({ _id: { $in: [...newestIds.values()] } } as Document, {
      projection: { timestamp: 1, maquina_id: 1, app_version: 1, 'erro.stacktrace': 1, trilha: 1 },
      limit: newestIds.size,
      maxTimeMS: context.maxTimeMS,
    })
    .toArray();
  const byId = new Map(docs.map((doc) => [String(doc._id), doc]));
  for (const [group, id] of newestIds) {
    const doc = byId.get(String(id));
    if (doc) result.set(group, latestOf(doc));
  }
  return result;
}

function latestOf(doc: Document): LatestOccurrence {
  const erro = (doc.erro ?? {}) as Document;
  return {
    timestamp: doc.timestamp instanceof Date ? doc.timestamp : new Date(0),
    machine: typeof doc.maquina_id === 'string' ? doc.maquina_id : null,
    version: typeof doc.app_version === 'string' ? doc.app_version : null,
    stacktrace: typeof erro.stacktrace === 'string' ? erro.stacktrace : null,
    trail: Array.isArray(doc.trilha)
      ? doc.trilha.filter(
          (entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object',
        )
      : [],
  };
}
