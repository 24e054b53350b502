import type { Collection, Db } from 'mongodb';
import { groupId, type GroupKey } from './group-key';

/**
 * The decision people took about one error group, as the CLI stores it (collection
 * `error_groups` by default). Only the CLI writes it; a group without a document has no
 * decision, and its state is computed from its occurrences alone.
 *
 * - `resolvido`: resolved in `versao_resolucao` at `resolvido_em`;
 * - `ignorado`: ignored at `ignorado_em`, until `ignorar_ocorrencias` more occurrences or until
 *   `ignorar_ate`, whichever is given (neither: until `reopen`);
 * - `aberto`: reopened by hand; the state is computed again, as without a document.
 */
export interface GroupStateDocument {
  /** `<app>/<fingerprint>` (a fingerprint never holds `/`). */
  _id: string;
  app_nome: string;
  fingerprint: string;
  estado: 'resolvido' | 'ignorado' | 'aberto';
  /** When the CLI last wrote this document. */
  atualizado_em: Date;
  versao_resolucao?: string;
  resolvido_em?: Date;
  ignorado_em?: Date;
  ignorar_ocorrencias?: number;
  ignorar_ate?: Date;
}

function collectionOf(db: Db, name: string): Collection<GroupStateDocument> {
  return db.collection<GroupStateDocument>(name);
}

/** Marks a group resolved in `version`, at `at`; replaces any earlier decision. */
export async function writeResolved(
  db: Db,
  name: string,
  key: GroupKey,
  version: string,
  at: Date,
): Promise<GroupStateDocument> {
  return write(db, name, {
    ...base(key, 'resolvido', at),
    versao_resolucao: version,
    resolvido_em: at,
  });
}

/** Marks a group ignored from `at`, until `count` more occurrences or the date `until` (or for good). */
export async function writeIgnored(
  db: Db,
  name: string,
  key: GroupKey,
  at: Date,
  condition: { count?: number; until?: Date },
): Promise<GroupStateDocument> {
  return write(db, name, {
    ...base(key, 'ignorado', at),
    ignorado_em: at,
    ...(condition.count === undefined ? {} : { ignorar_ocorrencias: condition.count }),
    ...(condition.until === undefined ? {} : { ignorar_ate: condition.until }),
  });
}

/** Clears the decision: the group's state is computed from its occurrences again. */
export async function writeReopened(
  db: Db,
  name: string,
  key: GroupKey,
  at: Date,
): Promise<GroupStateDocument> {
  return write(db, name, base(key, 'aberto', at));
}

/** Every decision, by group `_id`. The collection holds one small document per decided group. */
export async function readDecisions(db: Db, name: string): Promise<Map<string, GroupStateDocument>> {
  const documents = await collectionOf(db, name).find({}).toArray();
  return new Map(documents.map((doc) => [doc._id, doc]));
}

/** The decision about one group, if any. */
export async function readDecision(db: Db, name: string, key: GroupKey): Promise<GroupStateDocument | null> {
  return collectionOf(db, name).findOne({ _id: groupId(key) });
}

function base(key: GroupKey, estado: GroupStateDocument['estado'], at: Date): GroupStateDocument {
  return { _id: groupId(key), app_nome: key.app, fingerprint: key.fingerprint, estado, atualizado_em: at };
}

// A whole replacement: a new decision never keeps fields of the previous one (a resolved group
// that is ignored loses its resolution; reopening clears both).
async function write(db: Db, name: string, doc: GroupStateDocument): Promise<GroupStateDocument> {
  await collectionOf(db, name).replaceOne({ _id: doc._id }, doc, { upsert: true });
  return doc;
}
