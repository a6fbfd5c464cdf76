import crypto, { KeyObject } from 'node:crypto';
import { randomBase62 } from '../core/ids';
import { exportPrivateKey, importPrivateKey } from '../pki/x509/keys';

const b64url = (buf: Buffer) => buf.toString('base64url');

function algorithmFor(key: KeyObject): {
  alg: string;
  hash: string;
  dsaEncoding?: 'ieee-p1363';
} {
  if (key.asymmetricKeyType === 'ec')
    return { alg: 'ES256', hash: 'sha256', dsaEncoding: 'ieee-p1363' };
  if (key.asymmetricKeyType === 'rsa') return { alg: 'RS256', hash: 'sha256' };
  throw new Error(`unsupported JWT signing key ${key.asymmetricKeyType}`);
}

/** Signs a compact JWS (ES256 for EC P-256 keys, RS256 for RSA keys). */
export function signJwt(
  claims: Record<string, unknown>,
  privateKey: KeyObject,
  kid: string,
): string {
  const { alg, hash, dsaEncoding } = algorithmFor(privateKey);
  const header = b64url(Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid })));
  const payload = b64url(Buffer.from(JSON.stringify(claims)));
  const signingInput = `${header}.${payload}`;
  const sig = crypto.sign(hash, Buffer.from(signingInput), {
    key: privateKey,
    dsaEncoding,
  });
  return `${signingInput}.${b64url(sig)}`;
}

export type JwtProblem = 'malformed' | 'signature';

export class JwtError extends Error {
  constructor(readonly problem: JwtProblem, message: string) {
    super(message);
  }
}

/** Verifies a compact JWS against any of the trusted public keys; returns its claims. */
export function verifyJwt(
  token: string,
  trusted: KeyObject[],
): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed', 'token is malformed');
  let header: { alg?: string };
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  } catch {
    throw new JwtError('malformed', 'token is malformed');
  }
  const input = Buffer.from(`${parts[0]}.${parts[1]}`);
  const sig = Buffer.from(parts[2], 'base64url');
  for (const key of trusted) {
    let ok = false;
    try {
      if (header.alg === 'ES256' && key.asymmetricKeyType === 'ec') {
        ok = crypto.verify(
          'sha256',
          input,
          { key, dsaEncoding: 'ieee-p1363' },
          sig,
        );
      } else if (header.alg === 'RS256' && key.asymmetricKeyType === 'rsa') {
        ok = crypto.verify('sha256', input, key, sig);
      }
    } catch {
      ok = false;
    }
    if (ok) return claims;
  }
  throw new JwtError('signature', 'failed to verify id token signature');
}

/**
 * The dev server's JWT/Kubernetes signing key: auth/jwt and auth/kubernetes
 * mounts trust it (in addition to any keys their config lists), and tests
 * mint tokens with it.
 */
export class JwtSigner {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(privateKeyPem?: string, readonly kid: string = randomBase62(16)) {
    this.privateKey = privateKeyPem
      ? importPrivateKey(privateKeyPem)
      : crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
          .privateKey;
    this.publicKey = crypto.createPublicKey(this.privateKey);
  }

  get publicKeyPem(): string {
    return this.publicKey
      .export({ type: 'spki', format: 'pem' })
      .toString()
      .trim();
  }

  sign(claims: Record<string, unknown>): string {
    return signJwt(claims, this.privateKey, this.kid);
  }

  snapshot() {
    return { private_key: exportPrivateKey(this.privateKey), kid: this.kid };
  }
}

/** What tests ask for when minting a JWT (see README, "JWTs for tests"). */
export interface MintJwtOptions {
  /** `sub`; for Kubernetes tokens it defaults to system:serviceaccount:<ns>:<name>. */
  subject?: string;
  audience?: string | string[];
  issuer?: string;
  /** Seconds from now until `exp`; negative makes an already expired token. Default 600. */
  ttlSeconds?: number;
  /** Service-account claims, in both the legacy and the projected-token form. */
  kubernetes?: {
    namespace: string;
    serviceAccount: string;
    uid?: string;
    secretName?: string;
  };
  /** Extra or overriding claims. */
  claims?: Record<string, unknown>;
  /** Sign with a throwaway key the server does not trust (bad-signature tests). */
  untrusted?: boolean;
}

export function mintClaims(opts: MintJwtOptions): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss:
      opts.issuer ??
      (opts.kubernetes ? 'kubernetes/serviceaccount' : 'vault-dev-server'),
    iat: now,
    nbf: now - 1,
    exp: now + (opts.ttlSeconds ?? 600),
  };
  if (opts.audience !== undefined) claims.aud = opts.audience;
  const k8s = opts.kubernetes;
  if (k8s) {
    const uid = k8s.uid ?? crypto.randomUUID();
    claims.sub = `system:serviceaccount:${k8s.namespace}:${k8s.serviceAccount}`;
    claims['kubernetes.io'] = {
      namespace: k8s.namespace,
      serviceaccount: { name: k8s.serviceAccount, uid },
    };
    claims['kubernetes.io/serviceaccount/namespace'] = k8s.namespace;
    claims['kubernetes.io/serviceaccount/service-account.name'] =
      k8s.serviceAccount;
    claims['kubernetes.io/serviceaccount/service-account.uid'] = uid;
    if (k8s.secretName)
      claims['kubernetes.io/serviceaccount/secret.name'] = k8s.secretName;
  }
  if (opts.subject !== undefined) claims.sub = opts.subject;
  return { ...claims, ...opts.claims };
}

export function mintJwt(signer: JwtSigner, opts: MintJwtOptions): string {
  const claims = mintClaims(opts);
  if (!opts.untrusted) return signer.sign(claims);
  const stranger = crypto.generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  }).privateKey;
  return signJwt(claims, stranger, signer.kid);
}
