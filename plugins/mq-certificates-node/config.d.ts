/*
 * Configuration read by the node library (shared by the backend plugin and
 * the scaffolder module). Top-level key: `mqCertificates`.
 * Each section is owned by the module that reads it.
 */
export interface Config {
  mqCertificates?: {
    // ---- vault (src/vault) ----
    /** The Vault PKI client and the keystore password store. */
    vault?: {
      /** Vault's API address, e.g. https://vault.example.com:8200 */
      address: string;
      /** Vault Enterprise namespace (sent as X-Vault-Namespace). */
      namespace?: string;
      /** How the backend logs in to Vault. */
      auth: {
        /** token: a fixed token; approle, kubernetes, jwt: log in (and again when the token expires). */
        method: 'token' | 'approle' | 'kubernetes' | 'jwt';
        /**
         * The Vault token (method token).
         * @visibility secret
         */
        token?: string;
        /** Auth mount path; default approle, kubernetes or jwt after the method. */
        mountPath?: string;
        /** AppRole role_id (method approle). */
        roleId?: string;
        /**
         * AppRole secret_id (method approle; omit when the role has bind_secret_id=false).
         * @visibility secret
         */
        secretId?: string;
        /** Vault role (kubernetes: required; jwt: optional, the mount's default_role otherwise). */
        role?: string;
        /**
         * The JWT to log in with (method jwt; or jwtFile).
         * @visibility secret
         */
        jwt?: string;
        /** File holding the JWT, read at each login; kubernetes default /var/run/secrets/kubernetes.io/serviceaccount/token. */
        jwtFile?: string;
        /** Renew the token once this fraction of its lease has passed (0 to 1, default 0.67). */
        renewFraction?: number;
      };
      /** TLS to Vault: a private CA and a client certificate. */
      tls?: {
        /** PEM file of the CA(s) that signed Vault's server certificate. */
        caFile?: string;
        /** PEM client certificate, when Vault requires one. */
        clientCertFile?: string;
        /** PEM private key of the client certificate. */
        clientKeyFile?: string;
      };
      /** Per request, in milliseconds. Default 30000. */
      timeoutMs?: number;
      /** Retries for 429, 500, 502, 503 (not sealed) and connection failures. */
      retry?: {
        /** Requests in total per call, the first included. Default 4. */
        maxAttempts?: number;
        /** First retry delay before jitter. Default 200. */
        baseDelayMs?: number;
        /** Longest delay. Default 5000. */
        maxDelayMs?: number;
        /** No retry starts after this long. Default 30000. */
        maxElapsedMs?: number;
      };
      /** PKI role as <mount>/<role> when an entity names none, e.g. pki_int/mq-queue-managers */
      defaultPkiRole?: string;
      /** PEM file of CA certificates (e.g. the root) that complete a chain Vault returns without its root. */
      extraCaCertificatesFile?: string;
      /** Where generated keystore passwords are stored (KV v2). */
      keystorePasswords?: {
        /** KV v2 mount. Default secret. */
        mount?: string;
        /** Folder below the mount. Default mq/keystores. */
        pathPrefix?: string;
      };
    };
    // ---- keystores (src/keystore) ----
    // ---- deploy targets (src/deploy, src/ssh) ----
    /**
     * Where key repositories are staged, by name. An entity names one in its
     * `mqcert.io/deploy-target` annotation; its `mqcert.io/key-repository`
     * stem is relative to the target's root.
     */
    deployTargets?: {
      [name: string]: {
        /** local: a folder on the backend's machine; ssh: a folder on an SSH host (SFTP for files, exec for commands). */
        type: 'local' | 'ssh';
        /** Absolute folder on the target host; nothing outside it is read or written (symbolic links that leave it are refused). */
        root: string;
        /** The same folder as the queue manager sees it, when it differs (e.g. a mount); used for SSLKEYR. Default: root. */
        mqRoot?: string;
        /** Revisions to keep when pruning (the live and the just-staged one are always kept). */
        keepRevisions?: number;
        /** User (name or uid) to own staged files, e.g. mqm; needs root or CAP_CHOWN on the target. */
        owner?: string;
        /** Group (name or gid) of staged files; default the owner's primary group. */
        group?: string;
        /** SSH connection (type ssh). */
        ssh?: {
          host: string;
          /** Default 22. */
          port?: number;
          username: string;
          /**
           * Private key text (OpenSSH or PEM); may be ${ENV_VAR}. Set exactly one of privateKey, privateKeyFile, privateKeyEnv.
           * @visibility secret
           */
          privateKey?: string;
          /** File holding the private key on the backend's machine. */
          privateKeyFile?: string;
          /** Name of an environment variable holding the private key. */
          privateKeyEnv?: string;
          /**
           * Passphrase of an encrypted private key.
           * @visibility secret
           */
          passphrase?: string;
          /**
           * The host key's SHA-256 fingerprint as `ssh-keygen -lf` prints it (SHA256:…), or a list while the
           * host changes keys. Any other key is refused; without a pin every key is refused and the error shows
           * the one presented.
           */
          hostKeySha256?: string | string[];
          /** Connect, handshake and login, in milliseconds. Default 20000. */
          connectTimeoutMs?: number;
          /** Default timeout of each remote command, in milliseconds. Default 120000. */
          commandTimeoutMs?: number;
          /** Most commands run at once on the connection (sshd MaxSessions is 10 by default). Default 8. */
          maxChannels?: number;
        };
        /** Host-mode cut-overs with `at` on this target's host (src/at). */
        at?: {
          /**
           * Commands that tell whether atd runs, as argument lists; the first whose program exists decides
           * (exit 0: running). Default [[pgrep, -x, atd], [systemctl, is-active, --quiet, atd]]. An empty list skips the check.
           */
          atdCheck?: string[][];
          /** Paths of the at tools on the host. Defaults: at, atq, atrm (found on PATH). */
          atPath?: string;
          atqPath?: string;
          atrmPath?: string;
          /** at queue letter. Default a. */
          queue?: string;
          /**
           * runmqsc path for the cut-over job script, and for the backend's rollback of a host-mode job
           * when the entity has no mq-admin connection. Default /opt/mqm/bin/runmqsc.
           */
          runmqscPath?: string;
        };
      };
    };
    // ---- MQSC connections (src/mqsc) ----
    /**
     * Connections that run MQSC on queue managers, by name. An entity names
     * one in its `mqcert.io/mq-admin` annotation.
     */
    mqAdmin?: {
      [name: string]:
        | {
            /** The MQ administrative REST API (mqweb). */
            type: 'rest';
            /** mqweb's base URL, e.g. https://mq1.example.test:9443 */
            baseUrl: string;
            /** REST API version; v3 needs MQ 9.3.0 or later. Default v2. */
            apiVersion?: 'v1' | 'v2' | 'v3';
            /** Basic authentication user (needs the MQWebAdmin role and MQ authority). */
            username?: string;
            /**
             * Basic authentication password.
             * @visibility secret
             */
            password?: string;
            /** Client certificate authentication instead of basic. */
            clientCertificate?: {
              /** PEM certificate (or certificateFile). */
              certificate?: string;
              certificateFile?: string;
              /**
               * PEM private key (or privateKeyFile).
               * @visibility secret
               */
              privateKey?: string;
              privateKeyFile?: string;
              /**
               * Passphrase of an encrypted private key.
               * @visibility secret
               */
              passphrase?: string;
            };
            /** PEM CA certificate(s) that sign mqweb's certificate (or caFile). */
            ca?: string;
            caFile?: string;
            /** Value of the ibm-mq-rest-csrf-token header (any value works). */
            csrfToken?: string;
            /** Per request, in milliseconds; REFRESH SECURITY may take 10 minutes. Default 660000. */
            timeoutMs?: number;
          }
        | {
            /** runmqsc on the MQ host over the SSH connection of a deploy target. */
            type: 'ssh';
            /** Name of the deploy target (mqCertificates.deployTargets) whose SSH settings are used. */
            deployTarget: string;
            /** Path of runmqsc on the host. Default /opt/mqm/bin/runmqsc. */
            runmqscPath?: string;
            /** In milliseconds. Default 660000. */
            timeoutMs?: number;
          };
    };
    // ---- TLS probe (src/probe) ----
    /** The TLS probe that reads what queue manager listeners serve. */
    probe?: {
      /** PEM CA certificate(s) the served chains must verify against (or caFile). */
      ca?: string;
      caFile?: string;
      /** Connect plus handshake, in milliseconds. Default 10000. */
      timeoutMs?: number;
    };
  };
}
