import yaml from 'yaml';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createTestSetup, TestSetup } from '../__testUtils__/fakes';
import { createMqCertificateActions } from '.';

describe('action examples', () => {
  let t: TestSetup;
  beforeEach(() => {
    t = createTestSetup();
    t.env.vaultAddress = () => 'https://vault.example.test:8200';
  });
  afterEach(() => t.cleanup());

  it('registers the six actions with examples and dry-run support', () => {
    const actions = createMqCertificateActions(t.env);
    expect(actions.map(a => a.id)).toEqual([
      'mq:certificate:issue',
      'mq:keystore:build',
      'mq:keystore:deploy',
      'mq:refresh:schedule',
      'mq:certificate:rotate',
      'mq:vault-agent:render',
    ]);
    for (const a of actions) {
      expect(a.supportsDryRun).toBe(true);
      expect(a.examples?.length).toBeGreaterThan(0);
    }
  });

  it('runs every example in a dry run: the YAML parses, uses the action, and its input is valid', async () => {
    for (const action of createMqCertificateActions(t.env)) {
      for (const example of action.examples ?? []) {
        const step = yaml.parse(example.example).steps[0];
        expect(step.action).toBe(action.id);
        const input = { ...step.input };
        for (const [k, v] of Object.entries(input)) {
          if (typeof v === 'string' && v.startsWith('${{')) delete input[k];
        }
        // The mock drops isDryRun, so it is set on the context it returns.
        const ctx = {
          ...createMockActionContext({
            input,
            workspacePath: t.workspacePath,
            logger: t.logger,
          }),
          isDryRun: true,
        };
        await action.handler(ctx as any);
        const names = (ctx.output as jest.Mock).mock.calls.map(([k]) => k);
        expect(names).toContain('plan');
      }
    }
    expect(t.vault.requests).toEqual([]);
    expect(t.backend.calls).toEqual([]);
  });
});
