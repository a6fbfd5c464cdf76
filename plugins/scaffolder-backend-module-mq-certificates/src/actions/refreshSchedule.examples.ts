import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Cut over now, run by the portal.',
    example: yaml.stringify({
      steps: [
        {
          id: 'schedule',
          action: 'mq:refresh:schedule',
          name: 'Schedule the cut-over',
          input: {
            entityRef: 'resource:default/qm1',
            rotationId: '${{ steps.deploy.output.rotationId }}',
            when: 'now',
          },
        },
      ],
    }),
  },
  {
    description:
      "Cut over in the queue manager's next maintenance window, after a second person approves.",
    example: yaml.stringify({
      steps: [
        {
          id: 'schedule',
          action: 'mq:refresh:schedule',
          name: 'Schedule the cut-over',
          input: {
            entityRef: 'resource:default/qm1',
            rotationId: '${{ steps.deploy.output.rotationId }}',
            when: 'window',
            approval: true,
          },
        },
      ],
    }),
  },
  {
    description: 'Cut over at a given time with at on the MQ host.',
    example: yaml.stringify({
      steps: [
        {
          id: 'schedule',
          action: 'mq:refresh:schedule',
          name: 'Schedule the cut-over',
          input: {
            entityRef: 'resource:default/qm1',
            when: 'at',
            at: '2031-01-05T02:00:00Z',
            mode: 'host',
          },
        },
      ],
    }),
  },
];
