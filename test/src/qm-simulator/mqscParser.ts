/*
 * The simulator's own MQSC reader: just enough of the language for the
 * commands a certificate rotation sends, with MQSC's rules where they matter
 * to a rotation: keywords are case-insensitive, unquoted values are folded
 * to upper case, quoted values keep their case and '' stands for one quote.
 */

/** One `KEYWORD(value)` or bare `KEYWORD` of a command. */
export interface MqscParam {
  keyword: string;
  /** Undefined for a bare keyword (e.g. `ALL`). */
  value?: string;
  quoted: boolean;
}

/** A parsed command. */
export interface ParsedMqsc {
  verb: string;
  /** The object keyword (`QMGR`, `CHANNEL`, `SECURITY`) … */
  object: string;
  /** … and its value when it has one (`CHANNEL(DEV.APP.SVRCONN)`). */
  objectValue?: string;
  params: MqscParam[];
}

/** A command the simulator cannot parse: runmqsc's AMQ8405E. */
export class MqscSyntaxError extends Error {}

const VERBS: Record<string, string> = {
  DISPLAY: 'DISPLAY',
  DIS: 'DISPLAY',
  ALTER: 'ALTER',
  ALT: 'ALTER',
  REFRESH: 'REFRESH',
  REF: 'REFRESH',
  END: 'END',
};
const OBJECTS: Record<string, string> = {
  QMGR: 'QMGR',
  QMGRS: 'QMGR',
  CHANNEL: 'CHANNEL',
  CHL: 'CHANNEL',
  SECURITY: 'SECURITY',
  SEC: 'SECURITY',
};

function tokenize(command: string): MqscParam[] {
  const out: MqscParam[] = [];
  let i = 0;
  const s = command;
  while (i < s.length) {
    if (/\s|,/.test(s[i])) {
      i++;
      continue;
    }
    const start = i;
    while (i < s.length && /[A-Za-z0-9_.*%/-]/.test(s[i])) i++;
    if (i === start) throw new MqscSyntaxError(`unexpected '${s[i]}'`);
    const keyword = s.slice(start, i).toUpperCase();
    while (i < s.length && s[i] === ' ') i++;
    if (s[i] !== '(') {
      out.push({ keyword, quoted: false });
      continue;
    }
    i++;
    while (s[i] === ' ') i++;
    let value = '';
    let quoted = false;
    if (s[i] === "'") {
      quoted = true;
      i++;
      for (;;) {
        if (i >= s.length)
          throw new MqscSyntaxError('unterminated quoted string');
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += s[i++];
      }
      while (s[i] === ' ') i++;
      if (s[i] !== ')')
        throw new MqscSyntaxError(`expected ')' after '${value}'`);
      i++;
    } else {
      let depth = 1;
      const vStart = i;
      while (i < s.length && depth > 0) {
        if (s[i] === '(') depth++;
        else if (s[i] === ')') depth--;
        i++;
      }
      if (depth !== 0)
        throw new MqscSyntaxError(`missing ')' after ${keyword}(`);
      value = s
        .slice(vStart, i - 1)
        .trim()
        .toUpperCase();
    }
    out.push({ keyword, value, quoted });
  }
  return out;
}

/** Parses one command; throws MqscSyntaxError. */
export function parseMqsc(command: string): ParsedMqsc {
  const tokens = tokenize(command.trim());
  const [verbToken, objectToken, ...params] = tokens;
  const verb = verbToken && VERBS[verbToken.keyword];
  if (!verb || verbToken.value !== undefined) {
    throw new MqscSyntaxError(`unknown command '${verbToken?.keyword ?? ''}'`);
  }
  if (verb === 'END') return { verb, object: '', params: [] };
  const object = objectToken && OBJECTS[objectToken.keyword];
  if (!object) {
    throw new MqscSyntaxError(
      `'${objectToken?.keyword ?? ''}' is not an object the simulator knows`,
    );
  }
  return { verb, object, objectValue: objectToken.value, params };
}

/**
 * Splits runmqsc input into commands: `*` starts a comment line, a trailing
 * `+` or `-` continues the command on the next line, blank lines are skipped.
 */
export function splitMqscScript(script: string): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const raw of script.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    if (!pending && (line.trim() === '' || line.trimStart().startsWith('*')))
      continue;
    const cont = /[+-]$/.exec(line);
    if (cont) {
      pending +=
        cont[0] === '+' ? `${line.slice(0, -1).trim()} ` : line.slice(0, -1);
      continue;
    }
    const command = (pending + (pending ? line.trim() : line)).trim();
    pending = '';
    if (command) commands.push(command);
  }
  if (pending.trim()) commands.push(pending.trim());
  return commands;
}
