/*
 * Parsing of the MQ administrative REST API's mqsc responses
 * (shared/reference/ibm-mq.md §5):
 *   200 {"commandResponse":[{"completionCode":0,"reasonCode":0,"text":[…]}],
 *        "overallCompletionCode":0,"overallReasonCode":0}
 *   non-2xx {"error":[{"type","messageId":"MQWB0100E","message","explanation","action",…}]}
 * A 200 whose overallCompletionCode is not 0 is a failed command.
 */
import type { MqscCommandResponse } from '../types';
import { extractMessageIds, messageIdFails } from './messages';

/** One entry of mqweb's error body. */
export interface MqwebErrorItem {
  type?: string;
  messageId?: string;
  message?: string;
  explanation?: string;
  action?: string;
  qmgrName?: string;
  completionCode?: number;
  reasonCode?: number;
}

/** A command's outcome as read from a 200 response. */
export interface ParsedRunCommandResponse {
  response: MqscCommandResponse;
  ok: boolean;
  overallCompletionCode: number;
  overallReasonCode: number;
  /** The message id that explains a failure, when one is in the text. */
  failureMessageId?: string;
  /** The text line carrying that message (or the first line). */
  failureText?: string;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

function asTextLines(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(v => String(v));
  if (typeof value === 'string') return [value];
  return [];
}

/**
 * Reads a runCommand 200 body. Returns undefined when the body is not the
 * documented shape (the caller reports it as an unexpected answer).
 */
export function parseRunCommandResponse(
  command: string,
  body: unknown,
): ParsedRunCommandResponse | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const overallCompletionCode = asNumber(b.overallCompletionCode);
  if (overallCompletionCode === undefined) return undefined;
  const overallReasonCode = asNumber(b.overallReasonCode) ?? 0;
  const items = Array.isArray(b.commandResponse) ? b.commandResponse : [];
  const text: string[] = [];
  let completionCode = 0;
  let reasonCode = 0;
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const i = item as Record<string, unknown>;
    const cc = asNumber(i.completionCode) ?? 0;
    const rc = asNumber(i.reasonCode) ?? 0;
    if (cc > completionCode) completionCode = cc;
    if (rc !== 0 && reasonCode === 0) reasonCode = rc;
    text.push(...asTextLines(i.text));
  }
  if (overallCompletionCode > completionCode) {
    completionCode = overallCompletionCode;
  }
  if (reasonCode === 0) reasonCode = overallReasonCode;
  const messageIds = extractMessageIds(text);
  const ok = overallCompletionCode === 0;
  const failureMessageId = ok
    ? undefined
    : messageIds.find(messageIdFails) ?? messageIds[0];
  const failureText = ok
    ? undefined
    : (failureMessageId
        ? text.find(line => line.includes(failureMessageId))
        : undefined) ?? text[0];
  return {
    response: { command, completionCode, reasonCode, text, messageIds },
    ok,
    overallCompletionCode,
    overallReasonCode,
    failureMessageId,
    failureText: failureText?.trim(),
  };
}

/** The first entry of an mqweb error body, or undefined when there is none. */
export function parseMqwebError(body: unknown): MqwebErrorItem | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const errors = (body as Record<string, unknown>).error;
  const first = Array.isArray(errors) ? errors[0] : undefined;
  if (!first || typeof first !== 'object') return undefined;
  const e = first as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    type: str(e.type),
    messageId: str(e.messageId),
    message: str(e.message),
    explanation: str(e.explanation),
    action: str(e.action),
    qmgrName: str(e.qmgrName),
    completionCode: asNumber(e.completionCode),
    reasonCode: asNumber(e.reasonCode),
  };
}

/** Encodes a queue manager name for the URL path (`/` → `%2F`, `%` → `%25`). */
export function encodeQueueManagerForUrl(queueManager: string): string {
  return encodeURIComponent(queueManager);
}
