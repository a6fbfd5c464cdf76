import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Stage the built key repository as a new revision on the entity's deploy target and record the rotation.",
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'mq:keystore:deploy',
          name: 'Stage the key repository',
          input: { entityRef: 'resource:default/qm1' },
        },
      ],
    }),
  },
];
