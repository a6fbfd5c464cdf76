import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWithTools } from '../support/describeWithTools';
import { startVaultDevServer, VaultDevServer } from './index';
import { call } from './testSupport';

jest.setTimeout(90_000);

/**
 * Issued certificates checked by an independent reader: OpenSSL 3 must accept
 * leaf + ca_chain exactly as a queue manager's GSKit or a Java client would
 * have to.
 */
describeWithTools(
  ['openssl'],
  'vault dev server: issued chains verified by openssl',
  () => {
    let server: VaultDevServer;
    let root: string;
    let dir: string;

    const write = (name: string, text: string | Buffer) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const openssl = (...args: string[]) =>
      execFileSync('openssl', args, { encoding: 'utf8' });
    /** `openssl verify` of a leaf against the chain: trust anchor = last entry. */
    const verify = (leafPem: string, chain: string[]) => {
      const anchor = write('anchor.pem', `${chain[chain.length - 1]}\n`);
      const args = ['verify', '-CAfile', anchor];
      if (chain.length > 1) {
        args.push(
          '-untrusted',
          write('untrusted.pem', `${chain.slice(0, -1).join('\n')}\n`),
        );
      }
      args.push(write('leaf.pem', `${leafPem}\n`));
      const r = spawnSync('openssl', args, { encoding: 'utf8' });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };
    const issue = async (role: string, body: Record<string, unknown>) => {
      const res = await call(server, 'POST', `pki_int/issue/${role}`, {
        token: root,
        body,
      });
      expect(res.status).toBe(200);
      return res.body.data;
    };

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-openssl-'));
      server = await startVaultDevServer();
      root = server.rootToken;
      for (const bits of [256, 384]) {
        await call(server, 'POST', `pki_int/roles/mq-ec${bits}`, {
          token: root,
          body: {
            allowed_domains: 'mq.example.test',
            allow_subdomains: true,
            key_type: 'ec',
            key_bits: bits,
          },
        });
      }
    });
    afterAll(async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('RSA role: leaf + ca_chain verify, key matches, server and client auth, SAN', async () => {
      const d = await issue('mq-queue-managers', {
        common_name: 'qm1.mq.example.test',
        alt_names: 'qm1-alt.mq.example.test',
      });
      expect(d.ca_chain).toHaveLength(2);
      const v = verify(d.certificate, d.ca_chain);
      expect(v.out.trim()).toBe(`${path.join(dir, 'leaf.pem')}: OK`);
      expect(v.status).toBe(0);

      const text = openssl('x509', '-in', path.join(dir, 'leaf.pem'), '-text');
      expect(text).toContain('Public-Key: (2048 bit)');
      expect(text).toMatch(
        /TLS Web Server Authentication, TLS Web Client Authentication/,
      );
      expect(text).toMatch(
        /DNS:qm1\.mq\.example\.test, DNS:qm1-alt\.mq\.example\.test/,
      );
      expect(d.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
      const keyPub = openssl(
        'pkey',
        '-in',
        write('key.pem', `${d.private_key}\n`),
        '-pubout',
      );
      const certPub = openssl(
        'x509',
        '-in',
        path.join(dir, 'leaf.pem'),
        '-pubkey',
        '-noout',
      );
      expect(keyPub).toBe(certPub);
    });

    it.each([
      [256, 'prime256v1'],
      [384, 'secp384r1'],
    ])(
      'EC role key_bits %i: leaf verifies, curve %s, EC PRIVATE KEY readable',
      async (bits, curve) => {
        const d = await issue(`mq-ec${bits}`, {
          common_name: 'ec.mq.example.test',
        });
        expect(d.private_key_type).toBe('ec');
        expect(d.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
        const v = verify(d.certificate, d.ca_chain);
        expect(v.status).toBe(0);
        expect(
          openssl('x509', '-in', path.join(dir, 'leaf.pem'), '-text'),
        ).toContain(`ASN1 OID: ${curve}`);
        const key = write('ec-key.pem', `${d.private_key}\n`);
        expect(openssl('pkey', '-in', key, '-pubout')).toBe(
          openssl(
            'x509',
            '-in',
            path.join(dir, 'leaf.pem'),
            '-pubkey',
            '-noout',
          ),
        );
      },
    );

    it('pem_bundle, der and pkcs8 outputs are read by openssl', async () => {
      const bundle = await issue('mq-ec256', {
        common_name: 'b.mq.example.test',
        format: 'pem_bundle',
      });
      const blocks = (bundle.certificate as string).match(
        /-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----/g,
      )!;
      expect(blocks[0]).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
      expect(blocks.slice(1)).toHaveLength(3);
      expect(verify(blocks[1], blocks.slice(2)).status).toBe(0);

      const der = await issue('mq-ec256', {
        common_name: 'd.mq.example.test',
        format: 'der',
      });
      const derFile = write('leaf.der', Buffer.from(der.certificate, 'base64'));
      expect(
        openssl('x509', '-inform', 'DER', '-in', derFile, '-noout', '-subject'),
      ).toMatch(/CN ?= ?d\.mq\.example\.test/);

      const p8 = await issue('mq-ec256', {
        common_name: 'p.mq.example.test',
        private_key_format: 'pkcs8',
      });
      expect(p8.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      const p8File = write('p8.pem', `${p8.private_key}\n`);
      expect(openssl('pkey', '-in', p8File, '-noout', '-text')).toContain(
        'ASN1 OID: prime256v1',
      );
    });

    it('signs a CSR made by openssl; the leaf keeps its key and verifies', async () => {
      const keyFile = path.join(dir, 'csr-key.pem');
      const csrFile = path.join(dir, 'req.csr');
      openssl(
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        csrFile,
        '-subj',
        '/CN=qm2.mq.example.test',
      );
      const res = await call(server, 'POST', 'pki_int/sign/mq-ec256', {
        token: root,
        body: { csr: fs.readFileSync(csrFile, 'utf8') },
      });
      expect(res.status).toBe(200);
      expect(res.body.data.private_key).toBeUndefined();
      expect(
        verify(res.body.data.certificate, res.body.data.ca_chain).status,
      ).toBe(0);
      expect(openssl('pkey', '-in', keyFile, '-pubout')).toBe(
        openssl('x509', '-in', path.join(dir, 'leaf.pem'), '-pubkey', '-noout'),
      );
    });

    it("refuses another server's root as anchor (the check can fail)", async () => {
      const other = await startVaultDevServer();
      try {
        const d = await issue('mq-ec256', { common_name: 'x.mq.example.test' });
        const otherRoot = other.caChainPem.split(/\n(?=-----BEGIN)/)[0];
        const v = verify(d.certificate, [d.ca_chain[0], otherRoot]);
        expect(v.status).not.toBe(0);
        expect(v.out).toMatch(/unable to get local issuer certificate/);
      } finally {
        await other.stop();
      }
    });

    it('after rotating the issuing CA, new leaves verify on the new chain and old ones on the old', async () => {
      const old = await issue('mq-ec256', { common_name: 'o.mq.example.test' });
      await server.control.rotateIssuer('pki_int', { key_type: 'ec' });
      const fresh = await issue('mq-ec256', {
        common_name: 'n.mq.example.test',
      });
      expect(fresh.issuing_ca).not.toBe(old.issuing_ca);
      expect(verify(fresh.certificate, fresh.ca_chain).status).toBe(0);
      expect(verify(old.certificate, old.ca_chain).status).toBe(0);
      expect(
        verify(old.certificate, [fresh.ca_chain[0], fresh.ca_chain[1]]).status,
      ).not.toBe(0);
    });
  },
);
