import type { AnyValue, Attributes, HrTime } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { toBsonSafe, toBsonSafeFields, toBsonSafeObject, toBsonSafeText } from '../document/bson-safe';
import type { ResourceFields } from '../document/resource-fields';
import {
  ATTR_AUDIT_DETAILS,
  ATTR_AUDIT_ENTITY,
  ATTR_AUDIT_ENTITY_ID,
  ATTR_ERROR_FINGERPRINT,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_EXCEPTION_UNHANDLED,
  ATTR_LOG_RECORD_UID,
  ATTR_USER_ID,
  AUDIT_FIELD_KEYS,
  CODE_FILE_KEYS,
  CODE_FUNCTION_KEYS,
  CODE_LINE_KEYS,
  ERROR_FIELD_KEYS,
} from './attributes';
import { customFingerprint, fingerprint } from './fingerprint';
import { parseJsStack } from './js-stack';
import { levelOf } from '../document/level';
import { isPythonTraceback, PYTHON_TRACEBACK_HEADER, parsePythonTraceback } from './python-traceback';
import { type StackFrame, topFrame } from './stack-frame';
import { sessionIdOf } from './session-id';
import { StackMemo } from './stack-memo';
import type { AuditDocument, ErrorDocument } from '../document/schema';
import type { SanitizeLimits } from '../document/sanitize-report';
import type { SanitizeReport } from '../document/sanitize-report';

/** What a mapping needs besides the record: the precomputed resource part and the sanitizer's state. */
export interface MappingContext {
  id: string;
  fields: ResourceFields;
  report: SanitizeReport;
  limits: SanitizeLimits;
  /** Folders stack-frame paths are made relative to for the fingerprint. */
  appRoots?: readonly string[];
  /**
   * What was read from stacks seen before, owned by the caller (a `LogPipeline` keeps one).
   * It changes only how fast a document is made, never the document: without it, every stack
   * is read anew.
   */
  stacks?: StackFactsMemo;
  /** The process's running session, for records emitted in this process (not the gateway's). */
  localSession?: () => string | undefined;
}

export function toErrorDocument(record: ReadableLogRecord, context: MappingContext): ErrorDocument {
  const { attributes } = record;
  const stacktrace = stringOrNull(attributes[ATTR_EXCEPTION_STACKTRACE]);
  const facts = stacktrace ? stackFactsOf(stacktrace, context.stacks) : undefined;
  const frame = facts?.frame ?? undefined;
  const lineAttribute = firstOf(attributes, CODE_LINE_KEYS);
  const uid = attributes[ATTR_LOG_RECORD_UID];
  const tipo = safeText(stringOrNull(attributes[ATTR_EXCEPTION_TYPE]), context, 'erro.tipo');
  const mensagem = messageOf(record.body, attributes[ATTR_EXCEPTION_MESSAGE], context);
  const document: ErrorDocument = {
    _id: typeof uid === 'string' && uid.length > 0 && uid.length <= 128 ? uid : context.id,
    timestamp: hrTimeToDate(record.hrTime),
    nivel: levelOf(record.severityNumber, record.severityText),
    maquina_id: context.fields.maquina_id,
    app_nome: context.fields.app_nome,
    app_version: context.fields.app_version,
    logger_name: record.instrumentationScope.name,
    erro: {
      tipo,
      mensagem,
      stacktrace:
        stacktrace === null
          ? null
          : toBsonSafeText(stacktrace, context.report, context.limits, 'erro.stacktrace'),
      arquivo: safeText(
        stringOrNull(firstOf(attributes, CODE_FILE_KEYS)) ?? frame?.file ?? null,
        context,
        'erro.arquivo',
      ),
      linha: integerOrNull(lineAttribute) ?? frame?.line ?? null,
      funcao: safeText(
        stringOrNull(firstOf(attributes, CODE_FUNCTION_KEYS)) ?? frame?.func ?? null,
        context,
        'erro.funcao',
      ),
      fingerprint: errorFingerprint(
        attributes[ATTR_ERROR_FINGERPRINT],
        tipo,
        mensagem,
        stacktrace,
        facts,
        context,
      ),
    },
    contexto: toBsonSafeFields(attributes, ERROR_FIELD_KEYS, context.report, context.limits, 'contexto'),
    ambiente: context.fields.ambiente,
  };
  const session = sessionIdOf(record, context.fields.sessao_id, context.localSession);
  if (session !== undefined) document.sessao_id = session;
  if (attributes[ATTR_EXCEPTION_UNHANDLED] === true) document.nao_tratada = true;
  addSpanContext(document, record);
  return document;
}

export function toAuditDocument(record: ReadableLogRecord, context: MappingContext): AuditDocument {
  const { attributes } = record;
  const details = attributes[ATTR_AUDIT_DETAILS];
  const extra = omit(attributes, AUDIT_FIELD_KEYS);
  const document: AuditDocument = {
    _id: context.id,
    timestamp: hrTimeToDate(record.hrTime),
    acao: safeText(record.eventName ?? '', context, 'acao'),
    entidade: safeText(stringOrNull(attributes[ATTR_AUDIT_ENTITY]) ?? '', context, 'entidade'),
    entidade_id: safeText(idToString(attributes[ATTR_AUDIT_ENTITY_ID]), context, 'entidade_id'),
    detalhes: toBsonSafeObject(
      Object.keys(extra).length === 0 ? details : { ...extra, ...(details as object | undefined) },
      context.report,
      context.limits,
      'detalhes',
    ),
    usuario_id:
      attributes[ATTR_USER_ID] == null
        ? null
        : safeText(idToString(attributes[ATTR_USER_ID]), context, 'usuario_id'),
    maquina_id: context.fields.maquina_id,
    app_nome: context.fields.app_nome,
    app_version: context.fields.app_version,
  };
  const session = sessionIdOf(record, context.fields.sessao_id, context.localSession);
  if (session !== undefined) document.sessao_id = session;
  addSpanContext(document, record);
  return document;
}

