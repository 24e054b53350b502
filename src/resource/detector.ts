import type { DetectedResource, ResourceDetector } from '@opentelemetry/resources';
import { getAppVersion } from './app-version';
import {
  ATTR_APP_INSTALLATION_ID,
  ATTR_HOST_ARCH,
  ATTR_OS_TYPE,
  ATTR_OS_VERSION,
  ATTR_PROCESS_RUNTIME_NAME,
  ATTR_PROCESS_RUNTIME_VERSION,
  ATTR_SERVICE_VERSION,
} from './attributes';
import { getEnvironmentInfo } from './environment';
import { getMachineId } from './machine-id';

/**
 * A resource detector for NodeSDK's `resourceDetectors` or `detectResources()`:
 * the anonymous machine id, the application's version and the host's OS and runtime.
 * The exporters read the same values from the local host when a resource lacks them.
 */
export const machineResourceDetector: ResourceDetector = {
  detect(): DetectedResource {
    const environment = getEnvironmentInfo();
    return {
      attributes: {
        [ATTR_APP_INSTALLATION_ID]: getMachineId(),
        [ATTR_SERVICE_VERSION]: getAppVersion(),
        [ATTR_OS_TYPE]: process.platform === 'win32' ? 'windows' : process.platform,
        [ATTR_OS_VERSION]: environment.os_version,
        [ATTR_HOST_ARCH]: environment.architecture,
        [ATTR_PROCESS_RUNTIME_NAME]: 'nodejs',
        [ATTR_PROCESS_RUNTIME_VERSION]: environment.node_version,
      },
    };
  },
};
