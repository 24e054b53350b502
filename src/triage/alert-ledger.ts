import type { Db } from 'mongodb';

/**
 * What `watch` last recorded for one subject at one destination (collection `alerts_sent` by
 * default): the signature it saw, and the delivery of the last alert. A signature that did not
 * change sends nothing, so a restarted `watch` does not alert again.
 */
export interface AlertRecord {
  /** `<destino_id>|<assunto>`. */
  _id: string;
  /** A hash of the destination (its URL is a secret), or `stdout`. */
  destino_id: string;
  /** The destination without its secrets, for people reading the collection. */
  destino: string;
  /** `group:<app>/<fingerprint>` or `crash-free:<app>/<version>`. */
  assunto: string;
  /** The subject's state when last seen (`absent` once it left the watched window). */
  assinatura: string;
  atualizado_em: Date;
  /** The last alert sent for this subject: its text, when, and how its delivery went. */
  alerta?: {
    texto: string;
    enviado_em: Date;
    entregue: boolean;
    tentativas: number;
    status?: number;
    erro?: string;
  };
}

export type AlertDelivery = NonNullable<AlertRecord['alerta']>;

/** The records of one destination, by subject. */
export async function readLedger(
  db: Db,
  name: string,
  destinationId: string,
): Promise<Map<string, AlertRecord>> {
  const records = await db.collection<AlertRecord>(name).find({ destino_id: destinationId }).toArray();
  return new Map(records.map((record) => [record.assunto, record]));
}

/** Records a subject's signature at a destination, with the alert just sent if there was one. */
export async function recordSignature(
  db: Db,
  name: string,
  destination: { id: string; label: string },
  subject: string,
  signature: string,
  at: Date,
  alert?: AlertDelivery,
): Promise<void> {
  await db.collection<AlertRecord>(name).updateOne(
    { _id: `${destination.id}|${subject}` },
    {
      $set: {
        destino_id: destination.id,
        destino: destination.label,
        assunto: subject,
        assinatura: signature,
        atualizado_em: at,
        ...(alert ? { alerta: alert } : {}),
      },
    },
    { upsert: true },
  );
}

/**
 * Marks `absent` the subjects of a destination that this poll did not see (a group with no
 * occurrence in the window any more): when one comes back, its state is a change again.
 */
export async function markAbsent(
  db: Db,
  name: string,
  destinationId: string,
  seen: ReadonlySet<string>,
  known: Iterable<string>,
  at: Date,
): Promise<void> {
  const gone = [...known].filter((subject) => !seen.has(subject));
  if (gone.length === 0) return;
  await db
    .collection<AlertRecord>(name)
    .updateMany(
      { destino_id: destinationId, assunto: { $in: gone } },
      { $set: { assinatura: 'absent', atualizado_em: at } },
    );
}
