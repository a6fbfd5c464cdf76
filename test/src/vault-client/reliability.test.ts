import { freePort } from '../support/net';
import {
  defaultSeed,
  startVaultDevServer,
  VaultDevServer,
} from '../vault-dev-server';
import { clientFor, failureOf, lastSeq, requestsSince } from './support';

jest.setTimeout(60_000);

const ROLE = { mount: 'pki_int', role: 'mq-queue-managers' };
const ISSUE_PATH = '/v1/pki_int/issue/mq-queue-managers';

/** The default seed with an EC MQ role, so the many issues here stay fast. */
function seed() {
  const s = defaultSeed();
  const pkiInt = s.secrets!.pki_int as { roles: Record<string, any> };
  pkiInt.roles['mq-queue-managers'] = {
    ...pkiInt.roles['mq-queue-managers'],
    key_type: 'ec',
    key_bits: 256,
  };
  return s;
}

describe('Vault client against the dev server: retries, sealing, timeouts', () => {
  let server: VaultDevServer;

  beforeAll(async () => {
    server = await startVaultDevServer({ seed: seed() });
  });
  afterEach(() => server.control.clearFaults());
  afterAll(() => server.stop());

  const portal = (extra = {}) =>
    clientFor(
      server,
      { method: 'approle', roleId: server.roleId, secretId: server.secretId },
      extra,
    );
  const issueStatuses = async (since: number) =>
    (await requestsSince(server, since, ISSUE_PATH)).map(r => r.status);

  it.each([
    [429, 'rate limit quota exceeded'],
    [500, 'internal error'],
    [502, 'upstream rate limited'],
    [503, 'Vault is in maintenance mode'],
  ])(
    'retries %i twice, then succeeds, logging each retry',
    async (status, text) => {
      const { client, logger } = portal();
      await client.lookupToken();
      const since = await lastSeq(server);
      await server.control.failNext('pki_int/issue', status, {
        count: 2,
        errors: [text],
      });
      const issued = await client.issue({
        role: ROLE,
        commonName: 'r.mq.example.test',
      });
      expect(issued.certificatePem).toMatch(/^-----BEGIN CERTIFICATE/);
      expect(await issueStatuses(since)).toEqual([status, status, 200]);
      const retries = logger.lines.filter(l => l.level === 'warn');
      expect(retries.map(l => l.message)).toEqual([
        `Vault issue on role pki_int/mq-queue-managers failed (HTTP ${status}: ${text}); retry 1 of 3 in ${
          /in (\d+) ms/.exec(retries[0].message)?.[1]
        } ms`,
        expect.stringMatching(
          new RegExp(`\\(HTTP ${status}: .*\\); retry 2 of 3 in \\d+ ms$`),
        ),
      ]);
    },
  );

  it('gives up after maxAttempts with the last Vault answer and the attempt count', async () => {
    const { client } = portal();
    await client.lookupToken();
    const since = await lastSeq(server);
    await server.control.failNext('pki_int/issue', 502, { count: -1 });
    const err = await failureOf(
      client.issue({ role: ROLE, commonName: 'g.mq.example.test' }),
    );
    expect(err.kind).toBe('unavailable');
    expect(err.attempts).toBe(4);
    expect(err.message).toContain('(HTTP 502, 4 attempts)');
    expect(await issueStatuses(since)).toEqual([502, 502, 502, 502]);
  });

  it('stops retrying once maxElapsedMs is spent, even with attempts left', async () => {
    const { client } = portal({
      retry: {
        maxAttempts: 20,
        baseDelayMs: 100,
        maxDelayMs: 200,
        maxElapsedMs: 700,
      },
    });
    await client.lookupToken();
    const since = await lastSeq(server);
    await server.control.failNext('pki_int/issue', 500, { count: -1 });
    const started = Date.now();
    const err = await failureOf(
      client.issue({ role: ROLE, commonName: 't.mq.example.test' }),
    );
    const took = Date.now() - started;
    expect(err.kind).toBe('server-error');
    expect(took).toBeLessThan(700 + 500);
    const statuses = await issueStatuses(since);
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expect(statuses.length).toBeLessThan(20);
    expect(err.attempts).toBe(statuses.length);
  });

  it('reports a sealed Vault as sealed at once (no retries), and works again once unsealed', async () => {
    const { client } = portal();
    await client.lookupToken();
    const since = await lastSeq(server);
    await server.control.seal();
    try {
      const err = await failureOf(
        client.issue({ role: ROLE, commonName: 's.mq.example.test' }),
      );
      expect(err.kind).toBe('sealed');
      expect(err.vaultStatus).toBe(503);
      expect(err.vaultMessages).toEqual(['Vault is sealed']);
      expect(err.hint).toContain('is sealed: an operator must unseal it');
      expect(err.attempts).toBe(1);
      expect(err.statusCode).toBe(503);
    } finally {
      await server.control.unseal();
    }
    expect(await issueStatuses(since)).toEqual([503]);
    await client.issue({ role: ROLE, commonName: 's.mq.example.test' });
  });

  it('never retries 400, 403 or 404', async () => {
    const { client } = portal();
    await client.lookupToken();
    for (const status of [400, 403, 404]) {
      const since = await lastSeq(server);
      await server.control.failNext('pki_int/issue', status, {
        errors: [`injected ${status}`],
      });
      const err = await failureOf(
        client.issue({ role: ROLE, commonName: 'n.mq.example.test' }),
      );
      expect(err.vaultStatus).toBe(status);
      expect(err.attempts).toBe(1);
      expect(await issueStatuses(since)).toEqual([status]);
    }
  });

  it('retries a reset connection, then succeeds', async () => {
    const { client } = portal();
    await client.lookupToken();
    const since = await lastSeq(server);
    await server.control.resetConnections('pki_int/issue');
    await client.issue({ role: ROLE, commonName: 'c.mq.example.test' });
    expect(await issueStatuses(since)).toEqual([0, 200]);
  });

  it('times out a slow answer by its request timeout and retries it', async () => {
    const { client } = portal({ timeoutMs: 400 });
    await client.lookupToken();
    const since = await lastSeq(server);
    await server.control.addLatency('pki_int/issue', 1_500);
    const started = Date.now();
    await client.issue({ role: ROLE, commonName: 'slow.mq.example.test' });
    expect(Date.now() - started).toBeLessThan(1_500);
    // The dev server logs a request when its handler ends: the abandoned
    // slow one shows up once its 1.5 s latency is over, after the retry.
    let log = await requestsSince(server, since, ISSUE_PATH);
    for (let i = 0; i < 50 && log.length < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 100));
      log = await requestsSince(server, since, ISSUE_PATH);
    }
    expect(log).toHaveLength(2);
    const [slow, retry] = [...log].sort((a, b) => a.time.localeCompare(b.time));
    expect(slow.duration_ms).toBeGreaterThanOrEqual(1_500);
    expect(retry).toMatchObject({ status: 200 });
    expect(retry.duration_ms).toBeLessThan(1_500);
  });

  it('a Vault that stays slow ends as a timeout error naming timeoutMs', async () => {
    const { client } = portal({
      timeoutMs: 300,
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    });
    await client.lookupToken();
    await server.control.addLatency('pki_int/issue', 1_000, { count: -1 });
    const err = await failureOf(
      client.issue({ role: ROLE, commonName: 'slow.mq.example.test' }),
    );
    expect(err.kind).toBe('timeout');
    expect(err.code).toBe('ECONNABORTED');
    expect(err.attempts).toBe(2);
    expect(err.hint).toContain(
      "did not answer within 300 ms: check Vault's load and the network, or raise mqCertificates.vault.timeoutMs",
    );
  });

  it('names the address when nothing listens there, after bounded retries', async () => {
    const port = await freePort();
    const { client } = clientFor(
      { address: `http://127.0.0.1:${port}` } as VaultDevServer,
      { method: 'token', token: 'hvs.unused' },
    );
    const started = Date.now();
    const err = await failureOf(client.readRole('pki_int', 'x'));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.kind).toBe('connection');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.hint).toContain(
      `Cannot reach Vault at http://127.0.0.1:${port}`,
    );
    expect(err.message).not.toContain('hvs.unused');
  });
});
