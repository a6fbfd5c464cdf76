import { Entity } from '@backstage/catalog-model';
import { MQ_CERT_ANNOTATIONS as A } from './annotations';
import {
  isMqQueueManagerEntity,
  parseListener,
  parseQueueManagerEntity,
  requireSpecField,
  validateKeyRepositoryStem,
} from './entity';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'qm1', namespace: 'default', annotations },
    spec: { type: 'mq-queue-manager', owner: 'group:default/mq-admins' },
  };
}

describe('MQ_CERT_ANNOTATIONS', () => {
  it('all share the mqcert.io/ prefix', () => {
    for (const v of Object.values(A))
      expect(v).toMatch(/^mqcert\.io\/[a-z0-9-]+$/);
    expect(A.queueManager).toBe('mqcert.io/queue-manager');
    expect(A.refreshApproval).toBe('mqcert.io/refresh-approval');
  });
});

describe('MQ_CERT_ANNOTATIONS: the keys issue 2 fixes', () => {
  it.each([
    ['queueManager', 'mqcert.io/queue-manager'],
    ['listener', 'mqcert.io/listener'],
    ['tlsChannels', 'mqcert.io/tls-channels'],
    ['certificateNames', 'mqcert.io/certificate-names'],
    ['certificateLabel', 'mqcert.io/certificate-label'],
    ['vaultPkiRole', 'mqcert.io/vault-pki-role'],
    ['deployTarget', 'mqcert.io/deploy-target'],
    ['keyRepository', 'mqcert.io/key-repository'],
    ['keyRepositoryFormat', 'mqcert.io/key-repository-format'],
    ['pkcs12Profile', 'mqcert.io/pkcs12-profile'],
    ['mqAdmin', 'mqcert.io/mq-admin'],
    ['maintenanceWindow', 'mqcert.io/maintenance-window'],
    ['refreshApproval', 'mqcert.io/refresh-approval'],
  ] as const)('%s is %s', (key, annotation) => {
    expect(A[key]).toBe(annotation);
  });

  it('has no two keys with the same annotation', () => {
    const values = Object.values(A);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe('isMqQueueManagerEntity', () => {
  it('requires the queue-manager annotation', () => {
    expect(isMqQueueManagerEntity(entity({ [A.queueManager]: 'QM1' }))).toBe(
      true,
    );
    expect(isMqQueueManagerEntity(entity({ [A.queueManager]: ' ' }))).toBe(
      false,
    );
    expect(isMqQueueManagerEntity(entity({}))).toBe(false);
    expect(isMqQueueManagerEntity(undefined)).toBe(false);
  });
});

describe('parseQueueManagerEntity', () => {
  it('fills defaults from a minimal entity', () => {
    const spec = parseQueueManagerEntity(
      entity({ [A.queueManager]: 'QM1', [A.listener]: 'qm1.mq.example.test' }),
    );
    expect(spec).toEqual({
      entityRef: 'resource:default/qm1',
      queueManager: 'QM1',
      listener: { host: 'qm1.mq.example.test', port: 1414 },
      tlsChannels: [],
      certificateNames: ['qm1.mq.example.test'],
      certificateLabel: 'ibmwebspheremqqm1',
      certificateLabelIsDefault: true,
      certificateLabels: ['ibmwebspheremqqm1'],
      vaultPkiRole: undefined,
      deployTarget: undefined,
      keyRepository: undefined,
      keyRepositoryFormat: 'p12',
      mqAdmin: undefined,
      maintenanceWindow: undefined,
      refreshApproval: 'none',
      keyGeneration: 'vault',
    });
  });

  it('reads every annotation', () => {
    const spec = parseQueueManagerEntity(
      entity({
        [A.queueManager]: 'QM2',
        [A.listener]: 'qm2.mq.example.test:1415',
        [A.tlsChannels]: 'DEV.APP.SVRCONN, TO.QM2=qm2chl',
        [A.certificateNames]: 'QM2.mq.example.test, qm2-alt.mq.example.test',
        [A.certificateLabel]: 'qm2cert',
        [A.vaultPkiRole]: 'pki_int/mq-queue-managers',
        [A.deployTarget]: 'local-demo',
        [A.keyRepository]: 'qm2/ssl/key.p12',
        [A.keyRepositoryFormat]: 'KDB',
        [A.pkcs12Profile]: 'Compat-3DES',
        [A.mqAdmin]: 'qm2-rest',
        [A.maintenanceWindow]: 'Sun 02:00-04:00 Europe/London',
        [A.refreshApproval]: 'required',
        [A.keyGeneration]: 'host',
      }),
    );
    expect(spec.listener).toEqual({ host: 'qm2.mq.example.test', port: 1415 });
    expect(spec.tlsChannels).toEqual([
      {
        name: 'DEV.APP.SVRCONN',
        certificateLabel: undefined,
        sniHostname: 'dev2e-app2e-svrconn.chl.mq.ibm.com',
      },
      {
        name: 'TO.QM2',
        certificateLabel: 'qm2chl',
        sniHostname: 'to2e-qm2.chl.mq.ibm.com',
      },
    ]);
    expect(spec.certificateNames).toEqual([
      'qm2.mq.example.test',
      'qm2-alt.mq.example.test',
    ]);
    expect(spec.certificateLabel).toBe('qm2cert');
    expect(spec.certificateLabels).toEqual(['qm2cert', 'qm2chl']);
    expect(spec.vaultPkiRole).toEqual({
      mount: 'pki_int',
      role: 'mq-queue-managers',
    });
    expect(spec.keyRepository).toBe('qm2/ssl/key');
    expect(spec.keyRepositoryFormat).toBe('kdb');
    expect(spec.pkcs12Profile).toBe('compat-3des');
    expect(spec.maintenanceWindow?.rules).toHaveLength(1);
    expect(spec.refreshApproval).toBe('required');
    expect(spec.keyGeneration).toBe('host');
  });

  it('accepts IPv6 listeners and nested Vault mounts', () => {
    const spec = parseQueueManagerEntity(
      entity({
        [A.queueManager]: 'QM1',
        [A.listener]: '[::1]:1414',
        [A.vaultPkiRole]: 'team/pki_int/mq',
      }),
    );
    expect(spec.listener).toEqual({ host: '::1', port: 1414 });
    expect(spec.certificateNames).toEqual([]);
    expect(spec.vaultPkiRole).toEqual({ mount: 'team/pki_int', role: 'mq' });
  });

  it.each([
    [{}, /annotation mqcert.io\/queue-manager: missing/],
    [
      { [A.queueManager]: 'QM-1' },
      /annotation mqcert.io\/queue-manager: .*contains "-".*for example mqcert.io\/queue-manager: QM1/,
    ],
    [
      { [A.listener]: 'qm1:99999' },
      /annotation mqcert.io\/listener: port '99999'/,
    ],
    [
      { [A.listener]: 'bad host:1414' },
      /annotation mqcert.io\/listener: 'bad host' is not a host name/,
    ],
    [
      { [A.tlsChannels]: 'GOOD, BAD CHANNEL' },
      /annotation mqcert.io\/tls-channels: .*space/,
    ],
    [{ [A.tlsChannels]: 'A, A' }, /listed twice/],
    [{ [A.tlsChannels]: "A=it's" }, /not a usable certificate label/],
    [
      { [A.certificateNames]: 'under_score.example' },
      /annotation mqcert.io\/certificate-names: 'under_score.example' is not a DNS name/,
    ],
    [
      { [A.certificateLabel]: "o'neil" },
      /annotation mqcert.io\/certificate-label/,
    ],
    [
      { [A.vaultPkiRole]: 'justarole' },
      /annotation mqcert.io\/vault-pki-role: 'justarole' is not '<mount>\/<role>'/,
    ],
    [
      { [A.keyRepository]: '/var/mqm/key' },
      /relative to the deploy target's root/,
    ],
    [{ [A.keyRepository]: 'qm1/../../etc/key' }, /must not contain '..'/],
    [{ [A.keyRepositoryFormat]: 'jks' }, /'jks' is not p12 or kdb/],
    [
      { [A.pkcs12Profile]: 'des' },
      /annotation mqcert.io\/pkcs12-profile: 'des' is not aes256 or compat-3des/,
    ],
    [{ [A.refreshApproval]: 'maybe' }, /'maybe' is not required or none/],
    [
      { [A.maintenanceWindow]: 'Sun 2-4' },
      /annotation mqcert.io\/maintenance-window/,
    ],
    [
      { [A.deployTarget]: 'rm -rf /' },
      /annotation mqcert.io\/deploy-target: 'rm -rf \/' is not a configuration name/,
    ],
    [
      // A '.' would split the app-config key the target is read under.
      { [A.deployTarget]: 'mq.east' },
      /annotation mqcert.io\/deploy-target: 'mq.east' is not a configuration name/,
    ],
    [
      { [A.mqAdmin]: 'qm1.rest' },
      /annotation mqcert.io\/mq-admin: 'qm1.rest' is not a configuration name/,
    ],
  ])('rejects %j', (extra, message) => {
    const annotations: Record<string, string> = {
      [A.queueManager]: 'QM1',
      ...extra,
    };
    if (!('queueManager' in extra) && Object.keys(extra).length === 0)
      delete annotations[A.queueManager];
    expect(() => parseQueueManagerEntity(entity(annotations))).toThrow(message);
  });
});

describe('parseListener', () => {
  it.each([
    ['qm1.mq.example.test:1415', { host: 'qm1.mq.example.test', port: 1415 }],
    ['QM1.MQ.Example.Test', { host: 'qm1.mq.example.test', port: 1414 }],
    ['10.0.0.5:1414', { host: '10.0.0.5', port: 1414 }],
    ['[fd00::5]:1500', { host: 'fd00::5', port: 1500 }],
  ])('%s', (value, expected) => {
    expect(parseListener(value)).toEqual(expected);
  });

  it.each([
    ['fd00::5:1414', /ambiguous; put IPv6 addresses in brackets/],
    ['qm1:0', /port '0' is not between 1 and 65535/],
    ['qm1:x', /port 'x' is not between 1 and 65535/],
    ['bad_host:1414', /'bad_host' is not a host name or IP address/],
  ])('rejects %j naming the annotation', (value, message) => {
    expect(() => parseListener(value)).toThrow(message);
    expect(() => parseListener(value)).toThrow(
      /^annotation mqcert.io\/listener: .*for example mqcert.io\/listener: /,
    );
  });
});

describe('validateKeyRepositoryStem', () => {
  it('strips a key repository extension and keeps the relative stem', () => {
    expect(validateKeyRepositoryStem('qm1/ssl/key')).toBe('qm1/ssl/key');
    expect(validateKeyRepositoryStem('qm1/ssl/key.kdb')).toBe('qm1/ssl/key');
    expect(validateKeyRepositoryStem('qm1/ssl/key.P12')).toBe('qm1/ssl/key');
  });

  it.each([
    ['/var/mqm/qmgrs/QM1/ssl/key', /relative to the deploy target's root/],
    ['C:/mq/key', /relative to the deploy target's root/],
    ['qm1/../key', /must not contain '..'/],
    ['qm1//key', /empty path segments/],
    ['qm1/key;rm', /may only contain letters, digits/],
    ["qm1/it's", /may only contain letters, digits/],
  ])('rejects %j', (value, message) => {
    expect(() => validateKeyRepositoryStem(value)).toThrow(message);
  });
});

describe('requireSpecField', () => {
  it('returns present values and names the missing annotation', () => {
    const spec = parseQueueManagerEntity(
      entity({ [A.queueManager]: 'QM1', [A.deployTarget]: 'local' }),
    );
    expect(requireSpecField(spec, 'deployTarget', 'staging')).toBe('local');
    expect(() => requireSpecField(spec, 'mqAdmin', 'the cut-over')).toThrow(
      'resource:default/qm1: the cut-over needs the annotation mqcert.io/mq-admin; add it to the entity, for example mqcert.io/mq-admin: qm1-rest',
    );
    expect(() => requireSpecField(spec, 'certificateNames', 'issuing')).toThrow(
      /mqcert.io\/certificate-names/,
    );
  });
});