/** The application's own key (`error.fingerprint`) if it set one, else the computed one. */
function errorFingerprint(
  custom: unknown,
  type: string | null,
  message: string,
  stacktrace: string | null,
  facts: StackFacts | undefined,
  context: MappingContext,
): string {
  if (typeof custom === 'string' && custom !== '') return customFingerprint(custom);
  if (Array.isArray(custom) && custom.length > 0) return customFingerprint(custom.map(String));
  const appRoots = context.appRoots;
  if (stacktrace === null || facts === undefined) return fingerprint({ type, message, frames: [] }, appRoots);
  const known = facts.fingerprint;
  if (known && known.type === type && known.message === message && known.appRoots === appRoots)
    return known.value;
  const frames = isPythonTraceback(stacktrace) ? parsePythonTraceback(stacktrace) : parseJsStack(stacktrace);
  const value = fingerprint({ type, message, frames }, appRoots);
  facts.fingerprint = { type, message, appRoots, value };
  return value;
}

/** A fingerprint computed from a stack, and the other inputs it was computed from. */
export interface KnownFingerprint {
  type: string | null;
  message: string;
  appRoots: readonly string[] | undefined;
  value: string;
}

/**
 * What was read from one stack (from its memo key on): its top frame, and the last
 * fingerprint computed with it. One entry for both, so that a record costs one lookup.
 */
export interface StackFacts {
  frame: StackFrame | null;
  fingerprint: KnownFingerprint | undefined;
}

/** The memo a caller passes in {@link MappingContext.stacks}. */
export type StackFactsMemo = StackMemo<StackFacts>;

/** An empty memo of stack facts, for {@link MappingContext.stacks}. */
export function newStackFactsMemo(): StackFactsMemo {
  return new StackMemo<StackFacts>();
}

function stackFactsOf(stacktrace: string, memo: StackFactsMemo | undefined): StackFacts {
  if (memo === undefined) return { frame: topFrame(stacktrace) ?? null, fingerprint: undefined };
  const from = memoStart(stacktrace);
  let facts = memo.get(stacktrace, from);
  if (facts === undefined) {
    facts = { frame: topFrame(stacktrace) ?? null, fingerprint: undefined };
    memo.set(stacktrace, facts, from);
  }
  return facts;
}

const STARTS_AS_FRAME = /^\s*at /;

/**
 * Where a stack's memo key starts: after its first line (`TypeError: message`), which often
 * carries an id that makes every stack of one bug unique. The first line is kept when it could
 * be read as a frame or as a Python traceback's header, since then it counts.
 */
function memoStart(stacktrace: string): number {
  const newline = stacktrace.indexOf('\n');
  if (newline === -1 || STARTS_AS_FRAME.test(stacktrace)) return 0;
  const header = stacktrace.indexOf(PYTHON_TRACEBACK_HEADER);
  return header !== -1 && header < newline ? 0 : newline;
}

export function hrTimeToDate(time: HrTime): Date {
  return new Date(time[0] * 1000 + Math.floor(time[1] / 1e6));
}

/**
 * The body as text; an empty body falls back to `exception.message`. Structured bodies are
 * made safe first (secrets redacted, cycles cut) and then written as JSON.
 */
export function messageOf(
  body: AnyValue | undefined,
  exceptionMessage: unknown,
  context: MappingContext,
): string {
  let text = typeof exceptionMessage === 'string' ? exceptionMessage : '';
  if (typeof body === 'string' && body !== '') text = body;
  else if (typeof body === 'number' || typeof body === 'boolean') text = String(body);
  else if (body !== undefined && body !== null && typeof body === 'object') {
    const json = jsonText(toBsonSafe(body, context.report, context.limits, 'body') as object);
    if (json !== '{}' && json !== '[]') text = json;
  }
  return toBsonSafeText(text, context.report, context.limits, 'erro.mensagem');
}

function jsonText(value: object): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) =>
      item instanceof Uint8Array
        ? `<${item.byteLength} bytes>`
        : typeof item === 'bigint'
          ? item.toString()
          : item,
    );
  } catch {
    return String(value);
  }
}

function addSpanContext(document: { trace_id?: string; span_id?: string }, record: ReadableLogRecord): void {
  const span = record.spanContext;
  if (span?.traceId) {
    document.trace_id = span.traceId;
    document.span_id = span.spanId;
  }
}

function omit(attributes: Attributes, keys: ReadonlySet<string>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const key in attributes) {
    if (!keys.has(key)) rest[key] = attributes[key];
  }
  return rest;
}

function firstOf(attributes: Attributes, keys: readonly string[]): unknown {
  for (const key of keys) {
    if (attributes[key] !== undefined) return attributes[key];
  }
  return undefined;
}

/** Text fields go through the sanitizer too: length limit, lone surrogates, the size estimate. */
function safeText<T extends string | null>(value: T, context: MappingContext, path: string): T {
  return value === null ? value : (toBsonSafeText(value, context.report, context.limits, path) as T);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function integerOrNull(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : null;
}

function idToString(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? jsonText(value) : String(value);
}
