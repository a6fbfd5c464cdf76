import {
  CERTIFICATE_POLICY_STATES,
  DEFAULT_CERTIFICATE_POLICY,
  evaluateCertificatePolicy,
  resolveCertificatePolicy,
} from './policy';

const DAY = 86_400_000;
const notBefore = Date.UTC(2026, 0, 1);
const notAfter = notBefore + 40 * DAY;

describe('evaluateCertificatePolicy', () => {
  it('is ok early in the lifetime', () => {
    const r = evaluateCertificatePolicy({
      notBefore,
      notAfter,
      now: notBefore + 10 * DAY,
    });
    expect(r).toMatchObject({
      state: 'ok',
      lifetimeUsed: 0.25,
      daysLeft: 30,
      compliant: true,
      renewAt: new Date(notBefore + 30 * DAY).toISOString(),
    });
  });

  it('is renew-due from 75% of the lifetime', () => {
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter,
        now: notBefore + 30 * DAY - 1,
      }).state,
    ).toBe('ok');
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter,
        now: notBefore + 30 * DAY,
      }).state,
    ).toBe('renew-due');
  });

  it('is expiring within the last-days threshold, configurable', () => {
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter,
        now: notAfter - 7 * DAY,
      }).state,
    ).toBe('expiring');
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter,
        now: notAfter - 7 * DAY,
        policy: { expiringDays: 3 },
      }).state,
    ).toBe('renew-due');
  });

  it('is expired at and after notAfter with negative days left', () => {
    const at = evaluateCertificatePolicy({
      notBefore,
      notAfter,
      now: notAfter,
    });
    expect(at.state).toBe('expired');
    expect(at.lifetimeUsed).toBe(1);
    const after = evaluateCertificatePolicy({
      notBefore,
      notAfter,
      now: notAfter + 1.5 * DAY,
    });
    expect(after.daysLeft).toBe(-2);
    expect(after.msLeft).toBe(-1.5 * DAY);
  });

  it('checks the maximum lifetime (47 days by default) with Vault back-dating tolerance', () => {
    const nb = notBefore - 30_000; // Vault's 30 s not_before_duration
    expect(
      evaluateCertificatePolicy({
        notBefore: nb,
        notAfter: notBefore + 47 * DAY,
        now: notBefore,
      }).compliant,
    ).toBe(true);
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter: notBefore + 48 * DAY,
        now: notBefore,
      }).compliant,
    ).toBe(false);
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter: notBefore + 90 * DAY,
        now: notBefore,
        policy: { maxLifetimeDays: 90 },
      }).compliant,
    ).toBe(true);
  });

  it('honours a custom renew fraction', () => {
    const r = evaluateCertificatePolicy({
      notBefore,
      notAfter,
      now: notBefore + 27 * DAY,
      policy: { renewAtFraction: 2 / 3 },
    });
    expect(r.state).toBe('renew-due');
    expect(r.renewAt).toBe(
      new Date(notBefore + Math.round(40 * DAY * (2 / 3))).toISOString(),
    );
  });

  it('accepts ISO strings and Dates, independent of the host zone', () => {
    const r = evaluateCertificatePolicy({
      notBefore: new Date(notBefore).toISOString(),
      notAfter: new Date(notAfter),
      now: '2026-01-11T00:00:00Z',
    });
    expect(r.lifetimeUsed).toBe(0.25);
    expect(r.lifetimeDays).toBe(40);
  });

  it('clamps lifetime used before notBefore', () => {
    expect(
      evaluateCertificatePolicy({ notBefore, notAfter, now: notBefore - DAY })
        .lifetimeUsed,
    ).toBe(0);
  });

  it('rejects bad input with the field name', () => {
    expect(() =>
      evaluateCertificatePolicy({ notBefore: 'nope', notAfter }),
    ).toThrow(/^notBefore: /);
    expect(() =>
      evaluateCertificatePolicy({ notBefore: notAfter, notAfter: notBefore }),
    ).toThrow(/must be after notBefore/);
    expect(() => resolveCertificatePolicy({ renewAtFraction: 1.5 })).toThrow(
      /^policy.renewAtFraction/,
    );
    expect(() => resolveCertificatePolicy({ maxLifetimeDays: 0 })).toThrow(
      /^policy.maxLifetimeDays/,
    );
    expect(() => resolveCertificatePolicy({ expiringDays: -1 })).toThrow(
      /^policy.expiringDays/,
    );
  });

  it('uses the documented defaults', () => {
    expect(resolveCertificatePolicy()).toEqual({
      maxLifetimeDays: 47,
      renewAtFraction: 0.75,
      expiringDays: 7,
      lifetimeToleranceSeconds: 300,
    });
  });
});

describe('evaluateCertificatePolicy: defaults and state boundaries', () => {
  it('exports the defaults and the states, best to worst', () => {
    expect(DEFAULT_CERTIFICATE_POLICY).toEqual({
      maxLifetimeDays: 47,
      renewAtFraction: 0.75,
      expiringDays: 7,
      lifetimeToleranceSeconds: 300,
    });
    expect(CERTIFICATE_POLICY_STATES).toEqual([
      'ok',
      'renew-due',
      'expiring',
      'expired',
    ]);
  });

  it('applies the defaults when no policy is given', () => {
    const nb = Date.UTC(2026, 0, 1);
    const na = nb + 47 * DAY;
    const r = evaluateCertificatePolicy({
      notBefore: nb,
      notAfter: na,
      now: nb,
    });
    expect(r.policy).toEqual(DEFAULT_CERTIFICATE_POLICY);
    // renewAtFraction 0.75 of 47 days
    expect(r.renewAt).toBe(new Date(nb + 0.75 * 47 * DAY).toISOString());
    expect(r.compliant).toBe(true);
    expect(r.daysLeft).toBe(47);
  });

  it('moves through every state of a 47-day certificate at the default points', () => {
    const nb = Date.UTC(2026, 0, 1);
    const na = nb + 47 * DAY;
    const renewAt = nb + 0.75 * 47 * DAY;
    const stateAt = (now: number) =>
      evaluateCertificatePolicy({ notBefore: nb, notAfter: na, now }).state;
    expect(stateAt(nb)).toBe('ok');
    expect(stateAt(renewAt - 1)).toBe('ok');
    expect(stateAt(renewAt)).toBe('renew-due');
    expect(stateAt(na - 7 * DAY - 1)).toBe('renew-due');
    expect(stateAt(na - 7 * DAY)).toBe('expiring');
    expect(stateAt(na - 1)).toBe('expiring');
    expect(stateAt(na)).toBe('expired');
  });

  it('reports the worst state: a 5-day certificate is expiring from the start', () => {
    const r = evaluateCertificatePolicy({
      notBefore,
      notAfter: notBefore + 5 * DAY,
      now: notBefore,
    });
    expect(r.state).toBe('expiring');
    expect(r.lifetimeUsed).toBe(0);
  });

  it('allows exactly maxLifetimeDays + tolerance and not one second more', () => {
    const limit = 47 * DAY + 300_000;
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter: notBefore + limit,
        now: notBefore,
      }).compliant,
    ).toBe(true);
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter: notBefore + limit + 1000,
        now: notBefore,
      }).compliant,
    ).toBe(false);
    expect(
      evaluateCertificatePolicy({
        notBefore,
        notAfter: notBefore + 47 * DAY + 1000,
        now: notBefore,
        policy: { lifetimeToleranceSeconds: 0 },
      }).compliant,
    ).toBe(false);
  });
  // Zoneless date-times read as UTC: hostZone.test.ts.
});
