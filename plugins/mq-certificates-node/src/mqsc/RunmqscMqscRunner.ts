import { InputError } from '@backstage/errors';
import type { CommandRunner, MqscCommandResponse, MqscRunner } from '../types';
import { MqscError } from './MqscError';
import { messageIdFails } from './messages';
import { redactMqscCommand, validateMqscRun } from './mqscText';
import { parseRunmqscOutput } from './runmqscOutput';

/** Options of {@link RunmqscMqscRunner}. */
export interface RunmqscMqscRunnerOptions {
  /** Where runmqsc runs: an SSH runner for an MQ host, or the local runner. */
  commands: CommandRunner;
  /** Path of runmqsc on that host. Default `/opt/mqm/bin/runmqsc` (a non-login SSH shell rarely has it on PATH). */
  runmqscPath?: string;
  /** REFRESH SECURITY may take up to 10 minutes. Default 11 minutes. */
  timeoutMs?: number;
  /** Describes the host in error messages, e.g. `deploy target mq-hosts-east`. */
  hostLabel?: string;
}

const DEFAULT_TIMEOUT_MS = 11 * 60_000;

/** Exit codes of runmqsc. */
const EXIT_OK = 0;
const EXIT_SOME_FAILED = 10;

/**
 * Runs MQSC with `runmqsc <QM>` on the MQ host. The commands go to standard
 * input, never into the command line, and the output is read back per
 * command (AMQ message ids) and by its closing summary.
 *
 * Unlike the REST runner, runmqsc carries on after a failed command; callers
 * that must not run a command after a failure (ALTER then REFRESH) send them
 * in separate runs, as the cut-over helpers do.
 */
export class RunmqscMqscRunner implements MqscRunner {
  private readonly runmqscPath: string;

  constructor(private readonly options: RunmqscMqscRunnerOptions) {
    this.runmqscPath = options.runmqscPath ?? '/opt/mqm/bin/runmqsc';
    if (!/^[A-Za-z0-9_./-]+$/.test(this.runmqscPath)) {
      throw new InputError(
        `runmqscPath: '${this.runmqscPath}' may only contain letters, digits, '.', '_', '-' and '/'`,
      );
    }
  }

  async run(
    queueManager: string,
    commands: string[],
  ): Promise<MqscCommandResponse[]> {
    const checked = validateMqscRun(queueManager, commands);
    const where = this.options.hostLabel ? ` on ${this.options.hostLabel}` : '';
    const base = { queueManager, transport: 'runmqsc' as const };
    let result;
    try {
      result = await this.options.commands.run(
        this.runmqscPath,
        [queueManager],
        {
          stdin: `${checked.join('\n')}\n`,
          timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        },
      );
    } catch (e) {
      throw new MqscError(
        `could not run ${this.runmqscPath}${where}`,
        {
          ...base,
          hint: 'check the SSH connection and runmqscPath (MQ installs it as /opt/mqm/bin/runmqsc); the user must be in the mqm group',
        },
        e,
      );
    }
    const parsed = parseRunmqscOutput(result.stdout);
    // runmqsc echoes the commands it read; we show them redacted.
    const responses = parsed.commands.map(r => ({
      ...r,
      command: redactMqscCommand(r.command),
    }));
    const stderr = result.stderr.trim().split('\n').slice(0, 5).join(' ');

    if (parsed.preambleFailureIds.length > 0 || responses.length === 0) {
      const line =
        parsed.preamble.find(l =>
          parsed.preambleFailureIds.some(id => l.includes(id)),
        ) ??
        (stderr || parsed.preamble[parsed.preamble.length - 1]);
      const notFound =
        result.exitCode === 127 || /not found|No such file/i.test(stderr);
      throw new MqscError(
        `runmqsc${where} ran no commands (exit code ${result.exitCode})`,
        {
          ...base,
          messageId: parsed.preambleFailureIds[0],
          mqMessage: line?.trim() || undefined,
          hint: notFound
            ? `runmqsc was not found at ${this.runmqscPath}; set runmqscPath to where MQ is installed`
            : undefined,
          responses,
        },
      );
    }

    const failed = responses.find(r => r.completionCode >= 2);
    const summaryFailed =
      (parsed.summary.failedCommands ?? 0) > 0 ||
      (parsed.summary.syntaxErrors ?? 0) > 0;
    if (
      failed ||
      summaryFailed ||
      (result.exitCode !== EXIT_OK && result.exitCode !== EXIT_SOME_FAILED) ||
      (result.exitCode === EXIT_SOME_FAILED && !failed)
    ) {
      const culprit = failed ?? responses[responses.length - 1];
      const messageId =
        culprit.messageIds.find(messageIdFails) ?? culprit.messageIds[0];
      const mqMessage =
        culprit.text.find(l => messageId && l.includes(messageId))?.trim() ??
        culprit.text[0]?.trim();
      throw new MqscError(
        failed
          ? `the command failed${where}`
          : `runmqsc${where} reported a failure (exit code ${result.exitCode}${
              parsed.summary.failedCommands
                ? `, ${parsed.summary.failedCommands} command(s) not processed`
                : ''
            })`,
        {
          ...base,
          command: culprit.command,
          messageId: failed ? messageId : undefined,
          mqMessage: failed ? mqMessage : stderr || mqMessage,
          completionCode: failed ? 2 : undefined,
          responses: failed
            ? responses.slice(0, responses.indexOf(failed) + 1)
            : responses,
        },
      );
    }
    return responses;
  }
}
