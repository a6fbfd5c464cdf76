import { CustomErrorBase } from '@backstage/errors';
import type { MqscCommandResponse } from '../types';
import { hintForMessageId, isRetryableMessageId } from './messages';

/** How the MQSC reached the queue manager. */
export type MqscTransport = 'rest' | 'runmqsc';

/** What an {@link MqscError} knows about the failure. */
export interface MqscErrorDetails {
  queueManager: string;
  /** Omitted when the caller does not know which runner failed. */
  transport?: MqscTransport;
  /** The command that failed (passwords redacted), when one did. */
  command?: string;
  /** The decisive AMQ/MQWB message id, e.g. `AMQ9710E` or `MQWB0100E`. */
  messageId?: string;
  /** MQ's own words (response text or mqweb error message), redacted. */
  mqMessage?: string;
  completionCode?: number;
  reasonCode?: number;
  /** HTTP status for REST failures. */
  httpStatus?: number;
  /** What to do next, in the user's terms. */
  hint?: string;
  /** Whether the same command can be run again later unchanged (AMQ9710). */
  retryable?: boolean;
  /** Responses of the commands that ran before (and including) the failure. */
  responses?: MqscCommandResponse[];
}

/**
 * An MQSC command, or the way to it, failed. The message names the queue
 * manager, the command, MQ's message and what to do; `retryable` is true only
 * where retrying later can succeed unchanged (a REFRESH that timed out).
 */
export class MqscError extends CustomErrorBase {
  name = 'MqscError' as const;
  readonly queueManager: string;
  readonly transport?: MqscTransport;
  readonly command?: string;
  readonly messageId?: string;
  readonly mqMessage?: string;
  readonly completionCode?: number;
  readonly reasonCode?: number;
  readonly httpStatus?: number;
  readonly hint?: string;
  readonly retryable: boolean;
  readonly responses: MqscCommandResponse[];

  constructor(what: string, details: MqscErrorDetails, cause?: unknown) {
    const hint = details.hint ?? hintForMessageId(details.messageId);
    const parts = [
      `queue manager ${details.queueManager}: ${what}`,
      details.command ? `command: ${details.command}` : undefined,
      details.mqMessage ? `MQ said: ${details.mqMessage}` : undefined,
      details.completionCode !== undefined && details.completionCode !== 0
        ? `completion code ${details.completionCode}, reason code ${
            details.reasonCode ?? 0
          }`
        : undefined,
      hint ? `what to do: ${hint}` : undefined,
    ].filter(Boolean);
    super(parts.join('; '), cause);
    this.queueManager = details.queueManager;
    this.transport = details.transport;
    this.command = details.command;
    this.messageId = details.messageId;
    this.mqMessage = details.mqMessage;
    this.completionCode = details.completionCode;
    this.reasonCode = details.reasonCode;
    this.httpStatus = details.httpStatus;
    this.hint = hint;
    this.retryable =
      details.retryable ?? isRetryableMessageId(details.messageId);
    this.responses = details.responses ?? [];
  }

  /** Type guard that works across package copies. */
  static is(value: unknown): value is MqscError {
    return (
      value instanceof Error &&
      value.name === 'MqscError' &&
      typeof (value as MqscError).retryable === 'boolean'
    );
  }
}
