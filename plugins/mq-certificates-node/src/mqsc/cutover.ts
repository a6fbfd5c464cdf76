/*
 * The cut-over of a queue manager to a staged key repository, and its
 * rollback (shared/DESIGN.md steps 4–5; shared/reference/ibm-mq.md §1):
 *   DISPLAY QMGR SSLKEYR CERTLABL            record what is live
 *   ALTER QMGR SSLKEYR('<new>') CERTLABL('<label>')
 *   REFRESH SECURITY TYPE(SSL)               running TLS channels restart on it
 * Rollback is the same with the recorded values. ALTER and REFRESH are sent
 * in separate runs so a failed ALTER is never followed by a REFRESH.
 */
import { CustomErrorBase, InputError } from '@backstage/errors';
import {
  quoteMqscString,
  validateCertificateLabel,
  validateQueueManagerName,
} from '@mqcert/plugin-mq-certificates-common';
import type {
  MqscCommandResponse,
  MqscRunner,
  QmgrTlsSettings,
} from '../types';
import { MqscError } from './MqscError';
import { parseDisplayObjects } from './mqscText';
import {
  assertCutoverPreflight,
  type CutoverPreflightInput,
} from './preflight';

/** `DISPLAY QMGR SSLKEYR CERTLABL`. */
export const DISPLAY_QMGR_TLS_COMMAND = 'DISPLAY QMGR SSLKEYR CERTLABL';
/** `REFRESH SECURITY TYPE(SSL)`. */
export const REFRESH_SSL_COMMAND = 'REFRESH SECURITY TYPE(SSL)';

/**
 * Checks an SSLKEYR value: an absolute path (Unix or Windows) of at most 256
 * characters without control characters. Blank is allowed only when
 * `allowBlank` (restoring a queue manager that had no key repository).
 */
