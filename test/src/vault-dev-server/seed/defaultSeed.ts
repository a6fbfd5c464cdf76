import type { VaultSeed } from './seedTypes';

/** The dev portal's policy: issue/sign on the MQ role, MQ secrets in KV, nothing else. */
export const MQ_PORTAL_POLICY = `# Issue (Vault generates the key) or sign (a CSR made on the MQ host).
path "pki_int/issue/mq-queue-managers" {
  capabilities = ["create", "update"]
}
path "pki_int/sign/mq-queue-managers" {
  capabilities = ["create", "update"]
}
# Keystore passwords and other MQ secrets (KV v2 data paths).
path "secret/data/mq/*" {
  capabilities = ["create", "read", "update"]
}
`;

const PORTAL_TOKEN = {
  token_policies: ['mq-portal'],
  token_ttl: '1h',
  token_max_ttl: '4h',
};

/**
 * The default seed (issue 3): root CA in `pki`, an intermediate signed by it
 * in `pki_int` with the `mq-queue-managers` role, KV v2 at `secret/`, and
 * AppRole, Kubernetes and JWT logins for the `mq-portal` policy.
 */
export function defaultSeed(): VaultSeed {
  return {
    policies: { 'mq-portal': MQ_PORTAL_POLICY },
    secrets: {
      pki: {
        type: 'pki',
        description: 'MQ dev root CA',
        max_lease_ttl: '87600h',
        issuers: [
          {
            type: 'root',
            issuer_name: 'root',
            common_name: 'MQ Dev Root CA',
            ttl: '87600h',
            key_type: 'rsa',
            key_bits: 2048,
          },
        ],
      },
      pki_int: {
        type: 'pki',
        description: 'MQ dev intermediate CA',
        max_lease_ttl: '43800h',
        issuers: [
          {
            type: 'intermediate',
            issuer_name: 'intermediate',
            common_name: 'MQ Dev Intermediate CA',
            signed_by: 'pki',
            ttl: '43800h',
            key_type: 'rsa',
            key_bits: 2048,
          },
        ],
        roles: {
          'mq-queue-managers': {
            allowed_domains: ['mq.example.test'],
            allow_subdomains: true,
            key_type: 'rsa',
            key_bits: 2048,
            ttl: '720h',
            max_ttl: '1128h',
            server_flag: true,
            client_flag: true,
          },
        },
      },
      secret: {
        type: 'kv',
        description: 'key/value secret storage',
        options: { version: '2' },
      },
    },
    auth: {
      approle: { type: 'approle', roles: { 'mq-portal': { ...PORTAL_TOKEN } } },
      kubernetes: {
        type: 'kubernetes',
        roles: {
          'mq-portal': {
            bound_service_account_names: ['backstage'],
            bound_service_account_namespaces: ['backstage'],
            audience: 'vault',
            ...PORTAL_TOKEN,
          },
        },
      },
      jwt: {
        type: 'jwt',
        roles: {
          'mq-portal': {
            role_type: 'jwt',
            bound_audiences: ['vault'],
            user_claim: 'sub',
            ...PORTAL_TOKEN,
          },
        },
      },
    },
  };
}
