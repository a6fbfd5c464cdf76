export { NodeTlsProbe } from './NodeTlsProbe';
export type { NodeTlsProbeOptions } from './NodeTlsProbe';
export { TlsProbeError } from './TlsProbeError';
export type { TlsProbeFailure } from './TlsProbeError';
export { probeQueueManager } from './probeQueueManager';
export type {
  ProbeQueueManagerOptions,
  ProbeableQueueManager,
} from './probeQueueManager';
export { verifyServedChain } from './servedChain';
export type { ChainVerification } from './servedChain';
export { createTlsProbe } from './config';
