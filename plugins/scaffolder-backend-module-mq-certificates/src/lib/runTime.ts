import { InputError } from '@backstage/errors';
import {
  nextWindowStart,
  QueueManagerSpec,
  requireSpecField,
} from '@mqcert/plugin-mq-certificates-common';

/** When a cut-over runs, resolved to an exact UTC instant. */
export interface ResolvedRunTime {
  kind: 'now' | 'window' | 'at';
  runAt: Date;
  /** How it was worked out, for logs and plans. */
  description: string;
}

/** `at` runs whole minutes: the first minute boundary at least 30 s ahead. */
export function nextWholeMinute(now: Date): Date {
  const t = now.getTime() + 30_000;
  return new Date(Math.ceil(t / 60_000) * 60_000);
}

const ISO_WITH_ZONE =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const ZONELESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Resolves `when`: `now`, `window` (the entity's next maintenance window,
 * exact UTC start) or an ISO date-time with a zone that lies in the future.
 * `at` is the template form: `when: at` with the time in `atTime`.
 * mq:refresh:schedule resolves the run time with it, and mq:certificate:issue
 * checks the same inputs with it before issuing, so both refuse alike.
 */
export function resolveRunTime(
  spec: QueueManagerSpec,
  when: string | undefined,
  atTime: string | undefined,
  now: Date,
  options: { wholeMinutes?: boolean } = {},
): ResolvedRunTime {
  const value = (when ?? 'now').trim();
  if (value === 'now') {
    const runAt = options.wholeMinutes ? nextWholeMinute(now) : now;
    return {
      kind: 'now',
      runAt,
      description: options.wholeMinutes
        ? `now (the next whole minute for at: ${runAt.toISOString()})`
        : `now (${runAt.toISOString()})`,
    };
  }
  if (value === 'window') {
    const window = requireSpecField(
      spec,
      'maintenanceWindow',
      'scheduling in the maintenance window (when: window)',
    );
    const runAt = nextWindowStart(window, now);
    return {
      kind: 'window',
      runAt,
      description: `the next maintenance window '${
        window.text
      }' starts ${runAt.toISOString()}`,
    };
  }
  const text = value === 'at' ? atTime?.trim() : value;
  const field = value === 'at' ? 'at' : 'when';
  if (!text) {
    throw new InputError(
      `at: give the date-time of the cut-over (ISO 8601 with a zone, e.g. 2026-12-24T02:00:00Z) when 'when' is 'at'`,
    );
  }
  if (ZONELESS.test(text)) {
    // A time without a zone would be read in the backend's zone, which is
    // not necessarily the user's: ask for the zone instead of guessing.
    throw new InputError(
      `${field}: '${text}' has no zone; give the cut-over time as an ISO 8601 date-time with a zone: add Z for UTC or an offset such as +01:00 (for example ${text}Z)`,
    );
  }
  if (!ISO_WITH_ZONE.test(text) || !Number.isFinite(Date.parse(text))) {
    if (field === 'at') {
      throw new InputError(
        `at: '${text}' is not an ISO 8601 date-time with a zone; give one such as 2026-12-24T02:00:00Z (UTC) or 2026-12-24T02:00:00+01:00`,
      );
    }
    throw new InputError(
      `${field}: '${text}' is not 'now', 'window' or an ISO 8601 date-time with a zone such as 2026-12-24T02:00:00Z`,
    );
  }
  let runAt = new Date(Date.parse(text));
  if (runAt.getTime() <= now.getTime()) {
    throw new InputError(
      `${field}: ${runAt.toISOString()} is in the past (it is ${now.toISOString()}); give a future time, or use 'now'`,
    );
  }
  if (options.wholeMinutes && runAt.getTime() % 60_000 !== 0) {
    runAt = new Date(Math.ceil(runAt.getTime() / 60_000) * 60_000);
  }
  return { kind: 'at', runAt, description: `at ${runAt.toISOString()}` };
}
