export {
  CommandAtScheduler,
  DEFAULT_ATD_CHECK,
  readHostClock,
  type AtSchedulerOptions,
} from './CommandAtScheduler';
export {
  createAtScheduler,
  createHostMqscRunner,
  describeDeployTargetHost,
  readAtSchedulerOptions,
  readHostRunmqscPath,
} from './createAtScheduler';
export {
  renderCutoverJobScript,
  type CutoverJobScriptRequest,
} from './cutoverJobScript';
export { parseAtqOutput, parseAtSubmitOutput } from './atOutput';
export { formatAtTimestamp, parseAtDate } from './atTime';
