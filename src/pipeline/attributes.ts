import { ATTR_SESSION_ID } from '../resource/attributes';
/**
 * Log-record attribute keys. The `exception.*` and `code.*` keys are OpenTelemetry
 * semantic conventions; the older `code.*` spellings are still read.
 */
export const ATTR_EXCEPTION_TYPE = 'exception.type';
export const ATTR_EXCEPTION_MESSAGE = 'exception.message';
export const ATTR_EXCEPTION_STACKTRACE = 'exception.stacktrace';
export const ATTR_CODE_FILE_PATH = 'code.file.path';
export const ATTR_CODE_LINE_NUMBER = 'code.line.number';
export const ATTR_CODE_FUNCTION_NAME = 'code.function.name';
export const ATTR_CODE_COLUMN_NUMBER = 'code.column.number';
const LEGACY_CODE_FILEPATH = 'code.filepath';
const LEGACY_CODE_LINENO = 'code.lineno';
const LEGACY_CODE_FUNCTION = 'code.function';
const LEGACY_CODE_COLUMN = 'code.column';

/**
 * The semantic-conventions unique id of a log record. When a record carries one, it becomes
 * the document's `_id`, so two copies of the record (the normal path and the crash path) are
 * stored once.
 */
export const ATTR_LOG_RECORD_UID = 'log.record.uid';

/**
 * An application's own group key for an error (a string, or an array of strings): replaces
 * the computed `erro.fingerprint`, hashed to the same short hex form.
 */
export const ATTR_ERROR_FINGERPRINT = 'error.fingerprint';

/** Set to true by the error reporter's process hooks: stored as `nao_tratada: true`. */
export const ATTR_EXCEPTION_UNHANDLED = 'exception.unhandled';

/** The semantic-conventions key of the acting user, stored as `usuario_id`. */
export const ATTR_USER_ID = 'user.id';
/** Audit-event attributes: the entity acted on, its id, and the action's details. */
export const ATTR_AUDIT_ENTITY = 'audit.entity';
export const ATTR_AUDIT_ENTITY_ID = 'audit.entity.id';
export const ATTR_AUDIT_DETAILS = 'audit.details';

export const CODE_FILE_KEYS = [ATTR_CODE_FILE_PATH, LEGACY_CODE_FILEPATH] as const;
export const CODE_LINE_KEYS = [ATTR_CODE_LINE_NUMBER, LEGACY_CODE_LINENO] as const;
export const CODE_FUNCTION_KEYS = [ATTR_CODE_FUNCTION_NAME, LEGACY_CODE_FUNCTION] as const;

/** Attributes that become `erro.*` or `nao_tratada` and so are not repeated in `contexto`. */
export const ERROR_FIELD_KEYS: ReadonlySet<string> = new Set([
  ATTR_SESSION_ID,
  ATTR_EXCEPTION_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_UNHANDLED,
  ATTR_LOG_RECORD_UID,
  ATTR_ERROR_FINGERPRINT,
  ...CODE_FILE_KEYS,
  ...CODE_LINE_KEYS,
  ...CODE_FUNCTION_KEYS,
  ATTR_CODE_COLUMN_NUMBER,
  LEGACY_CODE_COLUMN,
]);

/** Attributes that become audit fields and so are not repeated in `detalhes`. */
export const AUDIT_FIELD_KEYS: ReadonlySet<string> = new Set([
  ATTR_SESSION_ID,
  ATTR_AUDIT_ENTITY,
  ATTR_AUDIT_ENTITY_ID,
  ATTR_AUDIT_DETAILS,
  ATTR_USER_ID,
]);
