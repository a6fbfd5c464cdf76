import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Rotate now: issue, build, stage and cut over in one step.',
    example: yaml.stringify({
      steps: [
        {
          id: 'rotate',
          action: 'mq:certificate:rotate',
          name: 'Rotate the certificate',
          input: { entityRef: 'resource:default/qm1', when: 'now' },
        },
      ],
    }),
  },
  {
    description:
      'Rotate into a KDB and cut over in the next maintenance window.',
    example: yaml.stringify({
      steps: [
        {
          id: 'rotate',
          action: 'mq:certificate:rotate',
          name: 'Rotate the certificate',
          input: {
            entityRef: 'resource:default/qm2',
            format: 'kdb',
            when: 'window',
          },
        },
      ],
    }),
  },
];
