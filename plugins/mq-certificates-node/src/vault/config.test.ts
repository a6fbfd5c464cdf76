import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createTestPki } from '../certificates/testPki';
import { readVaultSettings } from './config';

// JSON round trip: ConfigReader wants JsonObject, the literals below are plain objects.
const vault = (v: object) =>
  new ConfigReader(
    JSON.parse(JSON.stringify({ mqCertificates: { vault: v } })),
  );

describe('readVaultSettings', () => {
  it('reads every auth method', () => {
    const base = { address: 'https://vault.example.test:8200' };
    expect(
      readVaultSettings(
        vault({ ...base, auth: { method: 'token', token: 's.x' } }),
      ).auth,
    ).toEqual({
      method: 'token',
      token: 's.x',
    });
    expect(
      readVaultSettings(
        vault({
          ...base,
          auth: {
            method: 'approle',
            roleId: 'r',
            secretId: 's',
            mountPath: 'ar',
          },
        }),
      ).auth,
    ).toEqual({
      method: 'approle',
      roleId: 'r',
      secretId: 's',
      mountPath: 'ar',
    });
    expect(
      readVaultSettings(
        vault({ ...base, auth: { method: 'kubernetes', role: 'mq' } }),
      ).auth,
    ).toEqual({
      method: 'kubernetes',
      role: 'mq',
      mountPath: undefined,
      jwtFile: undefined,
    });
    expect(
      readVaultSettings(
        vault({ ...base, auth: { method: 'jwt', jwtFile: '/t' } }),
      ).auth,
    ).toMatchObject({
      method: 'jwt',
      jwtFile: '/t',
    });
  });

  it('names missing or wrong fields', () => {
    const base = { address: 'https://vault.example.test:8200' };
    expect(() =>
      readVaultSettings(vault({ ...base, auth: { method: 'token' } })),
    ).toThrow(
      /mqCertificates\.vault\.auth\.token: required for auth method 'token'/,
    );
    expect(() =>
      readVaultSettings(vault({ ...base, auth: { method: 'kubernetes' } })),
    ).toThrow(/mqCertificates\.vault\.auth\.role/);
    expect(() =>
      readVaultSettings(vault({ ...base, auth: { method: 'jwt' } })),
    ).toThrow(/jwt or jwtFile/);
    expect(() =>
      readVaultSettings(vault({ ...base, auth: { method: 'ldap' } })),
    ).toThrow(
      /auth\.method: 'ldap' is not one of token, approle, kubernetes, jwt/,
    );
    expect(() =>
      readVaultSettings(
        vault({
          ...base,
          auth: { method: 'token', token: 't' },
          defaultPkiRole: 'pki_int',
        }),
      ),
    ).toThrow(/mqCertificates\.vault\.defaultPkiRole/);
    expect(() =>
      readVaultSettings(
        vault({
          ...base,
          auth: { method: 'token', token: 't' },
          tls: { caFile: '/nonexistent/ca.pem' },
        }),
      ),
    ).toThrow(
      /mqCertificates\.vault\.tls\.caFile: cannot read '\/nonexistent\/ca\.pem' \(ENOENT\)/,
    );
  });

  it('reads TLS files, retry, role, password location and extra CA certificates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-config-'));
    const pki = createTestPki({ name: 'Config' });
    writeFileSync(join(dir, 'ca.pem'), pki.root.pem);
    writeFileSync(join(dir, 'cert.pem'), pki.leaf.pem);
    writeFileSync(join(dir, 'key.pem'), pki.leafKeyPem);
    const settings = readVaultSettings(
      vault({
        address: 'https://vault.example.test:8200',
        namespace: 'team-mq',
        auth: { method: 'approle', roleId: 'r', renewFraction: 0.5 },
        tls: {
          caFile: join(dir, 'ca.pem'),
          clientCertFile: join(dir, 'cert.pem'),
          clientKeyFile: join(dir, 'key.pem'),
        },
        timeoutMs: 5000,
        retry: { maxAttempts: 2, maxElapsedMs: 1000 },
        defaultPkiRole: 'pki/int/mq-queue-managers',
        extraCaCertificatesFile: join(dir, 'ca.pem'),
        keystorePasswords: { pathPrefix: 'mq/p12' },
      }),
    );
    expect(settings).toMatchObject({
      namespace: 'team-mq',
      timeoutMs: 5000,
      retry: { maxAttempts: 2, maxElapsedMs: 1000 },
      renewFraction: 0.5,
      defaultPkiRole: { mount: 'pki/int', role: 'mq-queue-managers' },
      keystorePasswords: { mount: 'secret', pathPrefix: 'mq/p12' },
      extraCaCertificatesPem: pki.root.pem,
    });
    expect(settings.tls).toEqual({
      ca: pki.root.pem,
      cert: pki.leaf.pem,
      key: pki.leafKeyPem,
    });
  });

  it('wants the client certificate and key together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-config-'));
    writeFileSync(join(dir, 'cert.pem'), 'x');
    expect(() =>
      readVaultSettings(
        vault({
          address: 'https://v:8200',
          auth: { method: 'token', token: 't' },
          tls: { clientCertFile: join(dir, 'cert.pem') },
        }),
      ),
    ).toThrow(/clientCertFile and clientKeyFile go together/);
  });
});
