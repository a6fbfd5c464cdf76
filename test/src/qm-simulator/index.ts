export { startQueueManagerSimulator } from './simulator';
export type {
  QueueManagerSimulator,
  SimulatedQueueManagerInfo,
  SimulatorControl,
} from './simulator';
export { loadSimulatorConfigFile } from './config';
export type {
  QueueManagerSimulatorConfig,
  SimulatedChannelConfig,
  SimulatedQueueManagerConfig,
  SimulatedRestConfig,
  SimulatorFaults,
} from './config';
export type { QueueManagerState, SimulatorEvent } from './QueueManager';
export {
  buildTestPkcs12,
  createTestCertificate,
  createTestPki,
  encodeStash,
  generateTestKey,
  sharedTestKey,
} from './testPki';
export type {
  TestCertificate,
  TestCertificateOptions,
  TestPki,
  TestPkcs12Entry,
} from './testPki';
export {
  FIXTURE_PASSWORD,
  sharedTestPki,
  startSimulatorFixture,
} from './fixture';
export type { SimulatorFixture } from './fixture';
