import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { MQ_CERT_ANNOTATIONS } from './annotations';
import {
  defaultCertificateLabel,
  mqChannelSniHostname,
  validateCertificateLabel,
  validateChannelName,
  validateQueueManagerName,
} from './naming';
import { MaintenanceWindow, parseMaintenanceWindow } from './maintenanceWindow';

/** Key repository formats. @public */
export type KeyRepositoryFormat = 'p12' | 'kdb';

/**
 * The PKCS#12 protection profiles the key repository builder knows (the
 * node library documents who reads each). @public
 */
export const PKCS12_PROFILE_NAMES = ['aes256', 'compat-3des'] as const;

/** One of {@link PKCS12_PROFILE_NAMES}. @public */
export type Pkcs12ProfileName = (typeof PKCS12_PROFILE_NAMES)[number];

/** A TLS channel of a queue manager. @public */
export interface QueueManagerTlsChannel {
  name: string;
  /** The channel's own CERTLABL, when it has one. */
  certificateLabel?: string;
  /** The SNI host name MQ clients send for this channel. */
  sniHostname: string;
}

/** The typed view of a managed queue manager entity. @public */
export interface QueueManagerSpec {
  entityRef: string;
  queueManager: string;
  listener?: { host: string; port: number };
  tlsChannels: QueueManagerTlsChannel[];
  /** CN first, then SANs. Empty when neither the annotation nor a DNS listener host gives one. */
  certificateNames: string[];
  /** The queue manager's CERTLABL (annotation or MQ default). */
  certificateLabel: string;
  certificateLabelIsDefault: boolean;
  /**
   * Every label the key repository must hold a personal certificate for: the
   * queue manager's label first, then channel labels that differ from it.
   */
  certificateLabels: string[];
  vaultPkiRole?: { mount: string; role: string };
  deployTarget?: string;
  /** Path stem of the live key repository, relative to the target root, no extension. */
  keyRepository?: string;
  keyRepositoryFormat: KeyRepositoryFormat;
  /** The entity's PKCS#12 profile (`mqcert.io/pkcs12-profile`); unset means the builder's default. */
  pkcs12Profile?: Pkcs12ProfileName;
  mqAdmin?: string;
  maintenanceWindow?: MaintenanceWindow;
  refreshApproval: 'required' | 'none';
  keyGeneration: 'vault' | 'host';
}

/**
 * Whether the entity is a managed queue manager (has the
 * `mqcert.io/queue-manager` annotation).
 *
 * @public
 */
export function isMqQueueManagerEntity(entity: Entity | undefined): boolean {
  return Boolean(
    entity?.metadata?.annotations?.[MQ_CERT_ANNOTATIONS.queueManager]?.trim(),
  );
}

const DNS_NAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

function fail(annotation: string, problem: string, example: string): never {
  throw new InputError(
    `annotation ${annotation}: ${problem}; for example ${annotation}: ${example}`,
  );
}

/** Parses `host:port`, `[v6]:port` or a bare host (port 1414, MQ's default). @public */
export function parseListener(
  value: string,
  annotation: string = MQ_CERT_ANNOTATIONS.listener,
): { host: string; port: number } {
  const v = value.trim();
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(v);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else {
    const parts = v.split(':');
    if (parts.length > 2) {
      fail(
        annotation,
        `'${value}' is ambiguous; put IPv6 addresses in brackets`,
        '"[::1]:1414"',
      );
    }
    host = parts[0];
    portText = parts[1];
    if (!DNS_NAME.test(host) && !IPV4.test(host)) {
      fail(
        annotation,
        `'${host}' is not a host name or IP address`,
        '"qm1.mq.example.test:1414"',
      );
    }
  }
  const port = portText === undefined ? 1414 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(
      annotation,
      `port '${portText}' is not between 1 and 65535`,
      '"qm1.mq.example.test:1414"',
    );
  }
  return { host: host.toLowerCase(), port };
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/** Validates a key repository path stem relative to a target root. @public */
export function validateKeyRepositoryStem(
  value: string,
  annotation: string = MQ_CERT_ANNOTATIONS.keyRepository,
): string {
  const stem = value.trim().replace(/\.(p12|pfx|pkcs12|kdb)$/i, '');
  if (!stem || stem.startsWith('/') || /^[A-Za-z]:/.test(stem)) {
    fail(
      annotation,
      `'${value}' must be a path relative to the deploy target's root`,
      '"qm1/ssl/key"',
    );
  }
  if (!/^[A-Za-z0-9._/-]+$/.test(stem)) {
    fail(
      annotation,
      `'${value}' may only contain letters, digits, '.', '_', '-' and '/'`,
      '"qm1/ssl/key"',
    );
  }
  if (stem.split('/').some(seg => seg === '..' || seg === '.' || seg === '')) {
    fail(
      annotation,
      `'${value}' must not contain '..', '.' or empty path segments`,
      '"qm1/ssl/key"',
    );
  }
  return stem;
}

