export { LocalCommandRunner } from './LocalCommandRunner';
export { redactSecrets } from './redact';
