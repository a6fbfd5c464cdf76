import type { CommandOptions, CommandResult, CommandRunner } from '../types';
import { MqscError } from './MqscError';
import { RunmqscMqscRunner } from './RunmqscMqscRunner';

class ScriptedRunner implements CommandRunner {
  calls: { command: string; args: string[]; options?: CommandOptions }[] = [];
  constructor(private readonly result: CommandResult | Error) {}
  async run(command: string, args: string[], options?: CommandOptions) {
    this.calls.push({ command, args, options });
    if (this.result instanceof Error) throw this.result;
    return this.result;
  }
}

const ok = [
  '5724-H72 (C) Copyright IBM Corp. 1994, 2024.',
  'Starting MQSC for queue manager QM1.',
  '',
  '',
  "     1 : ALTER QMGR SSLKEYR('/k.p12') CERTLABL('qm1cert')",
  'AMQ8005I: IBM MQ queue manager changed.',
  'One MQSC command read.',
  'No commands have a syntax error.',
  'All valid MQSC commands were processed.',
].join('\n');

describe('RunmqscMqscRunner', () => {
  it('passes MQSC on standard input and only the QM name as argument', async () => {
    const commands = new ScriptedRunner({
      exitCode: 0,
      stdout: ok,
      stderr: '',
    });
    const runner = new RunmqscMqscRunner({
      commands,
      runmqscPath: '/opt/mqm/bin/runmqsc',
    });
    const r = await runner.run('QM1', [
      "ALTER QMGR SSLKEYR('/k.p12') CERTLABL('qm1cert')",
    ]);
    expect(commands.calls[0].command).toBe('/opt/mqm/bin/runmqsc');
    expect(commands.calls[0].args).toEqual(['QM1']);
    expect(commands.calls[0].options?.stdin).toBe(
      "ALTER QMGR SSLKEYR('/k.p12') CERTLABL('qm1cert')\n",
    );
    expect(r).toHaveLength(1);
    expect(r[0].messageIds).toEqual(['AMQ8005I']);
  });

  it('refuses a QM name that is not an MQ name before running anything', async () => {
    const commands = new ScriptedRunner({
      exitCode: 0,
      stdout: ok,
      stderr: '',
    });
    const runner = new RunmqscMqscRunner({ commands });
    await expect(runner.run('QM1; rm -rf /', ['DISPLAY QMGR'])).rejects.toThrow(
      /queue manager name/,
    );
    expect(commands.calls).toHaveLength(0);
  });

  it('turns a failed command into a retryable MqscError for AMQ9710', async () => {
    const commands = new ScriptedRunner({
      exitCode: 10,
      stdout: [
        'Starting MQSC for queue manager QM1.',
        '     1 : REFRESH SECURITY TYPE(SSL)',
        'AMQ9710E: REFRESH SECURITY TYPE(SSL) did not complete within the time limit.',
        'One MQSC command read.',
        'No commands have a syntax error.',
        'One valid MQSC command could not be processed.',
      ].join('\n'),
      stderr: '',
    });
    const error = await new RunmqscMqscRunner({ commands })
      .run('QM1', ['REFRESH SECURITY TYPE(SSL)'])
      .catch(e => e);
    expect(MqscError.is(error)).toBe(true);
    expect(error).toMatchObject({
      messageId: 'AMQ9710E',
      retryable: true,
      transport: 'runmqsc',
    });
    expect(error.message).toMatch(
      /queue manager QM1: the command failed; command: REFRESH SECURITY TYPE\(SSL\); MQ said: AMQ9710E/,
    );
  });

  it('reports a queue manager that does not exist (exit 20) as not retryable', async () => {
    const commands = new ScriptedRunner({
      exitCode: 20,
      stdout:
        'Starting MQSC for queue manager QMX.\nAMQ8118E: IBM MQ queue manager does not exist.\n',
      stderr: '',
    });
    const error = await new RunmqscMqscRunner({
      commands,
      hostLabel: 'deploy target east',
    })
      .run('QMX', ['DISPLAY QMGR'])
      .catch(e => e);
    expect(error).toMatchObject({ messageId: 'AMQ8118E', retryable: false });
    expect(error.message).toMatch(
      /runmqsc on deploy target east ran no commands \(exit code 20\)/,
    );
    expect(error.message).toMatch(/no queue manager of that name exists/);
  });

  it('reports a missing runmqsc', async () => {
    const commands = new ScriptedRunner({
      exitCode: 127,
      stdout: '',
      stderr: 'sh: 1: /opt/mqm/bin/runmqsc: not found',
    });
    await expect(
      new RunmqscMqscRunner({ commands }).run('QM1', ['DISPLAY QMGR']),
    ).rejects.toThrow(
      /runmqsc was not found at \/opt\/mqm\/bin\/runmqsc; set runmqscPath/,
    );
  });

  it('never shows a KEYRPWD value', async () => {
    const commands = new ScriptedRunner({
      exitCode: 10,
      stdout: [
        "     1 : ALTER QMGR KEYRPWD('hunter2')",
        'AMQ8135E: Not authorized.',
        'One MQSC command read.',
        'No commands have a syntax error.',
        'One valid MQSC command could not be processed.',
      ].join('\n'),
      stderr: '',
    });
    const error = await new RunmqscMqscRunner({ commands })
      .run('QM1', ["ALTER QMGR KEYRPWD('hunter2')"])
      .catch(e => e);
    expect(error.message).not.toContain('hunter2');
    expect(JSON.stringify(error.responses)).not.toContain('hunter2');
    expect(error.message).toContain('KEYRPWD(***)');
  });
});
