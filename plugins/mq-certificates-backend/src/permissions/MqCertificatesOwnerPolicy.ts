import {
  BackstageCredentials,
  createBackendModule,
  coreServices,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { mqCertificatesPermissions } from '@mqcert/plugin-mq-certificates-common';

const MQ_PERMISSION_NAMES = new Set(mqCertificatesPermissions.map(p => p.name));

/**
 * The ready-made rule for the MQ certificate permissions: the owners of a
 * queue manager's catalog entity (the user and the groups they belong to)
 * may read, rotate and approve; nobody else may. Returns undefined for any
 * other permission, so an existing policy can call it first and fall
 * through to its own rules:
 *
 * ```ts
 * async handle(request, user) {
 *   return (await mqCertificatesOwnerDecision(request, user, userInfo)) ?? myRules(request, user);
 * }
 * ```
 *
 * Ownership comes from the userInfo service when given (Backstage tokens no
 * longer carry ownership claims since v1.50), else from the deprecated
 * `user.info`.
 *
 * @public
 */
export async function mqCertificatesOwnerDecision(
  request: PolicyQuery,
  user: PolicyQueryUser | undefined,
  userInfo?: UserInfoService,
): Promise<PolicyDecision | undefined> {
  const { permission } = request;
  if (!MQ_PERMISSION_NAMES.has(permission.name)) return undefined;
  if (!isResourcePermission(permission, 'catalog-entity') || !user) {
    return { result: AuthorizeResult.DENY };
  }
  const claims = await ownershipOf(user, userInfo);
  if (!claims.length) return { result: AuthorizeResult.DENY };
  return createCatalogConditionalDecision(
    permission,
    catalogConditions.isEntityOwner({ claims }),
  );
}

async function ownershipOf(
  user: PolicyQueryUser,
  userInfo?: UserInfoService,
): Promise<string[]> {
  if (userInfo) {
    try {
      const info = await userInfo.getUserInfo(
        user.credentials as BackstageCredentials,
      );
      return info.ownershipEntityRefs;
    } catch {
      // not a user principal with a token userInfo can read; fall back
    }
  }
  return user.info?.ownershipEntityRefs ?? [];
}

/**
 * A complete permission policy: {@link mqCertificatesOwnerDecision} for the
 * MQ certificate permissions, and `fallback` for everything else (default:
 * allow, like Backstage's allow-all policy used in demos; give your own
 * policy in production).
 *
 * @public
 */
export class MqCertificatesOwnerPolicy implements PermissionPolicy {
  constructor(
    private readonly options: {
      userInfo?: UserInfoService;
      fallback?: PermissionPolicy;
    } = {},
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const decision = await mqCertificatesOwnerDecision(
      request,
      user,
      this.options.userInfo,
    );
    if (decision) return decision;
    if (this.options.fallback)
      return this.options.fallback.handle(request, user);
    return { result: AuthorizeResult.ALLOW };
  }
}

/**
 * A permission-backend module that installs {@link MqCertificatesOwnerPolicy}
 * (owners may read, rotate and approve; everything else allowed). Add it to a
 * backend instead of the allow-all policy module, e.g. in the demo:
 * `backend.add(mqCertificatesPermissionPolicyModule)`.
 *
 * @public
 */
export const mqCertificatesPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'mq-certificates-owner-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, userInfo }) {
        policy.setPolicy(new MqCertificatesOwnerPolicy({ userInfo }));
      },
    });
  },
});
