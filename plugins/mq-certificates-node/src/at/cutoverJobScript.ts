import { InputError } from '@backstage/errors';
import {
  quoteMqscString,
  validateCertificateLabel,
  validateQueueManagerName,
} from '@mqcert/plugin-mq-certificates-common';
import { quotePosixShellArg } from '../ssh/shellQuote';

/** What a host-mode cut-over job needs. @public */
export interface CutoverJobScriptRequest {
  queueManager: string;
  /** The new SSLKEYR value, absolute on the MQ host (a .p12 path or a KDB stem). */
  sslKeyRepository: string;
  certificateLabel: string;
  /** Default /opt/mqm/bin/runmqsc. */
  runmqscPath?: string;
}

/** SSLKEYR is an MQCHAR256; we also keep to characters no quoting can trip on. */
const KEY_REPOSITORY_PATH = /^\/(?:[A-Za-z0-9._@+-]+\/)*[A-Za-z0-9._@+-]+$/;
const PROGRAM_PATH = /^\/(?:[A-Za-z0-9._+-]+\/)*[A-Za-z0-9._+-]+$/;
const MQSC_END = 'MQCERT_MQSC_END';

/**
 * The shell script an `at` job runs for a host-mode cut-over: `runmqsc <QM>`
 * with the MQSC on its standard input through a quoted here-document (the
 * shell expands nothing in it):
 *
 *     ALTER QMGR SSLKEYR('<new>') CERTLABL('<label>')
 *     REFRESH SECURITY TYPE(SSL)
 *
 * Every value is validated first (MQ naming rules, label rules, an absolute
 * path) and then quoted for its language: POSIX shell for the command line,
 * MQSC strings for the MQSC. The script exits with runmqsc's exit code
 * (0 ok, 10 a command failed, 20 runmqsc error).
 *
 * @public
 */
export function renderCutoverJobScript(
  request: CutoverJobScriptRequest,
): string {
  const qm = validateQueueManagerName(request.queueManager, 'queueManager');
  const label = validateCertificateLabel(
    request.certificateLabel,
    'certificateLabel',
  );
  const keyRepository = request.sslKeyRepository;
  if (
    typeof keyRepository !== 'string' ||
    keyRepository.length > 256 ||
    !KEY_REPOSITORY_PATH.test(keyRepository) ||
    keyRepository.split('/').some(s => s === '.' || s === '..')
  ) {
    throw new InputError(
      `sslKeyRepository: '${String(
        keyRepository,
      )}' must be an absolute path on the MQ host (at most 256 characters of letters, digits and . _ @ + -), e.g. /var/mqm/qmgrs/QM1/ssl/key-20261203T195200Z-cc3f3ee2.p12`,
    );
  }
  const runmqsc = request.runmqscPath ?? '/opt/mqm/bin/runmqsc';
  if (!PROGRAM_PATH.test(runmqsc)) {
    throw new InputError(
      `runmqscPath: '${runmqsc}' must be the absolute path of runmqsc, e.g. /opt/mqm/bin/runmqsc`,
    );
  }
  const mqsc = [
    `ALTER QMGR SSLKEYR(${quoteMqscString(
      keyRepository,
      'sslKeyRepository',
    )}) CERTLABL(${quoteMqscString(label, 'certificateLabel')})`,
    'REFRESH SECURITY TYPE(SSL)',
  ];
  const say = (text: string) => `printf '%s\\n' ${quotePosixShellArg(text)}`;
  return [
    '#!/bin/sh',
    `# mqcert host-mode cut-over of queue manager ${qm}`,
    say(
      `mqcert: cut-over of ${qm} to SSLKEYR(${keyRepository}) CERTLABL(${label})`,
    ),
    `${quotePosixShellArg(runmqsc)} ${quotePosixShellArg(qm)} <<'${MQSC_END}'`,
    ...mqsc,
    MQSC_END,
    'rc=$?',
    `printf '%s\\n' "mqcert: runmqsc exit code $rc"`,
    'exit $rc',
    '',
  ].join('\n');
}
