import { createBackendModule } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** Provider id of {@link testUserAuthProviderModule}; enable it with `auth.providers.test-user: {}`. */
export const TEST_USER_PROVIDER_ID = 'test-user';
/** Header naming the user entity ref to sign in as. */
export const TEST_USER_HEADER = 'x-test-user';
/** Header with a comma list of ownership entity refs (default: the user only). */
export const TEST_USER_OWNERSHIP_HEADER = 'x-test-user-ownership';

/**
 * TEST-ONLY sign-in: `GET /api/auth/test-user/refresh` with header
 * `x-test-user: user:default/alice` (and optionally
 * `x-test-user-ownership: user:default/alice,group:default/mq-team`) issues
 * a real Backstage user token for that identity through the auth backend,
 * like the guest provider does for its one user. The e2e tests need a
 * second owner (someone other than the requester approves) and an outsider
 * (refused with 403). Never add it to a real backend: anyone could sign in
 * as anyone.
 */
export const testUserAuthProviderModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'test-user-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        const authenticator = createProxyAuthenticator({
          defaultProfileTransform: async () => ({ profile: {} }),
          initialize: () => undefined,
          async authenticate({ req }) {
            const user = req.header(TEST_USER_HEADER);
            if (!user || !/^user:[a-z0-9-]+\/[a-z0-9._-]+$/i.test(user)) {
              throw new AuthenticationError(
                `${TEST_USER_HEADER}: give a user entity ref such as user:default/alice`,
              );
            }
            const ownership = (req.header(TEST_USER_OWNERSHIP_HEADER) ?? user)
              .split(',')
              .map(s => s.trim())
              .filter(Boolean);
            return { result: { user, ownership } };
          },
        });
        providers.registerProvider({
          providerId: TEST_USER_PROVIDER_ID,
          factory: createProxyAuthProviderFactory({
            authenticator,
            async signInResolver({ result }, ctx) {
              return ctx.issueToken({
                claims: { sub: result.user, ent: result.ownership },
              });
            },
          }),
        });
      },
    });
  },
});
