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
    // ---- TLS probe (src/probe) ----
  };
}
