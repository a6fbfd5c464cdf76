export {
  CommandAtScheduler,
  DEFAULT_ATD_CHECK,
  type AtSchedulerOptions,
} from './CommandAtScheduler';
export { createAtScheduler, readAtSchedulerOptions } from './createAtScheduler';
export {
  renderCutoverJobScript,
  type CutoverJobScriptRequest,
} from './cutoverJobScript';
export { parseAtqOutput, parseAtSubmitOutput } from './atOutput';
export { formatAtTimestamp, parseAtDate } from './atTime';
