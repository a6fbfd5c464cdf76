import fs from 'node:fs';
import path from 'node:path';
import { createTestSetup, qmEntity, TestSetup } from '../__testUtils__/fakes';
import { runVaultAgentRender } from './vaultAgentRender';

const QM1 = 'resource:default/qm1';

describe('mq:vault-agent:render', () => {
  let t: TestSetup;
  beforeEach(() => {
    t = createTestSetup({
      entities: [
        qmEntity('qm1'),
        qmEntity('qm2', { 'mqcert.io/tls-channels': 'TO.QM2=qm2chl' }),
        qmEntity('qm3', { 'mqcert.io/key-repository-format': 'kdb' }),
        qmEntity('qm4', { 'mqcert.io/refresh-approval': 'required' }),
      ],
    });
    t.env.vaultAddress = () => 'https://vault.example.test:8200';
  });
  afterEach(() => t.cleanup());

  it('renders agent.hcl and the exec script with the entity role, names and window', async () => {
    const out = await runVaultAgentRender(t.env, t.step(), {
      entityRef: QM1,
      keyRepositoryDirectory: '/var/mqm/qmgrs/QM1/ssl',
      renewalThreshold: 0.7,
    });
    expect(out.files).toEqual([
      'vault-agent/qm1/agent.hcl',
      'vault-agent/qm1/mqcert-renew.sh',
      'vault-agent/qm1/mqcert-vault-agent.service',
      'vault-agent/qm1/README.md',
    ]);
    const hcl = fs.readFileSync(
      path.join(t.workspacePath, out.agentConfigFile),
      'utf8',
    );
    expect(hcl).toContain('address = "https://vault.example.test:8200"');
    expect(hcl).toContain('method "approle"');
    expect(hcl).toContain('role_id_file_path   = "/etc/mqcert/qm1/role-id"');
    expect(hcl).toContain('lease_renewal_threshold = 0.7');
    expect(hcl).toContain(
      '{{- with pkiCert "pki_int/issue/mq-queue-managers" "common_name=qm1.mq.example.test" -}}',
    );
    expect(hcl).toContain(
      'destination = "/etc/mqcert/qm1/certs/ibmwebspheremqqm1.pem"',
    );
    expect(hcl).toContain('command = ["/etc/mqcert/qm1/mqcert-renew.sh"]');
    const script = path.join(t.workspacePath, out.renewScriptFile);
    expect(fs.statSync(script).mode & 0o777).toBe(0o755);
    const text = fs.readFileSync(script, 'utf8');
    expect(text).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(text).toContain('set -euo pipefail');
    expect(text).toContain("QMGR='QM1'");
    expect(text).toContain("LABEL='ibmwebspheremqqm1'");
    expect(text).toContain("KEY_DIR='/var/mqm/qmgrs/QM1/ssl'");
    expect(text).toContain("  '0 02:00 Europe/London'");
    expect(text).toContain('-passout "file:$WORK/pw"');
    // No password ever follows -pw / -passout pass: on a command line.
    expect(text).not.toMatch(/-pw\b|pass:/);
  });

  it('renders the approval variant and Kubernetes auth', async () => {
    const out = await runVaultAgentRender(t.env, t.step(), {
      entityRef: 'resource:default/qm4',
      authMethod: 'kubernetes',
      kubernetesRole: 'mq-qm4',
      keyRepositoryDirectory: '/var/mqm/qmgrs/QM4/ssl',
    });
    expect(out.variant).toBe('stage-only');
    const hcl = fs.readFileSync(
      path.join(t.workspacePath, out.agentConfigFile),
      'utf8',
    );
    expect(hcl).toContain('method "kubernetes"');
    expect(hcl).toContain('role       = "mq-qm4"');
    await expect(
      runVaultAgentRender(t.env, t.step(), {
        entityRef: 'resource:default/qm4',
        variant: 'window',
        keyRepositoryDirectory: '/var/mqm/qmgrs/QM4/ssl',
      }),
    ).rejects.toThrow(/^variant: .* requires approval/);
  });

  it('refuses what it cannot do safely, naming the field', async () => {
    await expect(
      runVaultAgentRender(t.env, t.step(), {
        entityRef: 'resource:default/qm3',
      }),
    ).rejects.toThrow(
      /^format: .*runmqakm takes its password only on the command line/,
    );
    await expect(
      runVaultAgentRender(t.env, t.step(), {
        entityRef: 'resource:default/qm2',
      }),
    ).rejects.toThrow(/^entityRef: .* needs certificates for 2 labels/);
    await expect(
      runVaultAgentRender(t.env, t.step(), {
        entityRef: QM1,
        keyRepositoryDirectory: "/var/mqm/x'; rm -rf /",
      }),
    ).rejects.toThrow(/^keyRepositoryDirectory: .* must be an absolute path/);
    await expect(
      runVaultAgentRender(t.env, t.step(), {
        entityRef: QM1,
        keyRepositoryDirectory: '/var/mqm',
        outputPath: '../outside',
      }),
    ).rejects.toThrow(/^outputPath: /);
    await expect(
      runVaultAgentRender(t.env, t.step(), {
        entityRef: QM1,
        keyRepositoryDirectory: '/var/mqm',
        renewalThreshold: 1.5,
      }),
    ).rejects.toThrow(/^renewalThreshold: /);
  });

  it("never lets the entity's names into the script unchecked: each hostile annotation is refused, naming it", async () => {
    const hostile: [string, string][] = [
      ['mqcert.io/key-repository', 'qm1/ssl/key$(touch /tmp/x)'],
      ['mqcert.io/key-repository', "qm1/ssl/key'; rm -rf / #"],
      ['mqcert.io/certificate-label', 'qm1`id`'],
      ['mqcert.io/certificate-names', 'qm1.mq.example.test; rm -rf /'],
      ['mqcert.io/queue-manager', 'QM1$(id)'],
    ];
    for (const [annotation, value] of hostile) {
      const s = createTestSetup({
        entities: [qmEntity('qm1', { [annotation]: value })],
      });
      s.env.vaultAddress = () => 'https://vault.example.test:8200';
      try {
        const outcome = await runVaultAgentRender(s.env, s.step(), {
          entityRef: QM1,
          keyRepositoryDirectory: '/var/mqm/qmgrs/QM1/ssl',
        }).then(
          () => 'rendered',
          (e: Error) => `${e.name}: ${e.message}`,
        );
        expect({ annotation, value, outcome }).toEqual({
          annotation,
          value,
          outcome: expect.stringMatching(
            new RegExp(`^InputError: .*${annotation.replace(/[./]/g, '\\$&')}`),
          ),
        });
        expect(fs.readdirSync(s.workspacePath)).toEqual([]);
      } finally {
        s.cleanup();
      }
    }
  });

  it('takes the key folder from the deploy target and writes nothing in a dry run', async () => {
    t.env.deployTargetSettings = () => ({
      root: '/srv/mq',
      mqRoot: '/var/mqm/qmgrs',
    });
    const out = await runVaultAgentRender(t.env, t.step({ isDryRun: true }), {
      entityRef: QM1,
    });
    expect(out.plan?.join('\n')).toContain(
      'stage it in /var/mqm/qmgrs/qm1/ssl',
    );
    expect(fs.readdirSync(t.workspacePath)).toEqual([]);
  });
});
