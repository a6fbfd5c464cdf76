import nodeVault from 'node-vault';
import {
  classifyVaultFailure,
  flattenVaultMessages,
  isRetryableFailure,
  readVaultFailure,
} from './vaultFailure';

/** The real error node-vault rejects with for this answer (its classes are not exported). */
async function nodeVaultError(statusCode: number, body: unknown) {
  const client = nodeVault({ debug: () => undefined } as any);
  return client
    .handleVaultResponse({
      statusCode,
      body,
      request: { path: '/v1/pki_int/issue/r' },
    })
    .then(
      () => {
        throw new Error('node-vault resolved');
      },
      (e: unknown) => e,
    );
}

describe('readVaultFailure', () => {
  it('reads status and errors from node-vault ApiResponseError by shape', async () => {
    const err = await nodeVaultError(400, {
      errors: ['common name qm1.other.test not allowed by this role'],
    });
    expect(readVaultFailure(err)).toEqual({
      status: 400,
      messages: ['common name qm1.other.test not allowed by this role'],
      body: { errors: ['common name qm1.other.test not allowed by this role'] },
    });
  });

  it('reads an empty errors array (node-vault says "Status 404")', async () => {
    const err = (await nodeVaultError(404, { errors: [] })) as Error;
    expect(err.message).toBe('Status 404');
    expect(readVaultFailure(err)).toMatchObject({ status: 404, messages: [] });
  });

  it('reads a transport failure by its code and keeps nothing else', () => {
    const axiosLike = Object.assign(
      new Error('connect ECONNREFUSED 127.0.0.1:8200'),
      {
        code: 'ECONNREFUSED',
        config: { headers: { 'X-Vault-Token': 's.secret' } },
      },
    );
    const failure = readVaultFailure(axiosLike);
    expect(failure).toEqual({
      code: 'ECONNREFUSED',
      messages: ['connect ECONNREFUSED 127.0.0.1:8200'],
    });
    expect(JSON.stringify(failure)).not.toContain('s.secret');
  });

  it('leaves other errors alone', () => {
    expect(readVaultFailure(new TypeError('bug'))).toBeUndefined();
    expect(readVaultFailure('text')).toBeUndefined();
  });
});

describe('flattenVaultMessages', () => {
  it('splits the multi-error form into its items', () => {
    expect(
      flattenVaultMessages([
        '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n',
        'plain',
      ]),
    ).toEqual(['permission denied', 'invalid token', 'plain']);
  });
});

describe('classifyVaultFailure', () => {
  const kind = (status: number, ...messages: string[]) =>
    classifyVaultFailure({ status, messages });

  it.each([
    [503, ['Vault is sealed'], 'sealed'],
    [
      403,
      ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'],
      'invalid-token',
    ],
    [
      403,
      ['1 error occurred:\n\t* permission denied\n\n'],
      'permission-denied',
    ],
    [403, ['permission denied'], 'permission-denied'],
    [404, [], 'not-found'],
    [
      404,
      ['no handler for route "pki_nope/certs". route entry not found.'],
      'unknown-mount',
    ],
    [400, ['common name a.b not allowed by this role'], 'not-allowed-by-role'],
    [
      400,
      ['subject alternate name x.y not allowed by this role'],
      'not-allowed-by-role',
    ],
    [
      400,
      [
        'IP Subject Alternative Names are not allowed in this role, but was provided via the API',
      ],
      'not-allowed-by-role',
    ],
    [400, ['unknown role: nope'], 'unknown-role'],
    [
      400,
      ['check-and-set parameter did not match the current version'],
      'conflict',
    ],
    [
      400,
      [
        'cannot satisfy request, as TTL would result in notAfter of 2030-01-01T00:00:00Z that is beyond the expiration of the CA certificate at 2029-01-01T00:00:00Z',
      ],
      'ca-expiry',
    ],
    [400, ['invalid role or secret ID'], 'bad-request'],
    [429, [], 'rate-limited'],
    [500, ['internal error'], 'server-error'],
    [502, [], 'unavailable'],
    [503, [], 'unavailable'],
  ])('HTTP %i %j → %s', (status, messages, expected) => {
    expect(kind(status, ...messages)).toBe(expected);
  });

  it('tells timeouts, TLS and connection failures apart', () => {
    expect(classifyVaultFailure({ code: 'ECONNABORTED', messages: [] })).toBe(
      'timeout',
    );
    expect(
      classifyVaultFailure({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        messages: [],
      }),
    ).toBe('tls');
    expect(classifyVaultFailure({ code: 'ECONNRESET', messages: [] })).toBe(
      'connection',
    );
  });
});

describe('isRetryableFailure', () => {
  it('retries 429, 500, 502, 503 but not a sealed Vault', () => {
    for (const status of [429, 500, 502, 503]) {
      expect(isRetryableFailure({ status, messages: [] })).toBe(true);
    }
    expect(
      isRetryableFailure({ status: 503, messages: ['Vault is sealed'] }),
    ).toBe(false);
  });

  it('never retries 400, 403 or 404', () => {
    for (const status of [400, 403, 404]) {
      expect(isRetryableFailure({ status, messages: [] })).toBe(false);
    }
  });

  it('retries connection failures and timeouts, not TLS or DNS errors', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ECONNABORTED',
      'ETIMEDOUT',
    ]) {
      expect(isRetryableFailure({ code, messages: [] })).toBe(true);
    }
    for (const code of ['CERT_HAS_EXPIRED', 'ENOTFOUND']) {
      expect(isRetryableFailure({ code, messages: [] })).toBe(false);
    }
  });

  it('follows a configured status list', () => {
    expect(isRetryableFailure({ status: 500, messages: [] }, [503])).toBe(
      false,
    );
  });
});
