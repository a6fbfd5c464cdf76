import { startVaultDevServer, VaultDevServer } from './index';
import { call, nodeVault, parseResponses, rawExchange } from './testSupport';

jest.setTimeout(60_000);

describe('vault dev server: LIST verb and ?list=true', () => {
  let server: VaultDevServer;
  let root: string;
  let serial: string;

  beforeAll(async () => {
    server = await startVaultDevServer();
    root = server.rootToken;
    await call(server, 'POST', 'pki_int/roles/ec', {
      token: root,
      body: {
        allowed_domains: 'mq.example.test',
        allow_subdomains: true,
        key_type: 'ec',
      },
    });
    serial = (
      await call(server, 'POST', 'pki_int/issue/ec', {
        token: root,
        body: { common_name: 'l.mq.example.test' },
      })
    ).body.data.serial_number;
  });
  afterAll(() => server.stop());

  it('serves node-vault list() (LIST verb) and noCustomHTTPVerbs (GET ?list=1) alike', async () => {
    const since = (await server.control.requests()).at(-1)?.seq ?? 0;
    const viaVerb = await nodeVault(server, root).list('pki_int/certs');
    const viaQuery = await nodeVault(server, root, {
      noCustomHTTPVerbs: true,
    }).list('pki_int/certs');
    expect(viaVerb.data.keys).toEqual([serial]);
    expect(viaQuery.data).toEqual(viaVerb.data);
    const log = await server.control.requests({ since });
    expect(
      log.map(r => `${r.method} ${r.path}?${r.query} ${r.status}`),
    ).toEqual([
      'LIST /v1/pki_int/certs? 200',
      'GET /v1/pki_int/certs?list=1 200',
    ]);
  });

  it('accepts GET ?list=true and answers an empty list with 404', async () => {
    const res = await call(server, 'GET', 'pki_int/certs?list=true', {
      token: root,
    });
    expect(res.body.data.keys).toEqual([serial]);
    const empty = await call(server, 'GET', 'pki_int/certs/revoked?list=true', {
      token: root,
    });
    expect([empty.status, empty.body]).toEqual([404, { errors: [] }]);
  });

  it('rewrites LIST on every request of a keep-alive connection, across bodies of both framings', async () => {
    const kvBody = JSON.stringify({ data: { k: 'v' } });
    const chunked = `${kvBody.length.toString(16)}\r\n${kvBody}\r\n0\r\n\r\n`;
    const issueBody = JSON.stringify({ common_name: 'k.mq.example.test' });
    const head = (line: string, extra = '') =>
      `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: ${root}\r\n${extra}`;
    const payload =
      `${head('LIST /v1/pki_int/certs')}\r\n` +
      `${head(
        'POST /v1/pki_int/issue/ec',
        `Content-Type: application/json\r\nContent-Length: ${issueBody.length}\r\n`,
      )}\r\n${issueBody}` +
      `${head(
        'POST /v1/secret/data/list/a',
        'Transfer-Encoding: chunked\r\n',
      )}\r\n${chunked}` +
      `${head('LIST /v1/secret/metadata/list')}\r\n` +
      `${head('LIST /v1/pki_int/certs', 'Connection: close\r\n')}\r\n`;
    const responses = parseResponses(await rawExchange(server.port, payload));
    expect(responses.map(r => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses[0].body.data.keys).toEqual([serial]);
    expect(responses[2].body.data.version).toBe(1);
    expect(responses[3].body.data.keys).toEqual(['a']);
    expect(responses[4].body.data.keys).toEqual(
      expect.arrayContaining([serial, responses[1].body.data.serial_number]),
    );
  });

  it('answers LIST on a path without a list operation with 405', async () => {
    const res = parseResponses(
      await rawExchange(
        server.port,
        `LIST /v1/pki_int/ca/pem HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${root}\r\nConnection: close\r\n\r\n`,
      ),
    );
    expect(res).toEqual([
      {
        status: 405,
        body: { errors: ['1 error occurred:\n\t* unsupported operation\n\n'] },
      },
    ]);
  });
});
