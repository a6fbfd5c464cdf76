/*
 * MQ message ids (AMQnnnnX from the queue manager, MQWBnnnnX from mqweb) and
 * what we tell the user when one of them ends a command. The hints are in
 * the user's terms: what to check or do next. Sources:
 * shared/reference/ibm-mq.md §1, §5 and §8.
 */

/** `AMQ8005I`, `AMQ9710E`, `MQWB0100E`; older releases omit the severity letter. */
const MESSAGE_ID = /\b(AMQ\d{4}[A-Z]?|MQWB\d{4}[A-Z]?)\b/g;

/** The AMQ/MQWB message ids in some text, in order, without repeats. */
export function extractMessageIds(lines: string | string[]): string[] {
  const text = Array.isArray(lines) ? lines.join('\n') : lines;
  const ids: string[] = [];
  for (const m of text.matchAll(MESSAGE_ID)) {
    if (!ids.includes(m[1])) ids.push(m[1]);
  }
  return ids;
}

/** A message id without its severity letter (`AMQ9710E` → `AMQ9710`). */
export function baseMessageId(id: string): string {
  return id.replace(/[A-Z]$/, '');
}

/** Failures we recognise even when the id carries no severity letter. */
const FAILURE_IDS = new Set([
  'AMQ8118',
  'AMQ8135',
  'AMQ8146',
  'AMQ8147',
  'AMQ8405',
  'AMQ8427',
  'AMQ9710',
]);

/**
 * The severity an id declares: I(nformation) and W(arning) leave the command
 * successful, E(rror) and S(evere) fail it. Ids without a letter (older MQ)
 * are judged by {@link FAILURE_IDS}.
 */
export function messageIdFails(id: string): boolean {
  const severity = /[A-Z]$/.exec(id.slice(-1))?.[0];
  if (severity === 'E' || severity === 'S') return true;
  if (severity === 'I' || severity === 'W') return false;
  return FAILURE_IDS.has(baseMessageId(id));
}

/**
 * AMQ9710: REFRESH SECURITY TYPE(SSL) did not finish within MQ's limit (10
 * minutes on distributed platforms). Retrying later can succeed; every other
 * failure needs a person to change something first.
 */
const RETRYABLE_IDS = new Set(['AMQ9710']);

/** Whether running the same command again later can succeed unchanged. */
export function isRetryableMessageId(id: string | undefined): boolean {
  return id !== undefined && RETRYABLE_IDS.has(baseMessageId(id));
}

const HINTS: Record<string, string> = {
  AMQ9710:
    'the refresh ran longer than MQ allows (10 minutes) because many busy TLS channels had to restart; retry later, off-peak, or stop some channels first',
  AMQ8118:
    'no queue manager of that name exists on this host; check the name (it is case-sensitive) and the host',
  AMQ8146: 'the queue manager is not running; start it (strmqm) and try again',
  AMQ8135:
    'the user that ran the command lacks MQ authority for it; grant it (SET AUTHREC or setmqaut) or use an administrative user',
  AMQ8147:
    'the object named in the command does not exist on this queue manager',
  AMQ8405:
    'the queue manager rejected the command as malformed; this is a bug in the command we sent, please report it with the command text',
  AMQ8427:
    'the command contains a value MQ does not accept; check the key repository path and certificate label',
  MQWB0100:
    'the request lacked the ibm-mq-rest-csrf-token header; make sure no proxy between the portal and mqweb strips it',
  MQWB0101:
    'the ibm-mq-rest-csrf-token header did not match the csrfToken cookie; use basic or client-certificate authentication, which accept any token value',
  MQWB0009:
    'mqweb does not know this queue manager; check the name (it is case-sensitive) and that the queue manager runs on the mqweb host',
};

/** What to do about a message id, or undefined when we have no advice. */
export function hintForMessageId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  return HINTS[baseMessageId(id)];
}
