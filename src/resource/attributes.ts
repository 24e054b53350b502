/**
 * Resource attribute keys the package sets and reads.
 * `app.installation.id` is the semantic-conventions key for one installation of an
 * application on a device: the plan's anonymous machine id.
 */
export const ATTR_APP_INSTALLATION_ID = 'app.installation.id';
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';
/** The semantic-conventions id of a usage session (`session.id`): the documents' `sessao_id`. */
export const ATTR_SESSION_ID = 'session.id';
export const ATTR_OS_TYPE = 'os.type';
export const ATTR_OS_VERSION = 'os.version';
export const ATTR_HOST_ARCH = 'host.arch';
export const ATTR_PROCESS_RUNTIME_NAME = 'process.runtime.name';
export const ATTR_PROCESS_RUNTIME_VERSION = 'process.runtime.version';
