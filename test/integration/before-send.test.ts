import { SeverityNumber } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { AuditLogger, MongoLogRecordExporter } from '../../src/index';
import type { BeforeSend } from '../../src/document/before-send';
import { captureDiag } from '../support/diag';
import { useTestDatabase } from '../support/database';
import { TEST_RESOURCE } from '../support/records';

const database = useTestDatabase('before_send');
const diagOutput = captureDiag();

describe('beforeSend against a real server', () => {
  it('writes changed documents, drops null ones as filtered, and writes the original when it throws', async () => {
    const beforeSend: BeforeSend = (document, kind) => {
      if (kind === 'audit') {
        return 'acao' in document && document.acao === 'tag.deletada' ? null : document;
      }
      if (!('erro' in document)) return document;
      if (document.erro.mensagem === 'explode') throw new Error('bug in the hook');
      if (document.erro.mensagem === 'private') return null;
      document.contexto.cliente = '[scrubbed]';
      return document;
    };
    const exporter = new MongoLogRecordExporter({
      connectionString: database.uri,
      database: database.name,
      beforeSend,
    });
    const provider = new LoggerProvider({
      resource: TEST_RESOURCE,
      processors: [new BatchLogRecordProcessor({ exporter })],
    });
    const logger = provider.getLogger('app');
    const audit = new AuditLogger({ loggerProvider: provider });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'changed', attributes: { cliente: 'Ana' } });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'private' });
    logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'explode', attributes: { cliente: 'Bia' } });
    audit.tagCriada('t-1', 'álgebra');
    audit.tagDeletada('t-1');
    await provider.shutdown();

    const errors = await database.db.collection('errors').find().sort({ 'erro.mensagem': 1 }).toArray();
    expect(errors.map((document) => [document.erro.mensagem, document.contexto.cliente])).toEqual([
      ['changed', '[scrubbed]'],
      ['explode', 'Bia'],
    ]);
    const actions = (await database.db.collection('audit').find().toArray()).map((document) => document.acao);
    expect(actions).toEqual(['tag.criada']);
    expect(exporter.getStats()).toMatchObject({ written: 3, filtered: 2, failed: 0 });
    expect(diagOutput.text()).toContain(
      'beforeSend threw; the errors document is written unchanged bug in the hook',
    );
  });
});
