import { ConfigReader } from '@backstage/config';
import type { CommandOptions, CommandRunner } from '../types';
import { readHostClock } from './CommandAtScheduler';
import {
  createAtScheduler,
  createHostMqscRunner,
  describeDeployTargetHost,
  readHostRunmqscPath,
} from './createAtScheduler';

// The factories the scaffolder module and the backend share: both must read
// a deploy target's `at` block the same way.

const config = new ConfigReader({
  mqCertificates: {
    deployTargets: {
      east: {
        type: 'ssh',
        root: '/var/mqm',
        ssh: { host: 'mq1.example.test', port: 2222, username: 'mqm' },
        at: { runmqscPath: '/opt/mqm/bin/runmqsc', atrmPath: '/usr/bin/atrm' },
      },
      here: { type: 'local', root: '/tmp/mq' },
    },
  },
});

function recorder(answer: { exitCode?: number; stdout?: string } = {}) {
  const calls: { command: string; args: string[]; options?: CommandOptions }[] =
    [];
  const runner: CommandRunner = {
    async run(command, args, options) {
      calls.push({ command, args, options });
      return { exitCode: 0, stdout: '', stderr: '', ...answer };
    },
  };
  return { runner, calls };
}

describe('host-mode factories of a deploy target', () => {
  it('names the host from configuration alone', () => {
    expect(describeDeployTargetHost('east', config)).toBe(
      'SSH host mqm@mq1.example.test:2222 (deploy target east)',
    );
    expect(describeDeployTargetHost('here', config)).toBe(
      "the backend's machine (deploy target here)",
    );
  });

  it('reads runmqscPath from the at block, and refuses a bad target name', () => {
    expect(readHostRunmqscPath('east', config)).toBe('/opt/mqm/bin/runmqsc');
    expect(readHostRunmqscPath('here', config)).toBeUndefined();
    expect(() => readHostRunmqscPath('../x', config)).toThrow(
      "deploy target: '../x' is not a target name",
    );
  });

  it('runs runmqsc at the configured path with the MQSC on standard input', async () => {
    const { runner, calls } = recorder({
      stdout: [
        '5724-H72 (C) Copyright IBM Corp. 1994, 2024.',
        'Starting MQSC for queue manager QM1.',
        '',
        '     1 : REFRESH SECURITY TYPE(SSL)',
        'AMQ8560I: IBM MQ security cache refreshed.',
        'One MQSC command read.',
        'No commands have a syntax error.',
        'All valid MQSC commands were processed.',
      ].join('\n'),
    });
    await createHostMqscRunner('east', config, runner).run('QM1', [
      'REFRESH SECURITY TYPE(SSL)',
    ]);
    expect(calls[0]).toMatchObject({
      command: '/opt/mqm/bin/runmqsc',
      args: ['QM1'],
      options: { stdin: 'REFRESH SECURITY TYPE(SSL)\n' },
    });
  });

  it('gives the at scheduler the target settings and names the host in its errors', async () => {
    const { runner, calls } = recorder({ exitCode: 1 });
    const at = createAtScheduler('east', config, runner);
    await expect(at.cancel('12')).rejects.toThrow(
      'atrm 12 on SSH host mqm@mq1.example.test:2222 (deploy target east) failed (exit 1)',
    );
    expect(calls[0]).toMatchObject({ command: '/usr/bin/atrm', args: ['12'] });
  });

  it("reads the host's clock, or nothing when date does not answer with seconds", async () => {
    expect(
      await readHostClock(recorder({ stdout: '1796414400\n' }).runner),
    ).toEqual(new Date(1796414400 * 1000));
    expect(await readHostClock(recorder({ stdout: '' }).runner)).toBe(
      undefined,
    );
    expect(
      await readHostClock(recorder({ exitCode: 127, stdout: '' }).runner),
    ).toBe(undefined);
  });
});
