import type { Resource } from '@opentelemetry/resources';
import { getAppVersion } from '../resource/app-version';
import {
  ATTR_APP_INSTALLATION_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_SESSION_ID,
} from '../resource/attributes';
import { getEnvironmentInfo, type EnvironmentInfo } from '../resource/environment';
import { getMachineId } from '../resource/machine-id';

/** The fields every document takes from the resource: computed once per resource. */
export interface ResourceFields {
  maquina_id: string;
  app_nome: string;
  app_version: string;
  ambiente: Readonly<EnvironmentInfo>;
  /** The resource's `session.id`, when the application gives its session one for the whole process. */
  sessao_id?: string;
}

/** OpenTelemetry's name for a service that gave none. */
export const UNKNOWN_SERVICE = 'unknown_service';

const cache = new WeakMap<Resource, ResourceFields>();

/**
 * `maquina_id` from `app.installation.id`, `app_nome` from `service.name`, `app_version` from `service.version`,
 * each falling back to the local host's value; `ambiente` describes the host the
 * exporter runs on.
 */
export function resourceFields(resource: Resource): ResourceFields {
  let fields = cache.get(resource);
  if (!fields) {
    const attributes = resource.attributes;
    fields = Object.freeze({
      maquina_id: stringAttribute(attributes[ATTR_APP_INSTALLATION_ID]) ?? getMachineId(),
      app_nome: stringAttribute(attributes[ATTR_SERVICE_NAME]) ?? UNKNOWN_SERVICE,
      app_version: stringAttribute(attributes[ATTR_SERVICE_VERSION]) ?? getAppVersion(),
      ambiente: getEnvironmentInfo(),
      ...optional('sessao_id', stringAttribute(attributes[ATTR_SESSION_ID])),
    });
    cache.set(resource, fields);
  }
  return fields;
}

/** `{ [key]: value }`, or nothing when the value is undefined. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function stringAttribute(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
