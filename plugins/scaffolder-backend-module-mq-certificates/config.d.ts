/*
 * Settings of the scaffolder actions (mq:certificate:issue and friends).
 * Vault, deploy targets and MQSC connections are declared by the node
 * library's config.d.ts under the same `mqCertificates` key.
 */
export interface Config {
  mqCertificates?: {
    /** The scaffolder actions. */
    scaffolder?: {
      /**
       * Folder for private keys between the issue and build steps of a task
       * (0700 folders, 0600 files). It must be outside the scaffolder
       * workspace, because the workspace may be serialized into the
       * scaffolder database when task recovery is on. Default
       * `<os tmpdir>/mqcert-private`.
       */
      privateDirectory?: string;
      /**
       * Private folders older than this many hours are removed (tasks that
       * failed between issue and build leave one). Default 24.
       */
      privateFolderMaxAgeHours?: number;
      /**
       * PKI roles (`<mount>/<role>`) a template may ask for instead of the
       * entity's `mqcert.io/vault-pki-role`. Default none: the entity's
       * role (or mqCertificates.vault.defaultPkiRole) only.
       */
      allowedPkiRoles?: string[];
      /**
       * Revisions kept beside the live key repository after a deploy, when
       * the deploy target does not say (the live and the staged one are
       * always kept). Default 3.
       */
      keepRevisions?: number;
      /** Seconds between "still waiting" log lines during long waits (at most 30). Default 15. */
      progressIntervalSeconds?: number;
      /** runmqakm on the backend's machine, for KDB key repositories. Default runmqakm from PATH. */
      runmqakm?: string;
      /** Path of openssl on MQ hosts, for keys generated on the host (mqcert.io/key-generation: host). Default openssl. */
      hostOpenssl?: string;
    };
  };
}