/**
 * Reads a queue manager entity's `mqcert.io/` annotations into a typed spec
 * with defaults. Invalid values throw an InputError that names the annotation
 * and shows a valid value. Annotations without a default stay undefined; use
 * {@link requireSpecField} where an operation needs them.
 *
 * Defaults: listener port 1414; certificate label `ibmwebspheremq<qm>`;
 * format `p12`; approval `none`; key generation `vault`; certificate names
 * the listener host when it is a DNS name.
 *
 * @public
 */
export function parseQueueManagerEntity(entity: Entity): QueueManagerSpec {
  const a = entity.metadata.annotations ?? {};
  const A = MQ_CERT_ANNOTATIONS;
  const qmRaw = a[A.queueManager]?.trim();
  if (!qmRaw) {
    fail(
      A.queueManager,
      'missing: this entity is not a managed queue manager',
      'QM1',
    );
  }
  let queueManager: string;
  try {
    queueManager = validateQueueManagerName(qmRaw);
  } catch (e) {
    fail(A.queueManager, (e as Error).message, 'QM1');
  }

  const listener = a[A.listener]?.trim()
    ? parseListener(a[A.listener])
    : undefined;

  let certificateLabel = defaultCertificateLabel(queueManager);
  let certificateLabelIsDefault = true;
  if (a[A.certificateLabel]?.trim()) {
    try {
      certificateLabel = validateCertificateLabel(a[A.certificateLabel].trim());
      certificateLabelIsDefault = false;
    } catch (e) {
      fail(A.certificateLabel, (e as Error).message, certificateLabel);
    }
  }

  const tlsChannels: QueueManagerTlsChannel[] = splitList(a[A.tlsChannels]).map(
    item => {
      const [name, label, ...rest] = item.split('=').map(s => s.trim());
      try {
        if (rest.length)
          throw new InputError(`'${item}' has more than one '='`);
        validateChannelName(name, `channel '${name}'`);
        return {
          name,
          certificateLabel: label
            ? validateCertificateLabel(label, `label of channel ${name}`)
            : undefined,
          sniHostname: mqChannelSniHostname(name),
        };
      } catch (e) {
        return fail(
          A.tlsChannels,
          (e as Error).message,
          '"DEV.APP.SVRCONN, TO.QM2=qm2chl"',
        );
      }
    },
  );
  const seen = new Set<string>();
  for (const ch of tlsChannels) {
    if (seen.has(ch.name))
      fail(
        A.tlsChannels,
        `channel ${ch.name} is listed twice`,
        '"DEV.APP.SVRCONN"',
      );
    seen.add(ch.name);
  }

  let certificateNames = splitList(a[A.certificateNames]).map(n =>
    n.toLowerCase(),
  );
  for (const n of certificateNames) {
    if (!DNS_NAME.test(n)) {
      fail(
        A.certificateNames,
        `'${n}' is not a DNS name`,
        '"qm1.mq.example.test, qm1-alt.mq.example.test"',
      );
    }
  }
  if (
    certificateNames.length === 0 &&
    listener &&
    DNS_NAME.test(listener.host) &&
    !IPV4.test(listener.host)
  ) {
    certificateNames = [listener.host];
  }

  let vaultPkiRole: QueueManagerSpec['vaultPkiRole'];
  if (a[A.vaultPkiRole]?.trim()) {
    const m =
      /^([A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*)\/([A-Za-z0-9_.-]+)$/.exec(
        a[A.vaultPkiRole].trim(),
      );
    if (!m || m[1].split('/').includes('roles')) {
      fail(
        A.vaultPkiRole,
        `'${a[A.vaultPkiRole]}' is not '<mount>/<role>'`,
        'pki_int/mq-queue-managers',
      );
    }
    vaultPkiRole = { mount: m[1], role: m[2] };
  }

  const format = (a[A.keyRepositoryFormat]?.trim().toLowerCase() ||
    'p12') as string;
  if (format !== 'p12' && format !== 'kdb') {
    fail(A.keyRepositoryFormat, `'${format}' is not p12 or kdb`, 'p12');
  }

  const profile = a[A.pkcs12Profile]?.trim().toLowerCase() || undefined;
  if (
    profile !== undefined &&
    !(PKCS12_PROFILE_NAMES as readonly string[]).includes(profile)
  ) {
    fail(
      A.pkcs12Profile,
      `'${profile}' is not ${PKCS12_PROFILE_NAMES.join(' or ')}`,
      'compat-3des',
    );
  }

  const approval = (a[A.refreshApproval]?.trim().toLowerCase() ||
    'none') as string;
  if (approval !== 'required' && approval !== 'none') {
    fail(
      A.refreshApproval,
      `'${approval}' is not required or none`,
      'required',
    );
  }

  const keyGeneration = (a[A.keyGeneration]?.trim().toLowerCase() ||
    'vault') as string;
  if (keyGeneration !== 'vault' && keyGeneration !== 'host') {
    fail(A.keyGeneration, `'${keyGeneration}' is not vault or host`, 'vault');
  }

  let maintenanceWindow: MaintenanceWindow | undefined;
  if (a[A.maintenanceWindow]?.trim()) {
    try {
      maintenanceWindow = parseMaintenanceWindow(a[A.maintenanceWindow]);
    } catch (e) {
      fail(
        A.maintenanceWindow,
        (e as Error).message,
        '"Sun 02:00-04:00 Europe/London"',
      );
    }
  }

  const simpleName = (key: string, example: string) => {
    const v = a[key]?.trim();
    if (!v) return undefined;
    // The same rule as the node library's deploy targets and MQSC
    // connections: a '.' would split the app-config key the name is read
    // under (mqCertificates.deployTargets.<name>).
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(v)) {
      fail(
        key,
        `'${v}' is not a configuration name (letters, digits, '_', '-')`,
        example,
      );
    }
    return v;
  };

  const certificateLabels = [certificateLabel];
  for (const ch of tlsChannels) {
    if (
      ch.certificateLabel &&
      !certificateLabels.includes(ch.certificateLabel)
    ) {
      certificateLabels.push(ch.certificateLabel);
    }
  }

  return {
    entityRef: stringifyEntityRef(entity),
    queueManager,
    listener,
    tlsChannels,
    certificateNames,
    certificateLabel,
    certificateLabelIsDefault,
    certificateLabels,
    vaultPkiRole,
    deployTarget: simpleName(A.deployTarget, 'mq-hosts-east'),
    keyRepository: a[A.keyRepository]?.trim()
      ? validateKeyRepositoryStem(a[A.keyRepository])
      : undefined,
    keyRepositoryFormat: format as KeyRepositoryFormat,
    pkcs12Profile: profile as Pkcs12ProfileName | undefined,
    mqAdmin: simpleName(A.mqAdmin, 'qm1-rest'),
    maintenanceWindow,
    refreshApproval: approval as 'required' | 'none',
    keyGeneration: keyGeneration as 'vault' | 'host',
  };
}

