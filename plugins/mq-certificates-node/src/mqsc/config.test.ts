import { ConfigReader } from '@backstage/config';
import type { CommandRunner } from '../types';
import { createMqscRunner } from './config';
import { RestMqscRunner } from './RestMqscRunner';
import { RunmqscMqscRunner } from './RunmqscMqscRunner';

const config = new ConfigReader({
  mqCertificates: {
    mqAdmin: {
      'qm1-rest': {
        type: 'rest',
        baseUrl: 'https://mq1.example.test:9443',
        apiVersion: 'v3',
        username: 'mqadmin',
        password: 'pw',
      },
      'qm1-ssh': {
        type: 'ssh',
        deployTarget: 'east',
        runmqscPath: '/opt/mqm/bin/runmqsc',
      },
      broken: {
        type: 'rest',
        baseUrl: 'http://mq1.example.test:9443',
        username: 'a',
        password: 'b',
      },
      noauth: { type: 'rest', baseUrl: 'https://mq1.example.test:9443' },
    },
  },
});

describe('createMqscRunner', () => {
  it('builds a REST runner with the encoded resource URL', async () => {
    const runner = await createMqscRunner('qm1-rest', config);
    expect(runner).toBeInstanceOf(RestMqscRunner);
    expect((runner as RestMqscRunner).commandUrl('QM/1%').toString()).toBe(
      'https://mq1.example.test:9443/ibmmq/rest/v3/admin/action/qmgr/QM%2F1%25/mqsc',
    );
    (runner as RestMqscRunner).close();
  });

  it('builds an ssh runner on the deploy target command runner', async () => {
    const targets: string[] = [];
    const fake: CommandRunner = {
      run: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
    };
    const runner = await createMqscRunner('qm1-ssh', config, {
      commandRunnerForTarget: name => {
        targets.push(name);
        return fake;
      },
    });
    expect(runner).toBeInstanceOf(RunmqscMqscRunner);
    expect(targets).toEqual(['east']);
  });

  it('defaults to the SSH settings of the deploy target, connecting only when run', async () => {
    const withTarget = new ConfigReader({
      mqCertificates: {
        mqAdmin: { q: { type: 'ssh', deployTarget: 'east' } },
        deployTargets: {
          east: {
            ssh: {
              host: '127.0.0.1',
              port: 1,
              username: 'mqm',
              privateKey: 'not-a-key',
              hostKeySha256:
                'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
            },
          },
        },
      },
    });
    const runner = await createMqscRunner('q', withTarget);
    expect(runner).toBeInstanceOf(RunmqscMqscRunner);
    await expect(runner.run('QM1', ['DISPLAY QMGR'])).rejects.toThrow(
      /queue manager QM1: could not run \/opt\/mqm\/bin\/runmqsc on deploy target east/,
    );
  });

  it('explains configuration mistakes', async () => {
    await expect(createMqscRunner('nope', config)).rejects.toThrow(
      /no MQ admin connection 'nope' is configured; add mqCertificates.mqAdmin.nope .*configured: qm1-rest, qm1-ssh/,
    );
    await expect(createMqscRunner('broken', config)).rejects.toThrow(
      /baseUrl: .* must use https/,
    );
    await expect(createMqscRunner('noauth', config)).rejects.toThrow(
      /mqCertificates.mqAdmin.noauth: set username and password, or clientCertificate/,
    );
    await expect(createMqscRunner('qm1-ssh', config)).rejects.toThrow(
      /deploy target 'east' has no SSH settings; add mqCertificates.deployTargets.east.ssh/,
    );
    await expect(createMqscRunner('../x', config)).rejects.toThrow(
      /not a configuration name/,
    );
  });
});
