import type { MqscCommandResponse, MqscRunner } from '../types';
import {
  buildCutoverCommands,
  buildRollbackCommands,
  cutOver,
  CutoverError,
  parseQmgrTlsSettings,
  rollBackCutover,
} from './cutover';
import { MqscError } from './MqscError';

/** A runner that records commands and answers from a script of handlers. */
class FakeRunner implements MqscRunner {
  readonly sent: string[][] = [];
  failures: Record<string, (() => MqscError)[]> = {};
  state = { sslkeyr: '/var/mqm/qmgrs/QM1/ssl/key-old.p12', certlabl: '' };

  async run(qm: string, commands: string[]): Promise<MqscCommandResponse[]> {
    this.sent.push(commands);
    return commands.map(command => {
      const verb = command.split(' ')[0];
      const failure = this.failures[verb]?.shift();
      if (failure) throw failure();
      if (verb === 'DISPLAY') {
        const text = [
          `AMQ8408I: Display Queue Manager details.   QMNAME(${qm})   CERTLABL(${
            this.state.certlabl || ' '
          })   SSLKEYR(${this.state.sslkeyr || ' '})`,
        ];
        return {
          command,
          completionCode: 0,
          reasonCode: 0,
          text,
          messageIds: ['AMQ8408I'],
        };
      }
      if (verb === 'ALTER') {
        const m =
          /SSLKEYR\('((?:[^']|'')*)'\) CERTLABL\('((?:[^']|'')*)'\)/.exec(
            command,
          )!;
        this.state = {
          sslkeyr: m[1].replace(/''/g, "'").trim(),
          certlabl: m[2].replace(/''/g, "'").trim(),
        };
        return {
          command,
          completionCode: 0,
          reasonCode: 0,
          text: ['AMQ8005I: IBM MQ queue manager changed.'],
          messageIds: ['AMQ8005I'],
        };
      }
      return {
        command,
        completionCode: 0,
        reasonCode: 0,
        text: ['AMQ8560I: IBM MQ security cache refreshed.'],
        messageIds: ['AMQ8560I'],
      };
    });
  }
}

const timeout = () =>
  new MqscError('the command failed', {
    queueManager: 'QM1',
    transport: 'rest',
    command: 'REFRESH SECURITY TYPE(SSL)',
    messageId: 'AMQ9710E',
    completionCode: 2,
    reasonCode: 3008,
  });
const notAuthorized = () =>
  new MqscError('the command failed', {
    queueManager: 'QM1',
    transport: 'rest',
    messageId: 'AMQ8135E',
    completionCode: 2,
    reasonCode: 2035,
  });

const target = {
  sslKeyRepository: "/var/mqm/qmgrs/QM1/ssl/key-20260101T000000Z-o'k.p12",
  certificateLabel: 'qm1cert',
};

