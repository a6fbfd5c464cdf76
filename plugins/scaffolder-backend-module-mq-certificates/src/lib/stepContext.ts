import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { JsonObject, JsonValue } from '@backstage/types';

/**
 * The part of a scaffolder action context the rotation steps use. The
 * composite mq:certificate:rotate runs the four steps with one of these, so
 * they behave the same alone and together.
 */
export interface StepContext {
  logger: LoggerService;
  taskId: string;
  workspacePath: string;
  isDryRun: boolean;
  signal?: AbortSignal;
  getInitiatorCredentials(): Promise<BackstageCredentials>;
  checkpoint<T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T>;
}

/** The step context of an action invocation. */
export function stepContextOf<I extends JsonObject, O extends JsonObject>(
  ctx: ActionContext<I, O>,
): StepContext {
  return {
    logger: ctx.logger,
    taskId: ctx.task.id,
    workspacePath: ctx.workspacePath,
    isDryRun: Boolean(ctx.isDryRun),
    signal: ctx.signal,
    getInitiatorCredentials: () => ctx.getInitiatorCredentials(),
    checkpoint: opts => ctx.checkpoint(opts),
  };
}

/**
 * Checkpoint keys: one per step, task and entity, versioned so a change of
 * the stored shape never reads an old value (bump the version then).
 */
export function checkpointKey(
  step: string,
  taskId: string,
  entityRef: string,
  version = 1,
): string {
  return `mq-certificates.${step}.v${version}.${taskId}.${entityRef}`;
}

/** Sets every output of a step on the action context. */
export function emitOutputs(
  ctx: Pick<ActionContext<any, any>, 'output'>,
  outputs: object,
): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) ctx.output(name, value as JsonValue);
  }
}
