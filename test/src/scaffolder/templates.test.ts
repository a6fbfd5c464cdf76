import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import type { Entity } from '@backstage/catalog-model';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { moduleActions } from './moduleActions';

/*
 * The example templates (loaded by the demo catalog) must only use actions
 * the module registers, only their declared inputs, only outputs those
 * actions declare, and only parameters the template defines.
 */

const TEMPLATES = path.resolve(__dirname, '../../../examples/templates');
/** Built-in scaffolder actions the templates may use besides the module's. */
const BUILT_IN: Record<string, string[]> = {
  'debug:log': ['message', 'listWorkspace', 'extra'],
};

type Template = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    parameters: any[];
    steps: { id: string; action: string; input: Record<string, unknown> }[];
    output: unknown;
  };
};

function load(file: string): Template {
  return yaml.parse(fs.readFileSync(path.join(TEMPLATES, file), 'utf8'));
}

/** Every property a parameters page (and its dependencies) declares. */
function parameterNames(pages: any[]): Set<string> {
  const names = new Set<string>();
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (node.properties) {
      for (const k of Object.keys(node.properties)) names.add(k);
    }
    for (const v of Object.values(node)) walk(v);
  };
  pages.forEach(walk);
  return names;
}

function expressions(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/\$\{\{(.*?)\}\}/g)].map(m => m[1]);
}