export function validateSslKeyRepository(
  value: unknown,
  field = 'SSLKEYR',
  allowBlank = false,
): string {
  if (typeof value !== 'string') {
    throw new InputError(`${field}: expected the key repository path as text`);
  }
  if (value.trim() === '' && allowBlank) return '';
  if (!/^(\/|[A-Za-z]:[\\/])/.test(value)) {
    throw new InputError(
      `${field}: '${value}' must be an absolute path on the MQ host, e.g. /var/mqm/qmgrs/QM1/ssl/key-20260101T000000Z.p12`,
    );
  }
  if (value.length > 256) {
    throw new InputError(
      `${field}: the path has ${value.length} characters; MQ allows at most 256`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InputError(`${field}: the path contains control characters`);
  }
  return value;
}

/** The `ALTER QMGR` command that points a queue manager at a key repository. */
export function buildAlterQmgrTlsCommand(
  settings: QmgrTlsSettings,
  options: { allowBlank?: boolean } = {},
): string {
  const allowBlank = options.allowBlank ?? false;
  const sslkeyr = validateSslKeyRepository(
    settings.sslKeyRepository,
    'SSLKEYR',
    allowBlank,
  );
  const label =
    allowBlank && settings.certificateLabel.trim() === ''
      ? ''
      : validateCertificateLabel(settings.certificateLabel, 'CERTLABL');
  // A blank value is written as ' ' in MQSC.
  return `ALTER QMGR SSLKEYR(${quoteMqscString(
    sslkeyr || ' ',
    'SSLKEYR',
  )}) CERTLABL(${quoteMqscString(label || ' ', 'CERTLABL')})`;
}

/** The cut-over commands, in order (also for an `at` job script). */
export function buildCutoverCommands(target: QmgrTlsSettings): string[] {
  return [buildAlterQmgrTlsCommand(target), REFRESH_SSL_COMMAND];
}

/** The rollback commands: the recorded values (blank allowed), then a refresh. */
export function buildRollbackCommands(previous: QmgrTlsSettings): string[] {
  return [
    buildAlterQmgrTlsCommand(previous, { allowBlank: true }),
    REFRESH_SSL_COMMAND,
  ];
}

/** Reads SSLKEYR and CERTLABL from a `DISPLAY QMGR SSLKEYR CERTLABL` answer. */
export function parseQmgrTlsSettings(
  text: string[],
): QmgrTlsSettings | undefined {
  const qmgr = parseDisplayObjects(text).find(
    a => 'SSLKEYR' in a && 'CERTLABL' in a,
  );
  if (!qmgr) return undefined;
  return {
    sslKeyRepository: qmgr.SSLKEYR,
    certificateLabel: qmgr.CERTLABL,
  };
}

/** Records the queue manager's current SSLKEYR and CERTLABL. */
export async function readQmgrTlsSettings(
  runner: MqscRunner,
  queueManager: string,
): Promise<QmgrTlsSettings> {
  const [response] = await runner.run(queueManager, [DISPLAY_QMGR_TLS_COMMAND]);
  const settings = response ? parseQmgrTlsSettings(response.text) : undefined;
  if (!settings) {
    throw new MqscError('DISPLAY QMGR returned no SSLKEYR/CERTLABL', {
      queueManager,
      command: DISPLAY_QMGR_TLS_COMMAND,
      mqMessage: response?.text.join(' ').slice(0, 300),
      hint: 'the answer did not have the documented form; check that the runner reaches a queue manager (not another service)',
      responses: response ? [response] : [],
    });
  }
  return settings;
}

/** Options of {@link refreshSslSecurity}, {@link cutOver} and {@link rollBackCutover}. */
export interface RefreshOptions {
  /** Attempts at the REFRESH when it times out (AMQ9710). Default 1: the caller decides about retries. */
  refreshAttempts?: number;
  /** Pause between attempts. Default 60 s. */
  retryDelayMs?: number;
  /** Replaceable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * `REFRESH SECURITY TYPE(SSL)`, retried on AMQ9710 up to `refreshAttempts`
 * times. Returns the successful response and the attempts it took.
 */
export async function refreshSslSecurity(
  runner: MqscRunner,
  queueManager: string,
  options: RefreshOptions = {},
): Promise<{ response: MqscCommandResponse; attempts: number }> {
  const attempts = Math.max(1, options.refreshAttempts ?? 1);
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      const [response] = await runner.run(queueManager, [REFRESH_SSL_COMMAND]);
      return { response, attempts: attempt };
    } catch (e) {
      if (!MqscError.is(e) || !e.retryable || attempt >= attempts) throw e;
      await sleep(options.retryDelayMs ?? 60_000);
    }
  }
}

/** What a cut-over did. */
export interface CutoverResult {
  queueManager: string;
  /** The values before the cut-over: what a rollback restores. */
  previous: QmgrTlsSettings;
  applied: QmgrTlsSettings;
  responses: MqscCommandResponse[];
  refreshAttempts: number;
}

/** Which step of a cut-over or rollback failed. */
export type CutoverStage = 'read' | 'preflight' | 'alter' | 'refresh';

/**
 * A cut-over (or rollback) step failed. `altered` says whether the queue
 * manager's SSLKEYR/CERTLABL were already changed (then `previous` is what a
 * rollback must restore); `retryable` is true only for a REFRESH that timed
 * out (AMQ9710), which can be run again on its own.
 */
export class CutoverError extends CustomErrorBase {
  name = 'CutoverError' as const;
  constructor(
    message: string,
    readonly queueManager: string,
    readonly stage: CutoverStage,
    readonly altered: boolean,
    readonly retryable: boolean,
    readonly previous: QmgrTlsSettings | undefined,
    cause: unknown,
  ) {
    super(message, cause);
  }
}

/** Options of {@link cutOver}. */
export interface CutoverOptions extends RefreshOptions {
  /** Values recorded earlier (e.g. at staging); read with DISPLAY QMGR when omitted. */
  previous?: QmgrTlsSettings;
  /** When given, the staged repository is checked before anything changes. */
  preflight?: CutoverPreflightInput;
}

/**
 * Cuts a queue manager over to a staged key repository: (preflight), record
 * the live SSLKEYR/CERTLABL, ALTER QMGR, REFRESH SECURITY TYPE(SSL). Throws a
 * {@link CutoverError} saying which step failed and whether anything changed.
 */
