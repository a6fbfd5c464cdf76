/*
 * The queue-manager entities the demo catalog loads. examples/entities/
 * queue-managers.yaml names the default listener ports (14141, 14142); when
 * the stack runs on other ports (tests pick free ones), a copy with the
 * actual ports is written into the data folder and loaded instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MQ_CERT_ANNOTATIONS } from '@mqcert/plugin-mq-certificates-common';
import YAML from 'yaml';
import { REPO_ROOT } from './demoConfig';
import type { DemoQueueManager } from './demoQueueManagers';

export const EXAMPLE_QUEUE_MANAGERS_FILE = path.join(
  REPO_ROOT,
  'examples',
  'entities',
  'queue-managers.yaml',
);

/**
 * Returns the catalog file to load for the queue managers listening on
 * `ports` (queue manager name → port).
 */
export function queueManagerEntitiesFile(options: {
  queueManagers: readonly DemoQueueManager[];
  ports: Record<string, number>;
  dataDir: string;
}): string {
  const { queueManagers, ports } = options;
  if (queueManagers.every(qm => ports[qm.name] === qm.defaultPort)) {
    return EXAMPLE_QUEUE_MANAGERS_FILE;
  }
  const docs = YAML.parseAllDocuments(
    fs.readFileSync(EXAMPLE_QUEUE_MANAGERS_FILE, 'utf8'),
  );
  for (const doc of docs) {
    const name = doc.getIn(['metadata', 'name']);
    const qm = queueManagers.find(q => q.entityName === name);
    if (!qm) continue;
    doc.setIn(
      ['metadata', 'annotations', MQ_CERT_ANNOTATIONS.listener],
      `${qm.hostName}:${ports[qm.name]}`,
    );
  }
  const file = path.join(options.dataDir, 'catalog', 'queue-managers.yaml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, docs.map(d => d.toString()).join(''));
  return file;
}
