import type { MqActionsEnvironment } from './environment';
import type { StepContext } from './stepContext';

/**
 * Marks a recorded rotation `failed` with the reason, so the Certificates tab
 * stops showing it as in progress. Best effort: the step's own error is what
 * the user must see, so a refusal here is only logged.
 */
export async function markRotationFailed(
  env: MqActionsEnvironment,
  step: StepContext,
  rotationId: string,
  reason: string,
): Promise<void> {
  try {
    const credentials = await step.getInitiatorCredentials();
    await env.backend.updateRotation(
      rotationId,
      // The backend keeps at most 2000 characters of a reason.
      { state: 'failed', stateReason: reason.slice(0, 2000) },
      credentials,
    );
    step.logger.info(`Marked rotation ${rotationId} failed`);
  } catch (e) {
    step.logger.warn(
      `Could not mark rotation ${rotationId} failed: ${(e as Error).message}`,
    );
  }
}
