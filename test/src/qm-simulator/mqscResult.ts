/*
 * What a simulated command answers, and how that answer is printed by the
 * two front ends: the REST API's JSON (shared/reference/ibm-mq.md §5) and
 * runmqsc's text (echo, messages, closing summary).
 */

/** One object of DISPLAY output. */
export interface DisplayObject {
  /** e.g. `AMQ8408I: Display Queue Manager details.` */
  header: string;
  attributes: [string, string][];
}

/** The answer to one command. */
export interface MqscResult {
  command: string;
  completionCode: number;
  reasonCode: number;
  /** Message lines (not DISPLAY objects). */
  lines: string[];
  objects?: DisplayObject[];
  syntaxError?: boolean;
}

/** MQRC values used by the simulator (mq-golang cmqc constants). */
export const MQRC = {
  UNKNOWN_OBJECT_NAME: 2085,
  KEY_REPOSITORY_ERROR: 2381,
  COMMAND_FAILED: 3008,
} as const;

export function ok(command: string, ...lines: string[]): MqscResult {
  return { command, completionCode: 0, reasonCode: 0, lines };
}

export function failed(
  command: string,
  reasonCode: number,
  ...lines: string[]
): MqscResult {
  return { command, completionCode: 2, reasonCode, lines };
}

export function syntaxError(command: string): MqscResult {
  return {
    command,
    completionCode: 2,
    reasonCode: MQRC.COMMAND_FAILED,
    lines: [
      'AMQ8405E: Syntax error detected at or near end of command segment below:-',
      command,
    ],
    syntaxError: true,
  };
}

const attr = ([k, v]: [string, string]) => `${k}(${v === '' ? ' ' : v})`;

/** REST `runCommand` response body. */
export function toRestBody(result: MqscResult): Record<string, unknown> {
  const commandResponse = result.objects
    ? result.objects.map(o => ({
        completionCode: 0,
        reasonCode: 0,
        text: [[o.header, ...o.attributes.map(attr)].join('   ')],
      }))
    : [
        {
          completionCode: result.completionCode,
          reasonCode: result.reasonCode,
          text: result.lines,
        },
      ];
  return {
    commandResponse,
    overallReasonCode: result.reasonCode,
    overallCompletionCode: result.completionCode,
  };
}

/** DISPLAY attributes in runmqsc's two columns. */
function columns(attributes: [string, string][]): string[] {
  const lines: string[] = [];
  let left: string | undefined;
  for (const a of attributes.map(attr)) {
    if (left === undefined) {
      if (a.length >= 40) lines.push(`   ${a}`);
      else left = a;
    } else if (a.length >= 40) {
      lines.push(`   ${left}`, `   ${a}`);
      left = undefined;
    } else {
      lines.push(`   ${left.padEnd(40)}${a}`);
      left = undefined;
    }
  }
  if (left !== undefined) lines.push(`   ${left}`);
  return lines;
}

function count(n: number, one: string, many: string): string {
  if (n === 0) return `No ${many}`;
  if (n === 1) return `One ${one}`;
  return `${n} ${many}`;
}

/** runmqsc's output for a run, and its exit code (0, 10, or 20). */
export function toRunmqscOutput(
  queueManager: string,
  results: MqscResult[],
): { stdout: string; exitCode: number } {
  const out = [
    '5724-H72 (C) Copyright IBM Corp. 1994, 2025.',
    `Starting MQSC for queue manager ${queueManager}.`,
    '',
    '',
  ];
  results.forEach((r, i) => {
    out.push(`${String(i + 1).padStart(6)} : ${r.command}`);
    if (r.objects) {
      for (const o of r.objects) out.push(o.header, ...columns(o.attributes));
    }
    out.push(...r.lines);
  });
  const syntax = results.filter(r => r.syntaxError).length;
  const failures = results.filter(
    r => !r.syntaxError && r.completionCode >= 2,
  ).length;
  out.push(
    `${count(results.length, 'MQSC command read.', 'MQSC commands read.')}`,
    `${count(
      syntax,
      'command has a syntax error.',
      'commands have a syntax error.',
    )}`,
    failures === 0
      ? 'All valid MQSC commands were processed.'
      : `${
          failures === 1
            ? 'One valid MQSC command'
            : `${failures} valid MQSC commands`
        } could not be processed.`,
  );
  return {
    stdout: `${out.join('\n')}\n`,
    exitCode: syntax + failures > 0 ? 10 : 0,
  };
}

/** runmqsc's output when it cannot reach the queue manager. */
export function runmqscNoQueueManager(
  queueManager: string,
  exists: boolean,
): { stdout: string; exitCode: number } {
  return {
    stdout: [
      '5724-H72 (C) Copyright IBM Corp. 1994, 2025.',
      `Starting MQSC for queue manager ${queueManager}.`,
      '',
      exists
        ? 'AMQ8146E: IBM MQ queue manager not available.'
        : 'AMQ8118E: IBM MQ queue manager does not exist.',
      '',
    ].join('\n'),
    exitCode: 20,
  };
}
