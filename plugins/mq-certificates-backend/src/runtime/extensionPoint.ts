import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { MqCertificatesRuntime } from './types';

/**
 * Lets a backend module replace parts of the runtime the mq-certificates
 * backend acts through (MQSC runners, deploy targets and their `at`
 * scheduler and runmqsc, key repository formats, Vault, the TLS probe),
 * e.g. for tests, a simulator, or a custom transport. Parts not set come
 * from configuration.
 *
 * @public
 */
export interface MqCertificatesRuntimeExtensionPoint {
  setRuntime(parts: Partial<MqCertificatesRuntime>): void;
}

/** @public */
export const mqCertificatesRuntimeExtensionPoint =
  createExtensionPoint<MqCertificatesRuntimeExtensionPoint>({
    id: 'mq-certificates.runtime',
  });