const SPEC_FIELD_ANNOTATIONS = {
  listener: [MQ_CERT_ANNOTATIONS.listener, '"qm1.mq.example.test:1414"'],
  vaultPkiRole: [MQ_CERT_ANNOTATIONS.vaultPkiRole, 'pki_int/mq-queue-managers'],
  deployTarget: [MQ_CERT_ANNOTATIONS.deployTarget, 'mq-hosts-east'],
  keyRepository: [MQ_CERT_ANNOTATIONS.keyRepository, '"qm1/ssl/key"'],
  mqAdmin: [MQ_CERT_ANNOTATIONS.mqAdmin, 'qm1-rest'],
  maintenanceWindow: [
    MQ_CERT_ANNOTATIONS.maintenanceWindow,
    '"Sun 02:00-04:00 Europe/London"',
  ],
  certificateNames: [
    MQ_CERT_ANNOTATIONS.certificateNames,
    '"qm1.mq.example.test"',
  ],
} as const;

/**
 * Returns a spec field an operation needs, or throws an InputError that names
 * the missing annotation and shows an example value.
 *
 * @public
 */
export function requireSpecField<K extends keyof typeof SPEC_FIELD_ANNOTATIONS>(
  spec: QueueManagerSpec,
  field: K,
  purpose: string,
): NonNullable<QueueManagerSpec[K]> {
  const value = spec[field];
  const empty =
    value === undefined || (Array.isArray(value) && value.length === 0);
  if (empty) {
    const [annotation, example] = SPEC_FIELD_ANNOTATIONS[field];
    throw new InputError(
      `${spec.entityRef}: ${purpose} needs the annotation ${annotation}; add it to the entity, for example ${annotation}: ${example}`,
    );
  }
  return value as NonNullable<QueueManagerSpec[K]>;
}
