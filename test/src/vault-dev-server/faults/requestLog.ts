import type { IncomingHttpHeaders } from 'node:http';

/** One request as the log keeps it: no bodies, no token values. */
export interface RequestLogEntry {
  seq: number;
  time: string;
  request_id: string;
  /** As the client sent it: `LIST` for the verb, `GET` for `?list=true`. */
  method: string;
  /** The URL path exactly as sent, e.g. `/v1/auth/kubernetes/login`. */
  path: string;
  /** Query string without the leading `?` (may be empty). */
  query: string;
  status: number;
  duration_ms: number;
  headers: Record<string, string>;
  /** Ids of fault rules applied to this request. */
  faults: string[];
}

const SECRET_HEADERS = new Set([
  'x-vault-token',
  'authorization',
  'cookie',
  'proxy-authorization',
]);

export function redactHeaders(
  headers: IncomingHttpHeaders,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (!SECRET_HEADERS.has(name)) out[name] = text;
    else if (name === 'authorization' && /^\S+\s/.test(text))
      out[name] = `${text.split(/\s/)[0]} <redacted>`;
    else out[name] = '<redacted>';
  }
  return out;
}

const MAX_ENTRIES = 10_000;

/** A bounded, in-memory log of /v1 requests for tests to read. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.entries.push({ seq: this.nextSeq++, ...entry });
    if (this.entries.length > MAX_ENTRIES)
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  /** Entries with seq greater than `since`. */
  list(since = 0): RequestLogEntry[] {
    return this.entries.filter(e => e.seq > since);
  }

  clear(): void {
    this.entries = [];
  }
}
