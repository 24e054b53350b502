import type { IndexDescription } from 'mongodb';
import type { CollectionNames } from '../document/schema';

/** The plan's indexes, plus the fingerprint's, per collection kind. */
export const INDEXES: Readonly<Record<keyof CollectionNames, readonly IndexDescription[]>> = {
  errors: [
    { key: { timestamp: -1 } },
    { key: { maquina_id: 1, timestamp: -1 } },
    { key: { 'erro.tipo': 1 } },
    { key: { 'erro.fingerprint': 1, timestamp: -1 } },
  ],
  audit: [{ key: { timestamp: -1 } }, { key: { acao: 1, timestamp: -1 } }],
  metrics: [{ key: { timestamp: -1 } }, { key: { maquina_id: 1, timestamp: -1 } }],
};
