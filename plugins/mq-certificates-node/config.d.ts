/*
 * Configuration read by the node library (shared by the backend plugin and
 * the scaffolder module). Top-level key: `mqCertificates`.
 * Each section is owned by the module that reads it.
 */
export interface Config {
  mqCertificates?: {
    // ---- vault (src/vault) ----
    // ---- keystores (src/keystore) ----
    // ---- deploy targets (src/deploy, src/ssh) ----
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
  };
}
