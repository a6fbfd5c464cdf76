/*
 * Entry point of the demo backend as its own process (started by
 * DemoBackendProcess): `node --import tsx test/demo/backendMain.ts <file>`,
 * where <file> is the JSON the stack wrote: { config: [layers], hosts }.
 * The root app-config.yaml is read here and the layers put over it in
 * order (later ones win).
 * Backstage stops the backend on SIGINT/SIGTERM by itself.
 */
import fs from 'node:fs';
import type { JsonObject } from '@backstage/types';
import { createDemoBackend } from './demoBackend';
import { layerConfig, readAppConfig } from './demoConfig';

async function main() {
  const file = process.argv[2];
  if (!file) {
    throw new Error('usage: backendMain.ts <backend-config.json>');
  }
  const { config, hosts } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const layers: object[] = Array.isArray(config) ? config : [config];
  const backend = createDemoBackend({
    config: layerConfig([
      { context: 'app-config.yaml', data: readAppConfig() },
      ...layers.map((data, i) => ({
        context: `${file} (layer ${i + 1})`,
        data: data as JsonObject,
      })),
    ]),
    hosts,
  });
  // Test-only second sign-in (e2e approval tests: another owner, an
  // outsider); never set by npm start.
  if (process.env.MQCERT_DEMO_TEST_USER_SIGN_IN === '1') {
    const { testUserAuthProviderModule } = await import(
      '../src/support/testUserAuthProvider'
    );
    backend.add(testUserAuthProviderModule);
  }
  await backend.start();
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(`demo backend failed to start: ${e?.stack ?? e}`);
  process.exit(1);
});
