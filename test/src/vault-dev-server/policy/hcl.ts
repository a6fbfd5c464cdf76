import type { Capability } from '../core/types';

/** One `path "…" { capabilities = [...] }` rule of a policy. */
export interface PolicyRule {
  path: string;
  capabilities: Capability[];
}

const CAPABILITIES: Capability[] = [
  'create',
  'read',
  'update',
  'delete',
  'list',
  'patch',
  'sudo',
  'deny',
];

export class PolicyParseError extends Error {}

type Token = { kind: 'string' | 'word' | 'punct'; text: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new PolicyParseError('unterminated comment');
      i = end + 2;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') j++;
        text += src[j++];
      }
      if (j >= src.length) throw new PolicyParseError('unterminated string');
      tokens.push({ kind: 'string', text });
      i = j + 1;
    } else if ('{}[]=,'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else {
      const m = /^[A-Za-z0-9_.\-]+/.exec(src.slice(i));
      if (!m)
        throw new PolicyParseError(`unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

function checkCapabilities(path: string, caps: unknown): Capability[] {
  if (!Array.isArray(caps))
    throw new PolicyParseError(`path "${path}": capabilities must be a list`);
  for (const cap of caps) {
    if (!CAPABILITIES.includes(cap as Capability)) {
      throw new PolicyParseError(
        `path "${path}": invalid capability ${JSON.stringify(cap)}`,
      );
    }
  }
  return caps as Capability[];
}

/** Skips a value the dev server does not use (e.g. allowed_parameters). */
function skipValue(tokens: Token[], at: number): number {
  let depth = 0;
  let i = at;
  do {
    const t = tokens[i++];
    if (!t) throw new PolicyParseError('unexpected end of policy');
    if (t.kind === 'punct' && (t.text === '{' || t.text === '[')) depth++;
    if (t.kind === 'punct' && (t.text === '}' || t.text === ']')) depth--;
  } while (depth > 0);
  return i;
}

function parseHcl(src: string): PolicyRule[] {
  const tokens = tokenize(src);
  const rules: PolicyRule[] = [];
  let i = 0;
  const expect = (text: string) => {
    const t = tokens[i++];
    if (!t || t.text !== text)
      throw new PolicyParseError(`expected ${text} near ${t ? t.text : 'end'}`);
  };
  while (i < tokens.length) {
    const kw = tokens[i++];
    if (kw.kind !== 'word' || kw.text !== 'path') {
      throw new PolicyParseError(`expected path, found ${kw.text}`);
    }
    const pathTok = tokens[i++];
    if (!pathTok || pathTok.kind !== 'string')
      throw new PolicyParseError('path needs a quoted string');
    expect('{');
    let capabilities: Capability[] = [];
    while (tokens[i] && tokens[i].text !== '}') {
      const key = tokens[i++];
      expect('=');
      if (key.text === 'capabilities') {
        expect('[');
        const caps: string[] = [];
        while (tokens[i] && tokens[i].text !== ']') {
          if (tokens[i].kind === 'string') caps.push(tokens[i].text);
          else if (tokens[i].text !== ',')
            throw new PolicyParseError('capabilities are quoted strings');
          i++;
        }
        expect(']');
        capabilities = checkCapabilities(pathTok.text, caps);
      } else {
        i = skipValue(tokens, i);
      }
    }
    expect('}');
    rules.push({ path: pathTok.text, capabilities });
  }
  return rules;
}

function parseJson(src: string): PolicyRule[] {
  const doc = JSON.parse(src) as {
    path?: Record<string, { capabilities?: unknown }>;
  };
  return Object.entries(doc.path ?? {}).map(([path, body]) => ({
    path,
    capabilities: checkCapabilities(path, body.capabilities ?? []),
  }));
}

/** Parses a Vault policy in HCL or JSON (only `path` rules and `capabilities` matter here). */
export function parsePolicy(src: string): PolicyRule[] {
  return src.trim().startsWith('{') ? parseJson(src) : parseHcl(src);
}
