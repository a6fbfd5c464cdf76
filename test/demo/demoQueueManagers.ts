/*
 * The two demo queue managers: what the simulator runs and what the catalog
 * entities in examples/entities/queue-managers.yaml describe. Names, labels
 * and channels here must match that file (the smoke test checks the stack
 * end to end, so a mismatch shows there).
 */

/** One demo queue manager. */
export interface DemoQueueManager {
  /** Catalog entity name (`resource:default/<entityName>`). */
  entityName: string;
  /** MQ queue manager name. */
  name: string;
  /** Host name in the entity's listener annotation (mapped to 127.0.0.1). */
  hostName: string;
  /** Listener port of `npm start` (the entity file's port). */
  defaultPort: number;
  /** The queue manager's CERTLABL; blank = MQ's default `ibmwebspheremq<qm>`. */
  certificateLabel: string;
  channels: {
    name: string;
    type?: 'SVRCONN' | 'RCVR';
    /** The channel's own CERTLABL, with the DNS name of its certificate. */
    own?: { label: string; commonName: string };
  }[];
  /** Deploy target and MQSC connection names (entity annotations). */
  deployTarget: string;
  mqAdmin: string;
  /** Key repository stem relative to the deploy target's root. */
  keyRepositoryStem: string;
}

export const DEMO_QUEUE_MANAGERS: readonly DemoQueueManager[] = [
  {
    entityName: 'qm1',
    name: 'QM1',
    hostName: 'qm1.mq.example.test',
    defaultPort: 14141,
    certificateLabel: '',
    channels: [{ name: 'DEV.APP.SVRCONN' }],
    deployTarget: 'qm1-local',
    mqAdmin: 'qm1-rest',
    keyRepositoryStem: 'ssl/key',
  },
  {
    entityName: 'qm2',
    name: 'QM2',
    hostName: 'qm2.mq.example.test',
    defaultPort: 14142,
    certificateLabel: 'qm2cert',
    channels: [
      { name: 'DEV.APP.SVRCONN' },
      {
        name: 'QM1.TO.QM2',
        type: 'RCVR',
        own: { label: 'qm2chl', commonName: 'qm1-to-qm2.mq.example.test' },
      },
    ],
    deployTarget: 'qm2-local',
    mqAdmin: 'qm2-rest',
    keyRepositoryStem: 'ssl/key',
  },
];

/** The label MQ uses for the queue manager's certificate. */
export function effectiveLabel(qm: DemoQueueManager): string {
  return qm.certificateLabel || `ibmwebspheremq${qm.name.toLowerCase()}`;
}
