/**
 * The local demo portal as a library (npm start, end-to-end and browser
 * tests). See README.md beside this file.
 */
export {
  startDemoStack,
  fetchGuestToken,
  type DemoStack,
  type DemoStackOptions,
  type DemoPorts,
  type DemoQueueManagerInfo,
} from './startDemoStack';
export {
  DemoBackendProcess,
  type DemoBackendProcessOptions,
} from './DemoBackendProcess';
export {
  DEMO_QUEUE_MANAGERS,
  effectiveLabel,
  type DemoQueueManager,
} from './demoQueueManagers';
export {
  DEFAULT_INITIAL_AGE,
  DEMO_INITIAL_ROLE,
  type InitialCertificateAge,
} from './demoCertificates';
export { createDemoBackend, HostMappingTlsProbe } from './demoBackend';
export {
  startDemoPortal,
  type DemoPortal,
  type DemoPortalOptions,
} from './startDemoPortal';
export {
  DemoFrontendProcess,
  type DemoFrontendProcessOptions,
} from './DemoFrontendProcess';