describe('example templates', () => {
  const { actions } = moduleActions();

  /** The inputs, required inputs and outputs an action declares. */
  function declaredInputs(id: string) {
    if (BUILT_IN[id])
      return { inputs: BUILT_IN[id], required: [], outputs: [] };
    const action = actions.find(a => a.id === id);
    if (!action) return undefined;
    const input = action.schema?.input as any;
    return {
      inputs: Object.keys(input.properties),
      required: (input.required ?? []) as string[],
      outputs: Object.keys((action.schema?.output as any).properties),
    };
  }
  const files = fs.readdirSync(TEMPLATES).filter(f => f.endsWith('.yaml'));

  it('has the two templates with their fixed names', () => {
    expect(files.sort()).toEqual([
      'provision-vault-agent.yaml',
      'rotate-mq-certificate.yaml',
    ]);
    expect(load('rotate-mq-certificate.yaml').metadata.name).toBe(
      'rotate-mq-certificate',
    );
    expect(load('provision-vault-agent.yaml').metadata.name).toBe(
      'provision-vault-agent',
    );
  });

  it.each(files)(
    '%s uses only registered actions, declared inputs, outputs and parameters',
    file => {
      const t = load(file);
      expect(t.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
      expect(t.kind).toBe('Template');
      const params = parameterNames(t.spec.parameters);
      const outputsOf = new Map<string, string[]>();
      const problems: string[] = [];
      for (const step of t.spec.steps) {
        const declared = declaredInputs(step.action);
        if (!declared) {
          problems.push(`${step.id}: unknown action ${step.action}`);
          continue;
        }
        outputsOf.set(step.id, declared.outputs);
        for (const key of Object.keys(step.input)) {
          if (!declared.inputs.includes(key))
            problems.push(`${step.id}: undeclared input ${key}`);
        }
        for (const key of declared.required) {
          if (!(key in step.input))
            problems.push(`${step.id}: missing required input ${key}`);
        }
      }
      expect(problems).toEqual([]);
      const refs = expressions({ steps: t.spec.steps, output: t.spec.output });
      expect(refs.length).toBeGreaterThan(3);
      for (const ref of refs) {
        for (const m of ref.matchAll(/parameters\.(\w+)/g)) {
          expect(params).toContain(m[1]);
        }
        for (const m of ref.matchAll(/steps\.(\w+)\.output\.(\w+)/g)) {
          expect(outputsOf.get(m[1]) ?? ['(no such step)']).toContain(m[2]);
        }
      }
    },
  );

  it('rotate-mq-certificate: picks managed queue managers, offers now|window|at, issue → build → deploy → schedule, links to the tab', () => {
    const t = load('rotate-mq-certificate.yaml');
    const [page1, page2] = t.spec.parameters;
    const qm = page1.properties.queueManager;
    expect(qm['ui:field']).toBe('EntityPicker');
    expect(qm['ui:options'].catalogFilter).toEqual([
      {
        kind: 'Resource',
        'spec.type': 'ibm-mq-queue-manager',
        'metadata.annotations.mqcert.io/queue-manager': { exists: true },
      },
    ]);
    expect(page2.properties.when.enum).toEqual(['now', 'window', 'at']);
    // if/then, not dependencies/oneOf: what the scaffolder's jsonschema
    // check reports then names at (see templatesOnDemoBackend.test.ts).
    expect(page2.dependencies).toBeUndefined();
    expect(page2.if).toEqual({
      properties: { when: { const: 'at' } },
      required: ['when'],
    });
    expect(page2.then.required).toEqual(['at']);
    expect(page2.then.properties.at).toMatchObject({
      type: 'string',
      format: 'date-time',
      description: expect.stringMatching(/with a zone, such as .*Z/),
    });
    expect(page2.properties.approval.type).toBe('boolean');
    expect(t.spec.steps.map(s => s.action)).toEqual([
      'mq:certificate:issue',
      'mq:keystore:build',
      'mq:keystore:deploy',
      'mq:refresh:schedule',
    ]);
    expect(JSON.stringify(t.spec.output)).toMatch(/\/mq-certificates"/);
  });

  it('rotate-mq-certificate: the issue step gets the schedule inputs, so a bad one fails before anything is issued', () => {
    const t = load('rotate-mq-certificate.yaml');
    const step = (id: string) => t.spec.steps.find(s => s.id === id)!;
    for (const key of ['when', 'at']) {
      expect(step('issue').input[key]).toBe(`\${{ parameters.${key} }}`);
      expect(step('issue').input[key]).toBe(step('schedule').input[key]);
    }
  });

  it('rotate-mq-certificate: the output gives the run time once, as the ISO UTC time the schedule step outputs', () => {
    const text = JSON.stringify(load('rotate-mq-certificate.yaml').spec.output);
    expect(text).toMatch(
      /runs at \$\{\{ steps\.schedule\.output\.runAt \}\}\./,
    );
    expect(text).not.toMatch(/runAt \}\} UTC/);
  });

  it("rotate-mq-certificate: format and profile default to the entity's, and the build step takes the empty choice as that default", async () => {
    const t = load('rotate-mq-certificate.yaml');
    const page3 = t.spec.parameters[2];
    expect(page3.properties.format).toMatchObject({
      default: '',
      enum: ['', 'p12', 'kdb'],
    });
    expect(page3.properties.profile).toMatchObject({
      default: '',
      enum: ['', 'aes256', 'compat-3des'],
    });
    const build = t.spec.steps.find(s => s.id === 'build')!;
    expect(build.input).toMatchObject({
      format: '${{ parameters.format }}',
      profile: '${{ parameters.profile }}',
    });
    const qm = (name: string, format: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name,
        annotations: {
          'mqcert.io/queue-manager': name.toUpperCase(),
          'mqcert.io/certificate-names': `${name}.mq.example.test`,
          'mqcert.io/vault-pki-role': 'pki_int/mq-queue-managers',
          'mqcert.io/deploy-target': 'local',
          'mqcert.io/key-repository': 'key',
          'mqcert.io/key-repository-format': format,
        },
      },
      spec: { type: 'ibm-mq-queue-manager', owner: 'group:default/mq-admins' },
    });
    const { byId } = moduleActions({
      entities: [qm('qmp', 'p12'), qm('qmk', 'kdb')],
      // A dry run never calls Vault; the address only has to be configured.
      config: {
        mqCertificates: {
          vault: {
            address: 'http://127.0.0.1:1',
            auth: { method: 'token', token: 'unused' },
          },
        },
      },
    });
    const dryBuild = async (name: string, input: object) => {
      const ctx = {
        ...createMockActionContext({
          input: { entityRef: `resource:default/${name}`, ...input },
        }),
        isDryRun: true,
      };
      await byId('mq:keystore:build').handler(ctx as any);
      return Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
      );
    };
    // What the template passes when the user keeps the defaults.
    expect(await dryBuild('qmk', { format: '', profile: '' })).toMatchObject({
      format: 'kdb',
      keystoreFile: expect.stringMatching(/\/key\.kdb$/),
    });
    expect(await dryBuild('qmp', { format: '', profile: '' })).toMatchObject({
      format: 'p12',
      profile: 'aes256',
    });
    expect(
      await dryBuild('qmk', { format: 'p12', profile: 'compat-3des' }),
    ).toMatchObject({ format: 'p12', profile: 'compat-3des' });
  });

  it('the demo entities match the picker filter', () => {
    const entities = yaml
      .parseAllDocuments(
        fs.readFileSync(
          path.resolve(TEMPLATES, '../entities/queue-managers.yaml'),
          'utf8',
        ),
      )
      .map(d => d.toJS());
    const qms = entities.filter(
      e => e?.metadata?.annotations?.['mqcert.io/queue-manager'],
    );
    expect(qms.length).toBeGreaterThan(0);
    for (const e of qms) {
      expect([e.kind, e.spec.type]).toEqual([
        'Resource',
        'ibm-mq-queue-manager',
      ]);
    }
  });
});