describe('cut-over', () => {
  it('builds quoted commands and refuses unsafe values', () => {
    expect(buildCutoverCommands(target)).toEqual([
      "ALTER QMGR SSLKEYR('/var/mqm/qmgrs/QM1/ssl/key-20260101T000000Z-o''k.p12') CERTLABL('qm1cert')",
      'REFRESH SECURITY TYPE(SSL)',
    ]);
    expect(
      buildRollbackCommands({ sslKeyRepository: '', certificateLabel: '' })[0],
    ).toBe("ALTER QMGR SSLKEYR(' ') CERTLABL(' ')");
    expect(() =>
      buildCutoverCommands({
        sslKeyRepository: 'relative/key.p12',
        certificateLabel: 'x',
      }),
    ).toThrow(/SSLKEYR: 'relative\/key.p12' must be an absolute path/);
    expect(() =>
      buildCutoverCommands({
        ...target,
        certificateLabel: "x') SSLKEYR('/evil",
      }),
    ).toThrow(/CERTLABL/);
    expect(() =>
      buildCutoverCommands({ ...target, sslKeyRepository: '/a\nREFRESH' }),
    ).toThrow(/control characters/);
  });

  it('reads blanks in DISPLAY QMGR as empty values', () => {
    expect(
      parseQmgrTlsSettings([
        'AMQ8408I: Display Queue Manager details.',
        '   QMNAME(QM1)  CERTLABL( )',
        '   SSLKEYR( )',
      ]),
    ).toEqual({ sslKeyRepository: '', certificateLabel: '' });
  });

  it('records, alters, refreshes in separate runs and can roll back', async () => {
    const runner = new FakeRunner();
    const result = await cutOver(runner, 'QM1', target);
    expect(runner.sent.map(c => c[0].split('(')[0])).toEqual([
      'DISPLAY QMGR SSLKEYR CERTLABL',
      'ALTER QMGR SSLKEYR',
      'REFRESH SECURITY TYPE',
    ]);
    expect(result.previous).toEqual({
      sslKeyRepository: '/var/mqm/qmgrs/QM1/ssl/key-old.p12',
      certificateLabel: '',
    });
    expect(runner.state).toEqual({
      sslkeyr: target.sslKeyRepository,
      certlabl: 'qm1cert',
    });
    await rollBackCutover(runner, 'QM1', result.previous);
    expect(runner.state).toEqual({
      sslkeyr: '/var/mqm/qmgrs/QM1/ssl/key-old.p12',
      certlabl: '',
    });
    expect(runner.sent).toHaveLength(5);
  });

  it('does not refresh after a failed ALTER and says nothing changed', async () => {
    const runner = new FakeRunner();
    runner.failures.ALTER = [notAuthorized];
    const error = await cutOver(runner, 'QM1', target).catch(e => e);
    expect(error).toBeInstanceOf(CutoverError);
    expect(error).toMatchObject({
      stage: 'alter',
      altered: false,
      retryable: false,
    });
    expect(error.message).toMatch(/SSLKEYR and CERTLABL are unchanged/);
    expect(runner.sent.flat().some(c => c.startsWith('REFRESH'))).toBe(false);
  });

  it('marks a timed-out refresh (AMQ9710) retryable and retries when asked', async () => {
    const runner = new FakeRunner();
    runner.failures.REFRESH = [timeout];
    const error = await cutOver(runner, 'QM1', target).catch(e => e);
    expect(error).toMatchObject({
      stage: 'refresh',
      altered: true,
      retryable: true,
    });
    expect(error.previous.sslKeyRepository).toBe(
      '/var/mqm/qmgrs/QM1/ssl/key-old.p12',
    );

    const runner2 = new FakeRunner();
    runner2.failures.REFRESH = [timeout];
    const sleeps: number[] = [];
    const ok = await cutOver(runner2, 'QM1', target, {
      refreshAttempts: 2,
      retryDelayMs: 5,
      sleep: async ms => {
        sleeps.push(ms);
      },
    });
    expect(ok.refreshAttempts).toBe(2);
    expect(sleeps).toEqual([5]);
  });

  it('does not retry other refresh failures', async () => {
    const runner = new FakeRunner();
    runner.failures.REFRESH = [notAuthorized];
    const error = await cutOver(runner, 'QM1', target, {
      refreshAttempts: 3,
      sleep: async () => {},
    }).catch(e => e);
    expect(error).toMatchObject({ stage: 'refresh', retryable: false });
    expect(error.message).toMatch(
      /roll back to SSLKEYR '\/var\/mqm\/qmgrs\/QM1\/ssl\/key-old.p12'/,
    );
    expect(runner.sent.filter(c => c[0].startsWith('REFRESH'))).toHaveLength(1);
  });

  it('refuses before any command when the preflight fails', async () => {
    const runner = new FakeRunner();
    const error = await cutOver(runner, 'QM1', target, {
      preflight: {
        inspection: { format: 'p12', entries: [] },
        labels: ['qm1cert'],
      },
    }).catch(e => e);
    expect(error).toMatchObject({ stage: 'preflight', altered: false });
    expect(error.message).toMatch(/label 'qm1cert' is missing/);
    expect(runner.sent).toHaveLength(0);
  });
});
