/*
 * Parsing of runmqsc's output. runmqsc echoes each command it reads as
 * `     1 : DISPLAY QMGR SSLKEYR CERTLABL` (continuations as `       : …`),
 * prints the queue manager's answer below it, and ends with a summary:
 *   2 MQSC commands read.            (or `One MQSC command read.`, `No MQSC commands read.`)
 *   No commands have a syntax error. (or `One command has a syntax error.`, `N commands have …`)
 *   All valid MQSC commands were processed.
 *     (or `One valid MQSC command could not be processed.` / `N valid MQSC commands could not …`)
 * Exit codes: 0 all processed, 10 some failed, 20 nothing run (e.g. AMQ8118
 * "queue manager does not exist" or AMQ8146 "not available").
 */
import type { MqscCommandResponse } from '../types';
import { extractMessageIds, messageIdFails } from './messages';

/** The closing summary of a runmqsc run. */
export interface RunmqscSummary {
  commandsRead?: number;
  syntaxErrors?: number;
  /** Valid commands that could not be processed; 0 when "All valid … were processed." */
  failedCommands?: number;
}

/** Everything read from one runmqsc run. */
export interface ParsedRunmqscOutput {
  /** One entry per echoed command, in order. */
  commands: MqscCommandResponse[];
  /** Lines printed before the first command (banner, AMQ8118E …). */
  preamble: string[];
  summary: RunmqscSummary;
  /** Message ids found before the first command that mean nothing ran. */
  preambleFailureIds: string[];
}

const ECHO = /^\s*(\d+)\s+:\s?(.*)$/;
const CONTINUATION = /^\s+:\s?(.*)$/;

function countWord(word: string): number | undefined {
  const w = word.toLowerCase();
  if (w === 'no') return 0;
  if (w === 'one') return 1;
  const n = Number(word);
  return Number.isInteger(n) ? n : undefined;
}

/** Reads one summary line into `summary`; false when the line is not one. */
function readSummaryLine(line: string, summary: RunmqscSummary): boolean {
  const t = line.trim();
  let m = /^(\w+) MQSC commands? read\.$/i.exec(t);
  if (m) {
    summary.commandsRead = countWord(m[1]);
    return true;
  }
  m = /^(\w+) commands? (?:has|have) a syntax error\.$/i.exec(t);
  if (m) {
    summary.syntaxErrors = countWord(m[1]);
    return true;
  }
  if (/^All valid MQSC commands were processed\.$/i.test(t)) {
    summary.failedCommands = 0;
    return true;
  }
  m = /^(\w+) valid MQSC commands? could not be processed\.$/i.exec(t);
  if (m) {
    summary.failedCommands = countWord(m[1]);
    return true;
  }
  return /^\d+ commands? (?:were|was) processed\.$/i.test(t);
}

/** Completion code of a command from the severity of the ids in its answer. */
function completionCodeOf(ids: string[]): number {
  if (ids.some(messageIdFails)) return 2;
  if (ids.some(id => id.endsWith('W'))) return 1;
  return 0;
}

/** Splits runmqsc output into per-command responses and the summary. */
export function parseRunmqscOutput(stdout: string): ParsedRunmqscOutput {
  const lines = stdout.replace(/\r\n/g, '\n').split('\n');
  const preamble: string[] = [];
  const summary: RunmqscSummary = {};
  const commands: { command: string; text: string[] }[] = [];
  let current: { command: string; text: string[] } | undefined;
  let inEcho = false;
  for (const line of lines) {
    if (readSummaryLine(line, summary)) {
      current = undefined;
      continue;
    }
    const echo = ECHO.exec(line);
    if (echo) {
      current = { command: echo[2].trim(), text: [] };
      commands.push(current);
      inEcho = true;
      continue;
    }
    const continued = inEcho && current ? CONTINUATION.exec(line) : null;
    if (continued && current) {
      current.command = `${current.command.replace(
        /\s*[+-]$/,
        '',
      )} ${continued[1].trim()}`.trim();
      continue;
    }
    inEcho = false;
    if (current) {
      if (line.trim() !== '' || current.text.length > 0)
        current.text.push(line);
    } else if (commands.length === 0 && line.trim() !== '') {
      preamble.push(line);
    }
  }
  const responses = commands.map(c => {
    while (c.text.length && c.text[c.text.length - 1].trim() === '')
      c.text.pop();
    const messageIds = extractMessageIds(c.text);
    return {
      command: c.command.replace(/\s*[+-]$/, ''),
      completionCode: completionCodeOf(messageIds),
      reasonCode: 0,
      text: c.text,
      messageIds,
    };
  });
  return {
    commands: responses,
    preamble,
    summary,
    preambleFailureIds: extractMessageIds(preamble).filter(messageIdFails),
  };
}
