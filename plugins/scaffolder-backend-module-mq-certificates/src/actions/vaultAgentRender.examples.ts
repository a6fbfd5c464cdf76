import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Render a Vault Agent bundle (AppRole auto-auth) that cuts over in the maintenance window.',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'mq:vault-agent:render',
          name: 'Render the Vault Agent bundle',
          input: {
            entityRef: 'resource:default/qm1',
            vaultAddress: 'https://vault.example.test:8200',
            keyRepositoryDirectory: '/var/mqm/qmgrs/QM1/ssl',
          },
        },
      ],
    }),
  },
  {
    description:
      'Render a bundle for a queue manager in Kubernetes that only stages (approval variant).',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'mq:vault-agent:render',
          name: 'Render the Vault Agent bundle',
          input: {
            entityRef: 'resource:default/qm1',
            authMethod: 'kubernetes',
            kubernetesRole: 'mq-qm1',
            vaultAddress: 'https://vault.example.test:8200',
            keyRepositoryDirectory: '/var/mqm/qmgrs/QM1/ssl',
            variant: 'stage-only',
            renewalThreshold: 0.7,
          },
        },
      ],
    }),
  },
];
