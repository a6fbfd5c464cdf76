import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import authBackend from '@backstage/plugin-auth-backend';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';
import catalogBackend from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import permissionBackend from '@backstage/plugin-permission-backend';
import {
  mqCertificateReadPermission,
  mqCertificateRotatePermission,
  mqRefreshApprovePermission,
} from '@mqcert/plugin-mq-certificates-common';
import request from 'supertest';
import { qmEntity } from '../__testUtils__/fakes';
import { mqCertificatesPlugin } from '../plugin';
import {
  MqCertificatesOwnerPolicy,
  mqCertificatesOwnerDecision,
  mqCertificatesPermissionPolicyModule,
} from './MqCertificatesOwnerPolicy';

jest.setTimeout(60_000);

const alice = {
  credentials: mockCredentials.user('user:default/alice'),
  info: {
    userEntityRef: 'user:default/alice',
    ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'],
  },
};

describe('mqCertificatesOwnerDecision', () => {
  it('makes every MQ permission conditional on owning the catalog entity', async () => {
    for (const permission of [
      mqCertificateReadPermission,
      mqCertificateRotatePermission,
      mqRefreshApprovePermission,
    ]) {
      expect(await mqCertificatesOwnerDecision({ permission }, alice)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: ['user:default/alice', 'group:default/team-a'] },
        },
      });
    }
  });

  it('prefers ownership from the userInfo service', async () => {
    const userInfo = mockServices.userInfo({
      ownershipEntityRefs: ['group:default/ops'],
    });
    const decision = await mqCertificatesOwnerDecision(
      { permission: mqRefreshApprovePermission },
      alice,
      userInfo,
    );
    expect(decision).toMatchObject({
      conditions: { params: { claims: ['group:default/ops'] } },
    });
  });

  it('denies without a user and leaves other permissions to the fallback', async () => {
    expect(
      await mqCertificatesOwnerDecision(
        { permission: mqCertificateReadPermission },
        undefined,
      ),
    ).toEqual({
      result: AuthorizeResult.DENY,
    });
    const other = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect(
      await mqCertificatesOwnerDecision({ permission: other }, alice),
    ).toBeUndefined();
    expect(
      await new MqCertificatesOwnerPolicy().handle(
        { permission: other },
        alice,
      ),
    ).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    const deny = new MqCertificatesOwnerPolicy({
      fallback: { handle: async () => ({ result: AuthorizeResult.DENY }) },
    });
    expect(await deny.handle({ permission: other }, alice)).toEqual({
      result: AuthorizeResult.DENY,
    });
  });
});

/**
 * A real sign-in: the guest provider of the auth backend issues a Backstage
 * token for alice (member of team-a). Real auth services are used (not the
 * mock ones) because the catalog only evaluates conditions for requests
 * another plugin makes on a user's behalf, which the real auth service
 * marks with the calling plugin as actor.
 */
async function signIn(server: Parameters<typeof request>[0]): Promise<string> {
  const res = await request(server)
    .get('/api/auth/guest/refresh')
    .set('X-Requested-With', 'XMLHttpRequest');
  if (res.status !== 200) {
    throw new Error(`guest sign-in answered ${res.status}: ${res.text}`);
  }
  return `Bearer ${res.body.backstageIdentity.token}`;
}

describe('the owner policy with the real auth, permission and catalog backends', () => {
  const entities: Entity[] = [
    qmEntity('qma', { owner: 'group:default/team-a' }),
    qmEntity('qmb', { owner: 'group:default/team-b' }),
  ];

  it('lets the owning team read its queue managers, and nobody else', async () => {
    const provider = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'test-entities',
      register(env) {
        env.registerInit({
          deps: { catalog: catalogProcessingExtensionPoint },
          async init({ catalog }) {
            catalog.addEntityProvider({
              getProviderName: () => 'test-entities',
              connect: async connection => {
                await connection.applyMutation({
                  type: 'full',
                  entities: entities.map(entity => ({
                    entity: {
                      ...entity,
                      relations: undefined,
                      metadata: {
                        ...entity.metadata,
                        annotations: {
                          ...entity.metadata.annotations,
                          'backstage.io/managed-by-location':
                            'url:https://example.test/qm.yaml',
                          'backstage.io/managed-by-origin-location':
                            'url:https://example.test/qm.yaml',
                        },
                      },
                    },
                    locationKey: 'test',
                  })),
                });
              },
            });
          },
        });
      },
    });
    const { server } = await startTestBackend({
      features: [
        authServiceFactory,
        httpAuthServiceFactory,
        userInfoServiceFactory,
        authBackend,
        guestProvider,
        catalogBackend,
        provider,
        permissionBackend,
        mqCertificatesPermissionPolicyModule,
        mqCertificatesPlugin,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            auth: {
              providers: {
                guest: {
                  dangerouslyAllowOutsideDevelopment: true,
                  userEntityRef: 'user:default/alice',
                  ownershipEntityRefs: [
                    'user:default/alice',
                    'group:default/team-a',
                  ],
                },
              },
            },
            permission: { enabled: true },
            catalog: { processingInterval: { seconds: 1 } },
            mqCertificates: { sweep: { enabled: false } },
          },
        }),
      ],
    });

    const aliceToken = await signIn(server);
    // Wait (bounded) until the catalog has processed the entities.
    for (let i = 0; i < 100; i++) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/resource/default/qmb')
        .set('Authorization', aliceToken);
      if (res.status === 200 && res.body.relations?.length) break;
      await new Promise(r => setTimeout(r, 200));
    }

    const own = await request(server)
      .get('/api/mq-certificates/v1/queue-managers/resource/default/qma')
      .set('Authorization', aliceToken);
    expect(JSON.stringify(own.body.error ?? '')).toBe('""');
    expect(own.status).toBe(200);
    expect(own.body.queueManager).toBe('QMA');

    const others = await request(server)
      .get('/api/mq-certificates/v1/queue-managers/resource/default/qmb')
      .set('Authorization', aliceToken);
    expect(others.status).toBe(403);
    expect(others.body.error.message).toContain(
      'you may not see the certificates of resource:default/qmb',
    );

    const fleet = await request(server)
      .get('/api/mq-certificates/v1/queue-managers')
      .set('Authorization', aliceToken);
    expect(fleet.status).toBe(200);
    expect(fleet.body.items.map((i: { name: string }) => i.name)).toEqual([
      'qma',
    ]);
  });
});
