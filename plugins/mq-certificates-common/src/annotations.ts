/**
 * The catalog annotations that mark and describe a managed IBM MQ queue
 * manager. All share the `mqcert.io/` prefix (third-party annotations carry
 * the vendor's domain, see the Backstage catalog "extending the model" docs).
 *
 * @public
 */
export const MQ_CERT_ANNOTATIONS = {
  /** The queue manager name, e.g. `QM1`. Its presence marks a managed QM. */
  queueManager: 'mqcert.io/queue-manager',
  /** `host:port` of the TLS listener (port defaults to 1414). */
  listener: 'mqcert.io/listener',
  /**
   * Comma list of TLS channel names. A channel that has its own CERTLABL is
   * written `CHANNEL=label`, e.g. `APP.SVRCONN, TO.QM2=qm2chl`.
   */
  tlsChannels: 'mqcert.io/tls-channels',
  /** Comma list of DNS names: the common name first, then SANs. */
  certificateNames: 'mqcert.io/certificate-names',
  /** The queue manager's CERTLABL; defaults to `ibmwebspheremq<qm lowercase>`. */
  certificateLabel: 'mqcert.io/certificate-label',
  /** Vault PKI role as `<mount>/<role>`, e.g. `pki_int/mq-queue-managers`. */
  vaultPkiRole: 'mqcert.io/vault-pki-role',
  /** Name of a deploy target in app-config (`mqCertificates.deployTargets`). */
  deployTarget: 'mqcert.io/deploy-target',
  /** Path stem of the key repository on the host, relative to the target root. */
  keyRepository: 'mqcert.io/key-repository',
  /** `p12` (default) or `kdb`. */
  keyRepositoryFormat: 'mqcert.io/key-repository-format',
  /**
   * PKCS#12 protection profile for `p12` repositories: `aes256` (default;
   * MQ 9.3.5+, OpenSSL 3, Java 17) or `compat-3des` (older GSKit, Java 8).
   */
  pkcs12Profile: 'mqcert.io/pkcs12-profile',
  /** Name of an MQSC connection in app-config (`mqCertificates.mqAdmin`). */
  mqAdmin: 'mqcert.io/mq-admin',
  /** Maintenance window, e.g. `Sun 02:00-04:00 Europe/London`. */
  maintenanceWindow: 'mqcert.io/maintenance-window',
  /** `required` or `none` (default): whether refreshes wait for approval. */
  refreshApproval: 'mqcert.io/refresh-approval',
  /** `vault` (default: Vault generates the key) or `host` (CSR made on the target). */
  keyGeneration: 'mqcert.io/key-generation',
} as const;

/** Any one of the annotation keys in {@link MQ_CERT_ANNOTATIONS}. @public */
export type MqCertAnnotation =
  (typeof MQ_CERT_ANNOTATIONS)[keyof typeof MQ_CERT_ANNOTATIONS];
