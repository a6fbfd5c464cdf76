/**
 * Frontend plugin of the IBM MQ certificate plugins: the Certificates tab and
 * overview card of queue manager entities and the fleet page (legacy frontend
 * system; the new frontend system is at `/alpha`).
 *
 * @packageDocumentation
 */

export {
  mqCertificatesPlugin,
  MqCertificatesPage,
  EntityMqCertificatesContent,
  EntityMqCertificatesCard,
} from './plugin';
export {
  isMqCertificatesAvailable,
  mqQueueManagerEntityFilter,
} from './conditions';
export * from './api';
export type { EntityMqCertificatesContentProps } from './components/EntityContent/EntityMqCertificatesContent';
export { DEFAULT_ROTATE_TEMPLATE_REF } from './components/EntityContent/RotateButton';
export { MqCertificatesTimeZoneProvider } from './components/common/DateTime';
