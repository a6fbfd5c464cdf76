import type { MqActionsEnvironment } from '../lib/environment';
import { createMqCertificateIssueAction } from './certificateIssue';
import { createMqCertificateRotateAction } from './certificateRotate';
import { createMqKeystoreBuildAction } from './keystoreBuild';
import { createMqKeystoreDeployAction } from './keystoreDeploy';
import { createMqRefreshScheduleAction } from './refreshSchedule';
import { createMqVaultAgentRenderAction } from './vaultAgentRender';

export * from './certificateIssue';
export * from './keystoreBuild';
export * from './keystoreDeploy';
export * from './refreshSchedule';
export * from './certificateRotate';
export * from './vaultAgentRender';

/** Every action of the module, sharing one environment. @public */
export function createMqCertificateActions(env: MqActionsEnvironment) {
  return [
    createMqCertificateIssueAction(env),
    createMqKeystoreBuildAction(env),
    createMqKeystoreDeployAction(env),
    createMqRefreshScheduleAction(env),
    createMqCertificateRotateAction(env),
    createMqVaultAgentRenderAction(env),
  ];
}
