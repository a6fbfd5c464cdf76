import type { Server } from 'node:http';
import {
  BackstageCredentials,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { mqCertificatesPlugin } from '../plugin';
import { mqCertificatesRuntimeExtensionPoint } from '../runtime/extensionPoint';
import type { MqCertificatesRuntime } from '../runtime/types';

/** Who belongs to which group in the fake organisation. */
export const MEMBERSHIP: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-b'],
  'user:default/mallory': [],
};

function claimsOf(credentials: BackstageCredentials): string[] {
  const ref = (credentials.principal as { userEntityRef?: string })
    .userEntityRef;
  return ref ? [ref, ...(MEMBERSHIP[ref] ?? [])] : [];
}

/**
 * A permission service that behaves like the owner policy resolved by the
 * catalog: a user may do anything on entities their groups own; mallory is
 * denied outright; service principals are allowed (as Backstage does).
 * authorizeConditional answers with the catalog's isEntityOwner condition.
 */
export function ownerPermissions(entities: Entity[]) {
  const ownerOf = new Map(
    entities.map(e => [
      `${e.kind}:${e.metadata.namespace ?? 'default'}/${
        e.metadata.name
      }`.toLowerCase(),
      (e.spec as { owner: string }).owner.toLowerCase(),
    ]),
  );
  return mockServices.permissions.mock({
    authorize: async (requests, options) =>
      requests.map(r => {
        const credentials = options.credentials as BackstageCredentials;
        if ((credentials.principal as { type: string }).type === 'service')
          return { result: AuthorizeResult.ALLOW };
        const claims = claimsOf(credentials);
        const owner =
          'resourceRef' in r && r.resourceRef
            ? ownerOf.get(r.resourceRef)
            : undefined;
        return {
          result:
            owner && claims.includes(owner)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      }),
    authorizeConditional: async (requests, options) =>
      requests.map((): PolicyDecision => {
        const credentials = options.credentials as BackstageCredentials;
        if ((credentials.principal as { type: string }).type === 'service')
          return { result: AuthorizeResult.ALLOW };
        const claims = claimsOf(credentials);
        if (!claims.length || claims[0] === 'user:default/mallory') {
          return { result: AuthorizeResult.DENY };
        }
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims },
          },
        };
      }),
  });
}

/** Starts the plugin with a fake catalog, owner permissions and a runtime override. */
export async function startPluginBackend(options: {
  entities: Entity[];
  runtime: Partial<MqCertificatesRuntime>;
  config?: object;
}): Promise<{
  backend: Awaited<ReturnType<typeof startTestBackend>>;
  server: Server;
  scheduler: ReturnType<typeof mockServices.scheduler.mock>;
}> {
  const scheduler = mockServices.scheduler.mock();
  const runtimeModule = createBackendModule({
    pluginId: 'mq-certificates',
    moduleId: 'test-runtime',
    register(env) {
      env.registerInit({
        deps: { runtime: mqCertificatesRuntimeExtensionPoint },
        async init({ runtime }) {
          runtime.setRuntime(options.runtime);
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      mqCertificatesPlugin,
      runtimeModule,
      catalogServiceMock.factory({ entities: options.entities }),
      ownerPermissions(options.entities).factory,
      scheduler.factory,
      mockServices.rootConfig.factory({
        data: {
          mqCertificates: { sweep: { enabled: false }, ...options.config },
        },
      }),
    ],
  });
  return { backend, server: backend.server, scheduler };
}

/** Authorization header of a user, as the frontend sends it. */
export function asUser(name: string): string {
  return mockCredentials.user.header(`user:default/${name}`);
}

/**
 * Authorization header of the scaffolder acting for a user: a service token
 * on behalf of the user (what ctx.getInitiatorCredentials() produces).
 */
export function asScaffolderFor(name: string): string {
  return mockCredentials.service.header({
    onBehalfOf: mockCredentials.user(`user:default/${name}`),
    targetPluginId: 'mq-certificates',
  });
}
