import { hclString } from './shell';

/** How the agent logs in to Vault. */
export type AgentAuth =
  | {
      method: 'approle';
      mountPath: string;
      roleIdFile: string;
      secretIdFile: string;
    }
  | {
      method: 'kubernetes';
      mountPath: string;
      role: string;
      tokenPath: string;
    };

/** One pkiCert template: a label's certificate. */
export interface AgentCertificateTemplate {
  label: string;
  /** `<mount>/issue/<role>` */
  issuePath: string;
  commonName: string;
  altNames: string[];
  ttl?: string;
  /** File the agent renders (certificate, issuing CA, key; 0600). */
  destination: string;
}

/** Everything in agent.hcl. */
export interface AgentConfigRequest {
  entityRef: string;
  vaultAddress: string;
  auth: AgentAuth;
  /** Fraction of the lifetime after which pkiCert renews (template_config.lease_renewal_threshold). */
  renewalThreshold: number;
  pidFile: string;
  templates: AgentCertificateTemplate[];
  /** The exec script run after each render. */
  execCommand: string;
  execTimeoutSeconds: number;
}

function authBlock(auth: AgentAuth): string[] {
  if (auth.method === 'approle') {
    return [
      `  method "approle" {`,
      `    mount_path = ${hclString(`auth/${auth.mountPath}`)}`,
      `    config = {`,
      `      role_id_file_path   = ${hclString(auth.roleIdFile)}`,
      `      secret_id_file_path = ${hclString(auth.secretIdFile)}`,
      `      remove_secret_id_file_after_reading = false`,
      `    }`,
      `  }`,
    ];
  }
  return [
    `  method "kubernetes" {`,
    `    mount_path = ${hclString(`auth/${auth.mountPath}`)}`,
    `    config = {`,
    `      role       = ${hclString(auth.role)}`,
    `      token_path = ${hclString(auth.tokenPath)}`,
    `    }`,
    `  }`,
  ];
}

function templateBlock(
  t: AgentCertificateTemplate,
  request: AgentConfigRequest,
): string[] {
  const args = [
    t.issuePath,
    `common_name=${t.commonName}`,
    ...(t.altNames.length ? [`alt_names=${t.altNames.join(',')}`] : []),
    ...(t.ttl ? [`ttl=${t.ttl}`] : []),
  ]
    .map(a => JSON.stringify(a))
    .join(' ');
  return [
    `# Certificate for label ${t.label}. pkiCert keeps it in the destination`,
    `# file and asks Vault for a new one once renewal_threshold of its`,
    `# lifetime has passed; the file must hold the certificate itself.`,
    `template {`,
    `  destination = ${hclString(t.destination)}`,
    `  perms       = "0600"`,
    `  error_on_missing_key = true`,
    `  contents    = <<-EOT`,
    `  {{- with pkiCert ${args} -}}`,
    `  {{ .Cert }}{{ .CA }}{{ .Key }}`,
    `  {{- end }}`,
    `  EOT`,
    `  exec {`,
    `    command = [${hclString(request.execCommand)}]`,
    `    timeout = "${request.execTimeoutSeconds}s"`,
    `  }`,
    `}`,
  ];
}

/**
 * Renders the Vault Agent configuration: auto-auth (AppRole or
 * Kubernetes), pkiCert templates for the queue manager's role and names, the
 * renewal threshold, and the exec script that builds and stages the new key
 * repository. No credential is in it: AppRole ids are read from files.
 */
export function renderAgentConfig(request: AgentConfigRequest): string {
  return [
    `# Vault Agent for ${request.entityRef}, rendered by mq:vault-agent:render.`,
    `# Start it with: vault agent -config=<this file>`,
    `pid_file = ${hclString(request.pidFile)}`,
    ``,
    `vault {`,
    `  address = ${hclString(request.vaultAddress)}`,
    `}`,
    ``,
    `auto_auth {`,
    ...authBlock(request.auth),
    `}`,
    ``,
    `template_config {`,
    `  # Renew once this fraction of a certificate's lifetime has passed.`,
    `  lease_renewal_threshold = ${request.renewalThreshold}`,
    `  exit_on_retry_failure   = true`,
    `}`,
    ``,
    ...request.templates.flatMap(t => [...templateBlock(t, request), '']),
  ].join('\n');
}
