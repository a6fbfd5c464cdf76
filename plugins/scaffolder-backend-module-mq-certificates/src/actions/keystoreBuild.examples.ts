import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Build the key repository in the entity's format (PKCS#12 by default, profile aes256).",
    example: yaml.stringify({
      steps: [
        {
          id: 'build',
          action: 'mq:keystore:build',
          name: 'Build the key repository',
          input: { entityRef: 'resource:default/qm1' },
        },
      ],
    }),
  },
  {
    description:
      'Build a PKCS#12 that older GSKit and Java 8 read (3DES, SHA-1 MAC).',
    example: yaml.stringify({
      steps: [
        {
          id: 'build',
          action: 'mq:keystore:build',
          name: 'Build the key repository',
          input: {
            entityRef: 'resource:default/qm1',
            format: 'p12',
            profile: 'compat-3des',
          },
        },
      ],
    }),
  },
];
