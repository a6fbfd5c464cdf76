import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Issue the queue manager's certificates with the names, role and TTL from its entity.",
    example: yaml.stringify({
      steps: [
        {
          id: 'issue',
          action: 'mq:certificate:issue',
          name: 'Issue the certificate',
          input: { entityRef: 'resource:default/qm1' },
        },
      ],
    }),
  },
  {
    description:
      'Issue with an extra DNS name and a shorter lifetime (the common name stays the entity’s).',
    example: yaml.stringify({
      steps: [
        {
          id: 'issue',
          action: 'mq:certificate:issue',
          name: 'Issue the certificate',
          input: {
            entityRef: 'resource:default/qm1',
            names: ['qm1.mq.example.test', 'qm1-dr.mq.example.test'],
            ttl: '240h',
          },
        },
      ],
    }),
  },
];
