import { optional, UNKNOWN_SERVICE } from '../document/resource-fields';
import { ATTR_SESSION_ID } from '../resource/attributes';
import { createHash } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';
import type { ResourceFields } from '../document/resource-fields';
import type { EnvironmentInfo } from '../resource/environment';
import {
  ATTR_APP_INSTALLATION_ID,
  ATTR_HOST_ARCH,
  ATTR_OS_TYPE,
  ATTR_OS_VERSION,
  ATTR_PROCESS_RUNTIME_NAME,
  ATTR_PROCESS_RUNTIME_VERSION,
  ATTR_SERVICE_VERSION,
} from '../resource/attributes';

export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_HOST_ID = 'host.id';
export const ATTR_HOST_NAME = 'host.name';

/** Stored when a sender names no machine at all: 16 zeros, so such documents are easy to find. */
export const UNKNOWN_MACHINE_ID = '0000000000000000';
export const UNKNOWN_APP_VERSION = 'unknown';

/**
 * `ambiente` of a document received through the gateway: the sender's runtime, as its resource
 * describes it. Keys appear only when the sender set the attribute.
 * - `os` ← `os.type`, `os_version` ← `os.version`, `architecture` ← `host.arch`;
 * - `runtime` ← `process.runtime.name`, `runtime_version` ← `process.runtime.version`;
 * - and, under the name the plan and the in-process exporter use, `python_version` (CPython,
 *   PyPy...) or `node_version` (Node.js) ← `process.runtime.version`.
 */
export type RemoteEnvironment = Partial<EnvironmentInfo> & {
  runtime?: string;
  runtime_version?: string;
  python_version?: string;
};

/**
 * The fields every document takes from a remote resource:
 * - `maquina_id` ← `app.installation.id`, else `host.id`, else the first 16 hex characters of
 *   sha256(`host.name`), else 16 zeros;
 * - `app_nome` ← `service.name` (the app its token was checked against), else `unknown_service`;
 * - `app_version` ← `service.version`, else `unknown`;
 * - `ambiente` as in {@link RemoteEnvironment}.
 */
/** The app a sender writes for (its `service.name`), which its token must allow; '' when unnamed. */
export function appOf(attributes: Attributes): string {
  const name = attributes[ATTR_SERVICE_NAME];
  return typeof name === 'string' ? name : '';
}

export function remoteResourceFields(attributes: Attributes): ResourceFields {
  return {
    maquina_id: machineIdOf(attributes),
    app_nome: appOf(attributes) || UNKNOWN_SERVICE,
    app_version: text(attributes[ATTR_SERVICE_VERSION]) ?? UNKNOWN_APP_VERSION,
    ambiente: Object.freeze(environmentOf(attributes)) as EnvironmentInfo,
    ...optional('sessao_id', text(attributes[ATTR_SESSION_ID])),
  };
}

function machineIdOf(attributes: Attributes): string {
  const given = text(attributes[ATTR_APP_INSTALLATION_ID]) ?? text(attributes[ATTR_HOST_ID]);
  if (given) return given.slice(0, 128);
  const host = text(attributes[ATTR_HOST_NAME]);
  return host ? createHash('sha256').update(host).digest('hex').slice(0, 16) : UNKNOWN_MACHINE_ID;
}

function environmentOf(attributes: Attributes): RemoteEnvironment {
  const environment: RemoteEnvironment = {};
  const set = (key: keyof RemoteEnvironment, value: string | undefined) => {
    if (value !== undefined) environment[key] = value.slice(0, 256);
  };
  set('os', text(attributes[ATTR_OS_TYPE]));
  set('os_version', text(attributes[ATTR_OS_VERSION]));
  set('architecture', text(attributes[ATTR_HOST_ARCH]));
  const runtime = text(attributes[ATTR_PROCESS_RUNTIME_NAME]);
  const version = text(attributes[ATTR_PROCESS_RUNTIME_VERSION]);
  set('runtime', runtime);
  set('runtime_version', version);
  const family = runtimeFamily(runtime);
  if (family) set(family, version);
  return environment;
}

const PYTHON_RUNTIMES = new Set(['cpython', 'pypy', 'python', 'ironpython', 'jython']);

function runtimeFamily(runtime: string | undefined): 'python_version' | 'node_version' | undefined {
  const name = runtime?.toLowerCase();
  if (name === undefined) return undefined;
  if (PYTHON_RUNTIMES.has(name)) return 'python_version';
  if (name === 'nodejs' || name === 'node') return 'node_version';
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
