import { InputError } from '@backstage/errors';
import { InstantInput, toEpochMs } from './instant';

const DAY_MS = 86_400_000;

/** Certificate policy knobs. @public */
export interface CertificatePolicy {
  /** Longest lifetime (notAfter − notBefore) that complies. Default 47. */
  maxLifetimeDays?: number;
  /** Fraction of the lifetime after which renewal is due. Default 0.75. */
  renewAtFraction?: number;
  /** Days before notAfter from which the state is `expiring`. Default 7. */
  expiringDays?: number;
  /**
   * Slack added to the maximum lifetime before a certificate is called
   * non-compliant. Vault back-dates notBefore by `not_before_duration`
   * (30 s by default), so a "47-day" certificate lasts 47 days and 30 s.
   * Default 300 s.
   */
  lifetimeToleranceSeconds?: number;
}

/**
 * The policy used where a knob is not set: 47-day maximum lifetime (where
 * public TLS lifetimes are heading), renewal at 75% of the lifetime (the seed's
 * renewal point), `expiring` in the last 7 days, 300 s lifetime tolerance.
 *
 * @public
 */
export const DEFAULT_CERTIFICATE_POLICY: Required<CertificatePolicy> = {
  maxLifetimeDays: 47,
  renewAtFraction: 0.75,
  expiringDays: 7,
  lifetimeToleranceSeconds: 300,
};

/** Policy state of a certificate, from best to worst. @public */
export type CertificatePolicyState =
  | 'ok'
  | 'renew-due'
  | 'expiring'
  | 'expired';

/** Every {@link CertificatePolicyState}, from best to worst. @public */
export const CERTIFICATE_POLICY_STATES: CertificatePolicyState[] = [
  'ok',
  'renew-due',
  'expiring',
  'expired',
];

/** Result of evaluateCertificatePolicy. @public */
export interface CertificatePolicyEvaluation {
  /** Fraction of the lifetime elapsed, clamped to 0..1. */
  lifetimeUsed: number;
  /** ISO UTC instant at which renewal is due. */
  renewAt: string;
  /** Whole days until notAfter (floor; negative once expired). */
  daysLeft: number;
  /** Milliseconds until notAfter (negative once expired). */
  msLeft: number;
  /** Lifetime in days (fractional). */
  lifetimeDays: number;
  /** Whether the lifetime is within maxLifetimeDays (+ tolerance). */
  compliant: boolean;
  state: CertificatePolicyState;
  /** The effective policy used. */
  policy: Required<CertificatePolicy>;
}

/** Fills defaults and checks ranges. @public */
export function resolveCertificatePolicy(
  policy: CertificatePolicy = {},
): Required<CertificatePolicy> {
  const p = { ...DEFAULT_CERTIFICATE_POLICY };
  for (const [k, v] of Object.entries(policy)) {
    if (v !== undefined) (p as any)[k] = v;
  }
  if (!(p.maxLifetimeDays > 0)) {
    throw new InputError(
      `policy.maxLifetimeDays: must be a positive number of days, got ${p.maxLifetimeDays}`,
    );
  }
  if (!(p.renewAtFraction > 0 && p.renewAtFraction < 1)) {
    throw new InputError(
      `policy.renewAtFraction: must be between 0 and 1 (e.g. 0.75), got ${p.renewAtFraction}`,
    );
  }
  if (!(p.expiringDays >= 0)) {
    throw new InputError(
      `policy.expiringDays: must be zero or more days, got ${p.expiringDays}`,
    );
  }
  if (!(p.lifetimeToleranceSeconds >= 0)) {
    throw new InputError(
      `policy.lifetimeToleranceSeconds: must be zero or more, got ${p.lifetimeToleranceSeconds}`,
    );
  }
  return p;
}

/**
 * Evaluates a certificate against the rotation policy. All arithmetic is in
 * UTC milliseconds, so results do not depend on the host's time zone.
 *
 * The state is the worst that applies: `expired` (now ≥ notAfter), `expiring`
 * (within `expiringDays` of notAfter), `renew-due` (past the renew-at point),
 * else `ok`.
 *
 * @public
 */
export function evaluateCertificatePolicy(options: {
  notBefore: InstantInput;
  notAfter: InstantInput;
  now?: InstantInput;
  policy?: CertificatePolicy;
}): CertificatePolicyEvaluation {
  const policy = resolveCertificatePolicy(options.policy);
  const notBefore = toEpochMs(options.notBefore, 'notBefore');
  const notAfter = toEpochMs(options.notAfter, 'notAfter');
  const now = toEpochMs(options.now ?? Date.now(), 'now');
  if (notAfter <= notBefore) {
    throw new InputError(
      `notAfter (${new Date(
        notAfter,
      ).toISOString()}) must be after notBefore (${new Date(
        notBefore,
      ).toISOString()})`,
    );
  }
  const lifetime = notAfter - notBefore;
  const renewAtMs = notBefore + Math.round(lifetime * policy.renewAtFraction);
  const msLeft = notAfter - now;
  const lifetimeUsed = Math.min(1, Math.max(0, (now - notBefore) / lifetime));
  const compliant =
    lifetime <=
    policy.maxLifetimeDays * DAY_MS + policy.lifetimeToleranceSeconds * 1000;
  let state: CertificatePolicyState = 'ok';
  if (msLeft <= 0) state = 'expired';
  else if (msLeft <= policy.expiringDays * DAY_MS) state = 'expiring';
  else if (now >= renewAtMs) state = 'renew-due';
  return {
    lifetimeUsed,
    renewAt: new Date(renewAtMs).toISOString(),
    daysLeft: Math.floor(msLeft / DAY_MS),
    msLeft,
    lifetimeDays: lifetime / DAY_MS,
    compliant,
    state,
    policy,
  };
}
