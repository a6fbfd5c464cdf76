import crypto, { KeyObject } from 'node:crypto';
import { defaultSeed, startVaultDevServer, VaultDevServer } from './index';
import { call, nodeVault } from './testSupport';

jest.setTimeout(60_000);

/*
 * "Accept JWTs signed by a key in the seed": the JWTs here are signed by the
 * test itself (its own compact-JWS code, not the server's minting helper), with
 * the seed's jwt_signing_key or a key listed in the jwt mount's
 * jwt_validation_pubkeys, as a real identity provider would sign them.
 */

function jws(claims: Record<string, unknown>, key: KeyObject): string {
  const ec = key.asymmetricKeyType === 'ec';
  const enc = (v: unknown) =>
    Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc({ alg: ec ? 'ES256' : 'RS256', typ: 'JWT' })}.${enc(
    claims,
  )}`;
  const sig = crypto.sign(
    'sha256',
    Buffer.from(input),
    ec ? { key, dsaEncoding: 'ieee-p1363' } : key,
  );
  return `${input}.${sig.toString('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);

describe('vault dev server: JWT and Kubernetes logins trust the keys of the seed', () => {
  let server: VaultDevServer;
  const seedKey = crypto.generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });
  const idpKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = crypto.generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });

  beforeAll(async () => {
    const seed = defaultSeed();
    seed.jwt_signing_key = seedKey.privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    seed.auth!.jwt.config = {
      jwt_validation_pubkeys: [
        idpKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ],
    };
    server = await startVaultDevServer({ seed });
  });
  afterAll(() => server.stop());

  const jwtLogin = (jwt: string) =>
    call(server, 'POST', 'auth/jwt/login', {
      body: { role: 'mq-portal', jwt },
    });

  it('accepts a JWT signed with the seed jwt_signing_key (jwt and kubernetes)', async () => {
    const claims = { sub: 'backstage', aud: 'vault', exp: now() + 300 };
    const jwt = await jwtLogin(jws(claims, seedKey.privateKey));
    expect(jwt.status).toBe(200);
    expect(jwt.body.auth.policies).toEqual(['default', 'mq-portal']);

    const k8s = await nodeVault(server).kubernetesLogin({
      role: 'mq-portal',
      mount_point: 'kubernetes',
      jwt: jws(
        {
          iss: 'kubernetes/serviceaccount',
          sub: 'system:serviceaccount:backstage:backstage',
          aud: 'vault',
          exp: now() + 300,
          'kubernetes.io/serviceaccount/namespace': 'backstage',
          'kubernetes.io/serviceaccount/service-account.name': 'backstage',
          'kubernetes.io/serviceaccount/service-account.uid': 'uid-7',
        },
        seedKey.privateKey,
      ),
    });
    expect(k8s.auth.metadata).toMatchObject({
      service_account_name: 'backstage',
      service_account_namespace: 'backstage',
      service_account_uid: 'uid-7',
    });
  });

  it('accepts a JWT signed by a key in jwt_validation_pubkeys (RS256)', async () => {
    const res = await jwtLogin(
      jws(
        { sub: 'backstage', aud: 'vault', exp: now() + 300 },
        idpKey.privateKey,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.auth.token_policies).toEqual(['default', 'mq-portal']);
  });

  it('refuses a JWT signed by any other key, and still checks audience and expiry on trusted ones', async () => {
    const foreign = await jwtLogin(
      jws(
        { sub: 'backstage', aud: 'vault', exp: now() + 300 },
        stranger.privateKey,
      ),
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0]).toContain('signature');

    const wrongAudience = await jwtLogin(
      jws(
        { sub: 'backstage', aud: 'someone-else', exp: now() + 300 },
        idpKey.privateKey,
      ),
    );
    expect(wrongAudience.status).toBe(400);
    expect(wrongAudience.body.errors[0]).toContain('audience');

    // past the role's default 150 s expiration leeway
    const expired = await jwtLogin(
      jws(
        { sub: 'backstage', aud: 'vault', exp: now() - 600 },
        seedKey.privateKey,
      ),
    );
    expect(expired.status).toBe(400);
    expect(expired.body.errors[0]).toContain('token is expired');
  });
});
