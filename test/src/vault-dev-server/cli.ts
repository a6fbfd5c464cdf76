/* eslint-disable no-console */
/*
 * `npm run vault:dev [-- --port N --seed FILE --state DIR]`: runs the
 * Vault-compatible PKI dev server in the foreground. See README.md beside
 * this file.
 */
import { startVaultDevServer } from './startVaultDevServer';

const DEFAULT_PORT = 8200;

const HELP = `Usage: npm run vault:dev -- [--port N] [--seed FILE] [--state DIR] [--help]

Runs a Vault-compatible PKI dev server on 127.0.0.1 (HTTP) for tests and the
local demo. Once it accepts connections it prints, on stdout:
  VAULT_ADDR=...       its address
  VAULT_TOKEN=...      the root token
  VAULT_ROLE_ID=...    AppRole role_id of the seeded role (auth/approle)
  VAULT_SECRET_ID=...  AppRole secret_id of the seeded role

Options:
  --port N      TCP port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --seed FILE   seed file, YAML or JSON (format: test/src/vault-dev-server/README.md);
                the default seed otherwise (pki, pki_int, role mq-queue-managers,
                KV v2 at secret/, AppRole role mq-portal)
  --state DIR   keep CA keys, certificates, tokens and KV data in DIR/state.json
                across restarts (the seed is applied only while DIR holds no state);
                without it every start has a fresh CA
  --help        this text

Control (fault-injection) endpoint: GET <VAULT_ADDR>/_dev lists it.
Stop with Ctrl-C.`;

interface CliOptions {
  port: number;
  seed?: string;
  stateDir?: string;
  help: boolean;
}

class UsageError extends Error {}

/** Parses the command line; throws UsageError naming the bad option. */
function parseCliArgs(argv: string[]): CliOptions {
  const options: CliOptions = { port: DEFAULT_PORT, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // Accept --opt=value as well as --opt value.
    const [name, inline] = arg.startsWith('--')
      ? (arg.split(/=(.*)/s, 2) as [string, string | undefined])
      : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '')
        throw new UsageError(`${name} needs a value (see --help)`);
      return v;
    };
    switch (name) {
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--port': {
        const v = value();
        const port = Number(v);
        if (!/^\d+$/.test(v) || port > 65535)
          throw new UsageError(
            `--port: "${v}" is not a TCP port; give a whole number 0-65535`,
          );
        options.port = port;
        break;
      }
      case '--seed':
        options.seed = value();
        break;
      case '--state':
        options.stateDir = value();
        break;
      default:
        throw new UsageError(`unknown option ${arg} (see --help)`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`vault:dev: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(HELP);
    return;
  }
  const server = await startVaultDevServer({
    port: options.port,
    seed: options.seed,
    stateDir: options.stateDir,
  });
  // One KEY=value per line so a shell or a test can pick them up.
  console.log(`VAULT_ADDR=${server.address}`);
  console.log(`VAULT_TOKEN=${server.rootToken}`);
  console.log(`VAULT_ROLE_ID=${server.roleId}`);
  console.log(`VAULT_SECRET_ID=${server.secretId}`);
  console.error(
    `vault:dev: listening; control endpoint ${server.address}/_dev${
      options.stateDir ? `; state in ${options.stateDir}` : ''
    }; Ctrl-C stops`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      err => {
        console.error(`vault:dev: stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(e => {
  const err = e as NodeJS.ErrnoException;
  const hint =
    err.code === 'EADDRINUSE'
      ? '; another process uses that port: pick one with --port N'
      : '';
  console.error(`vault:dev: ${err.message}${hint}`);
  process.exit(1);
});
