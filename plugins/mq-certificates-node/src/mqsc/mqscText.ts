import { InputError } from '@backstage/errors';
import { validateQueueManagerName } from '@mqcert/plugin-mq-certificates-common';

/** MQSC keywords whose value is a password (redacted wherever a command is shown). */
const PASSWORD_KEYWORDS =
  /\b(KEYRPWD|SSLKEYRPWD|PASSWORD|PASSWRD)(\s*\()('(?:[^']|'')*'|[^)]*)(\))/gi;

/** The command with every password value replaced by `***`. */
export function redactMqscCommand(command: string): string {
  return command.replace(PASSWORD_KEYWORDS, '$1$2***$4');
}

/**
 * Checks a command before it is sent: one line, no control characters. A
 * newline would let one "command" smuggle in a second one on runmqsc's
 * standard input.
 */
export function validateMqscCommand(
  command: unknown,
  field = 'command',
): string {
  if (typeof command !== 'string' || command.trim().length === 0) {
    throw new InputError(`${field}: an MQSC command is required`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(command)) {
    throw new InputError(
      `${field}: an MQSC command must be a single line without control characters (got '${redactMqscCommand(
        command.replace(/[\r\n]+/g, '⏎'),
      )}')`,
    );
  }
  if (command.length > 32_000) {
    throw new InputError(
      `${field}: the MQSC command is ${command.length} characters long; MQSC allows at most 32,000`,
    );
  }
  return command.trim();
}

/** Checks what a runner is asked to run; returns the trimmed commands. */
export function validateMqscRun(
  queueManager: string,
  commands: string[],
): string[] {
  validateQueueManagerName(queueManager);
  if (commands.length === 0) {
    throw new InputError('commands: give at least one MQSC command to run');
  }
  return commands.map((c, i) => validateMqscCommand(c, `commands[${i}]`));
}

/** One object's attributes from DISPLAY output (`QMNAME(QM1)  SSLKEYR( )`). */
export type MqscAttributes = Record<string, string>;

/**
 * Reads `KEYWORD(value)` pairs from DISPLAY output text. Values may contain
 * nested parentheses (`CONNAME(host(1414))`); a blank value (`SSLKEYR( )`)
 * reads as the empty string. Keywords are returned in upper case.
 */
export function parseMqscAttributes(text: string): MqscAttributes {
  const attributes: MqscAttributes = {};
  const keyword = /\b([A-Za-z][A-Za-z0-9]*)\(/g;
  for (;;) {
    const m = keyword.exec(text);
    if (!m) break;
    let depth = 1;
    let i = keyword.lastIndex;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth += 1;
      else if (text[i] === ')') depth -= 1;
    }
    if (depth !== 0) break;
    attributes[m[1].toUpperCase()] = text
      .slice(keyword.lastIndex, i - 1)
      .trim();
    keyword.lastIndex = i;
  }
  return attributes;
}

/**
 * Splits DISPLAY output into one attribute set per object: each object starts
 * with a `AMQnnnnI: Display … details.` line.
 */
export function parseDisplayObjects(lines: string[]): MqscAttributes[] {
  const objects: string[] = [];
  for (const line of lines) {
    if (/^\s*AMQ\d{4}[A-Z]?:\s*Display\b/i.test(line)) {
      objects.push(line.replace(/^\s*AMQ\d{4}[A-Z]?:[^.]*\./, ''));
    } else if (objects.length > 0) {
      objects[objects.length - 1] += `\n${line}`;
    }
  }
  return objects.map(parseMqscAttributes);
}
