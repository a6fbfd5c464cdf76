import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderCutoverJobScript } from './cutoverJobScript';

const request = {
  queueManager: 'QM1',
  sslKeyRepository: '/var/mqm/qmgrs/QM1/ssl/key-20261203T195200Z-cc3f3ee2.p12',
  certificateLabel: 'ibmwebspheremqqm1',
};

describe('renderCutoverJobScript', () => {
  it('feeds ALTER QMGR and REFRESH SECURITY to runmqsc on stdin', () => {
    const script = renderCutoverJobScript(request);
    expect(script).toContain("/opt/mqm/bin/runmqsc QM1 <<'MQCERT_MQSC_END'\n");
    expect(script).toContain(
      "ALTER QMGR SSLKEYR('/var/mqm/qmgrs/QM1/ssl/key-20261203T195200Z-cc3f3ee2.p12') CERTLABL('ibmwebspheremqqm1')\nREFRESH SECURITY TYPE(SSL)\nMQCERT_MQSC_END\n",
    );
  });

  it('runs in a real /bin/sh: runmqsc gets the QM as its argument and the MQSC on stdin, and its exit code comes back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-cutover-'));
    try {
      const fake = path.join(dir, 'runmqsc');
      fs.writeFileSync(
        fake,
        `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\ncat > "${dir}/stdin"\nexit 10\n`,
        { mode: 0o755 },
      );
      const lowerCase = {
        ...request,
        queueManager: 'qm.test%1',
        certificateLabel: 'My Label',
      };
      const r = spawnSync(
        '/bin/sh',
        ['-c', renderCutoverJobScript({ ...lowerCase, runmqscPath: fake })],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status).toBe(10);
      expect(r.stdout).toBe(
        `mqcert: cut-over of qm.test%1 to SSLKEYR(${request.sslKeyRepository}) CERTLABL(My Label)\nmqcert: runmqsc exit code 10\n`,
      );
      expect(fs.readFileSync(path.join(dir, 'args'), 'utf8')).toBe(
        'qm.test%1\n',
      );
      expect(fs.readFileSync(path.join(dir, 'stdin'), 'utf8')).toBe(
        `ALTER QMGR SSLKEYR('${request.sslKeyRepository}') CERTLABL('My Label')\nREFRESH SECURITY TYPE(SSL)\n`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ queueManager: 'QM1; reboot' }, /^queueManager: /],
    [{ queueManager: '' }, /^queueManager: /],
    [{ certificateLabel: "x') REFRESH('" }, /^certificateLabel: /],
    [{ sslKeyRepository: 'relative/key.p12' }, /^sslKeyRepository: /],
    [{ sslKeyRepository: "/var/mqm/key'$(id).p12" }, /^sslKeyRepository: /],
    [{ sslKeyRepository: '/var/mqm/../../etc/key' }, /^sslKeyRepository: /],
    [{ sslKeyRepository: `/${'a'.repeat(256)}` }, /^sslKeyRepository: /],
    [{ runmqscPath: 'runmqsc; id' }, /^runmqscPath: /],
  ])('refuses %j before writing anything', (bad, message) => {
    expect(() => renderCutoverJobScript({ ...request, ...bad })).toThrow(
      message,
    );
  });
});