export async function cutOver(
  runner: MqscRunner,
  queueManager: string,
  target: QmgrTlsSettings,
  options: CutoverOptions = {},
): Promise<CutoverResult> {
  validateQueueManagerName(queueManager);
  const alter = buildAlterQmgrTlsCommand(target);
  if (options.preflight) {
    try {
      assertCutoverPreflight(options.preflight);
    } catch (e) {
      throw new CutoverError(
        `cut-over of ${queueManager} refused before any change`,
        queueManager,
        'preflight',
        false,
        false,
        options.previous,
        e,
      );
    }
  }
  let previous = options.previous;
  if (!previous) {
    try {
      previous = await readQmgrTlsSettings(runner, queueManager);
    } catch (e) {
      throw stepError(queueManager, 'read', undefined, e);
    }
  }
  return alterAndRefresh(runner, queueManager, alter, target, previous, {
    ...options,
    what: 'cut-over',
  });
}

/** Restores recorded SSLKEYR/CERTLABL values and refreshes. */
export async function rollBackCutover(
  runner: MqscRunner,
  queueManager: string,
  previous: QmgrTlsSettings,
  options: RefreshOptions = {},
): Promise<CutoverResult> {
  validateQueueManagerName(queueManager);
  const [alter] = buildRollbackCommands(previous);
  return alterAndRefresh(runner, queueManager, alter, previous, previous, {
    ...options,
    what: 'rollback',
  });
}

/** ALTER QMGR, then the refresh; errors say which step failed. */
async function alterAndRefresh(
  runner: MqscRunner,
  queueManager: string,
  alter: string,
  applied: QmgrTlsSettings,
  previous: QmgrTlsSettings,
  options: RefreshOptions & { what: 'cut-over' | 'rollback' },
): Promise<CutoverResult> {
  const responses: MqscCommandResponse[] = [];
  try {
    responses.push(...(await runner.run(queueManager, [alter])));
  } catch (e) {
    throw stepError(queueManager, 'alter', previous, e, options.what);
  }
  try {
    const { response, attempts } = await refreshSslSecurity(
      runner,
      queueManager,
      options,
    );
    responses.push(response);
    return {
      queueManager,
      previous,
      applied: { ...applied },
      responses,
      refreshAttempts: attempts,
    };
  } catch (e) {
    throw stepError(queueManager, 'refresh', previous, e, options.what);
  }
}

/** What failed, in words, for each stage. */
function describeStep(
  stage: CutoverStage,
  retryable: boolean,
  previous: QmgrTlsSettings | undefined,
  what: 'cut-over' | 'rollback',
): string {
  if (stage === 'read') {
    return 'reading the current SSLKEYR/CERTLABL failed; nothing was changed';
  }
  if (stage === 'alter') {
    return 'ALTER QMGR failed; SSLKEYR and CERTLABL are unchanged';
  }
  if (retryable) {
    return 'REFRESH SECURITY TYPE(SSL) timed out after ALTER QMGR succeeded; run the refresh again later, or roll back';
  }
  const next =
    what === 'cut-over'
      ? `roll back to SSLKEYR '${previous?.sslKeyRepository ?? ''}' CERTLABL '${
          previous?.certificateLabel ?? ''
        }'`
      : 'the queue manager now has the restored values but running channels may still use the old repository; fix the cause and refresh again';
  return `REFRESH SECURITY TYPE(SSL) failed after ALTER QMGR succeeded; ${next}`;
}

function stepError(
  queueManager: string,
  stage: CutoverStage,
  previous: QmgrTlsSettings | undefined,
  cause: unknown,
  what: 'cut-over' | 'rollback' = 'cut-over',
): CutoverError {
  const retryable =
    stage === 'refresh' && MqscError.is(cause) && cause.retryable;
  const step = describeStep(stage, retryable, previous, what);
  return new CutoverError(
    `${what} of ${queueManager}: ${step}`,
    queueManager,
    stage,
    stage === 'refresh',
    retryable,
    previous,
    cause,
  );
}
