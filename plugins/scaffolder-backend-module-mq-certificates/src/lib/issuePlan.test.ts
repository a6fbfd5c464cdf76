import {
  DEFAULT_CERTIFICATE_POLICY,
  parseQueueManagerEntity,
} from '@mqcert/plugin-mq-certificates-common';
import { qmEntity } from '../__testUtils__/fakes';
import { labelDnsPart, parseTtlSeconds, planIssue } from './issuePlan';

const options = {
  allowedPkiRoles: [{ mount: 'pki_int', role: 'mq-short-lived' }],
  policy: DEFAULT_CERTIFICATE_POLICY,
};

describe('planIssue', () => {
  it("issues one certificate per label; channel labels get their own common name under the QM's", () => {
    const spec = parseQueueManagerEntity(
      qmEntity('qm2', {
        'mqcert.io/tls-channels': 'DEV.APP.SVRCONN, TO.QM2=qm2chl',
        'mqcert.io/certificate-names':
          'qm2.mq.example.test, qm2-alt.mq.example.test',
      }),
    );
    const plan = planIssue(spec, {}, options);
    expect(plan.role).toEqual({ mount: 'pki_int', role: 'mq-queue-managers' });
    expect(plan.certificates).toEqual([
      {
        label: 'ibmwebspheremqqm2',
        commonName: 'qm2.mq.example.test',
        altNames: ['qm2-alt.mq.example.test'],
      },
      {
        label: 'qm2chl',
        commonName: 'qm2chl.qm2.mq.example.test',
        altNames: ['qm2.mq.example.test', 'qm2-alt.mq.example.test'],
      },
    ]);
    expect(plan.ttl).toBeUndefined();
  });

  it('lets a template add names but not change the common name', () => {
    const spec = parseQueueManagerEntity(qmEntity('qm1'));
    const plan = planIssue(
      spec,
      { names: ['QM1.mq.example.test', 'qm1-dr.mq.example.test'] },
      options,
    );
    expect(plan.certificates[0]).toMatchObject({
      commonName: 'qm1.mq.example.test',
      altNames: ['qm1-dr.mq.example.test'],
    });
    expect(() =>
      planIssue(spec, { names: ['other.mq.example.test'] }, options),
    ).toThrow(/^names: the first name .* must stay qm1\.mq\.example\.test/);
    expect(() =>
      planIssue(spec, { names: ['qm1.mq.example.test', 'bad name'] }, options),
    ).toThrow(/^names: 'bad name' is not a DNS name/);
  });

  it('caps the TTL at the policy and writes it in hours', () => {
    const spec = parseQueueManagerEntity(qmEntity('qm1'));
    expect(planIssue(spec, { ttl: '30d' }, options).ttl).toBe('720h');
    expect(planIssue(spec, { ttl: '90m' }, options).ttl).toBe('5400s');
    expect(() => planIssue(spec, { ttl: '48d' }, options)).toThrow(
      /^ttl: 48d is longer than the certificate policy allows \(47 days.*at most 1128h/,
    );
    expect(() => planIssue(spec, { ttl: 'soon' }, options)).toThrow(
      /^ttl: 'soon' is not a duration/,
    );
  });

  it('accepts another PKI role only when configured', () => {
    const spec = parseQueueManagerEntity(qmEntity('qm1'));
    expect(
      planIssue(spec, { pkiRole: 'pki_int/mq-short-lived' }, options).role,
    ).toEqual({ mount: 'pki_int', role: 'mq-short-lived' });
    expect(() => planIssue(spec, { pkiRole: 'pki/anything' }, options)).toThrow(
      /^pkiRole: pki\/anything may not be used for resource:default\/qm1.*allowed: pki_int\/mq-queue-managers, pki_int\/mq-short-lived/,
    );
  });

  it('names the missing annotation when the entity has no role or names', () => {
    const noRole = parseQueueManagerEntity(
      qmEntity('qm1', { 'mqcert.io/vault-pki-role': '' }),
    );
    expect(() => planIssue(noRole, {}, options)).toThrow(
      /mqcert\.io\/vault-pki-role/,
    );
    expect(
      planIssue(
        noRole,
        {},
        {
          ...options,
          defaultPkiRole: { mount: 'pki', role: 'default' },
        },
      ).role,
    ).toEqual({ mount: 'pki', role: 'default' });
    const noNames = parseQueueManagerEntity(
      qmEntity('qm1', {
        'mqcert.io/certificate-names': '',
        'mqcert.io/listener': '127.0.0.1:1414',
      }),
    );
    expect(() => planIssue(noNames, {}, options)).toThrow(
      /mqcert\.io\/certificate-names/,
    );
  });

  it('maps labels to DNS labels and parses durations', () => {
    expect(labelDnsPart('App Chl@1')).toBe('app-chl-1');
    expect(labelDnsPart('@@@')).toBe('label');
    expect(parseTtlSeconds('72h')).toBe(259200);
    expect(parseTtlSeconds('3600')).toBe(3600);
  });
});
