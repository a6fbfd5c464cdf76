import { describeWithTools } from './describeWithTools';
import { TOOL_PACKAGES } from './tools';

/*
 * The CI contract of issue 2: with CI=true a test whose system tool is missing
 * fails, it never skips. describeWithTools registers blocks through the jest
 * globals, so this test swaps them for recorders while it calls it; nothing
 * it registers reaches jest.
 */

type Fn = () => void;

function record(run: () => void) {
  const calls: Array<{ kind: string; name: string; fn: Fn }> = [];
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = { describe: g.describe, it: g.it };
  const fakeDescribe = Object.assign(
    (name: string, fn: Fn) => calls.push({ kind: 'describe', name, fn }),
    {
      skip: (name: string, fn: Fn) =>
        calls.push({ kind: 'describe.skip', name, fn }),
    },
  );
  const fakeIt = (name: string, fn: Fn) => calls.push({ kind: 'it', name, fn });
  g.describe = fakeDescribe;
  g.it = fakeIt;
  try {
    run();
    // Run the bodies of registered describe blocks (collects their its).
    for (const c of [...calls]) {
      if (c.kind === 'describe') c.fn();
    }
  } finally {
    g.describe = saved.describe;
    g.it = saved.it;
  }
  return calls;
}

describe('describeWithTools', () => {
  const savedCi = process.env.CI;
  afterEach(() => {
    if (savedCi === undefined) delete process.env.CI;
    else process.env.CI = savedCi;
  });
  const MISSING = 'mqcert-no-such-tool-4f1c';

  it('runs the block as usual when every tool is there', () => {
    process.env.CI = 'true';
    const body = jest.fn();
    const calls = record(() => describeWithTools(['sh'], 'uses sh', body));
    expect(calls.map(c => [c.kind, c.name])).toEqual([['describe', 'uses sh']]);
    expect(body).toHaveBeenCalledTimes(1);
  });

  it('with CI=true, turns a missing tool into one failing test that names it and its package', () => {
    process.env.CI = 'true';
    const body = jest.fn();
    const calls = record(() =>
      describeWithTools(['openssl', MISSING], 'needs tools', body),
    );
    expect(calls.map(c => [c.kind, c.name])).toEqual([
      ['describe', 'needs tools'],
      ['it', 'has the system tools it needs'],
    ]);
    // The real tests are not registered, so nothing can pass by accident.
    expect(body).not.toHaveBeenCalled();
    expect(calls[1].fn).toThrow(
      `missing ${MISSING} (Debian package ${MISSING}); install them (test/scripts/system-deps.sh does, as root)`,
    );
  });

  it('knows the Debian package of every tool class issue 2 names', () => {
    expect(TOOL_PACKAGES).toMatchObject({
      openssl: 'openssl',
      keytool: 'default-jre-headless',
      sshd: 'openssh-server',
      atd: 'at',
      postgres: 'postgresql',
      chromium: 'chromium',
    });
  });

  it('skips, and says why in the title, only outside CI', () => {
    delete process.env.CI;
    const body = jest.fn();
    const calls = record(() => describeWithTools([MISSING], 'needs it', body));
    expect(calls.map(c => [c.kind, c.name])).toEqual([
      [
        'describe.skip',
        `needs it [skipped: missing ${MISSING} (Debian package ${MISSING})]`,
      ],
    ]);
  });
});
