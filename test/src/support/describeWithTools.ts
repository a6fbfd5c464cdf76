/* eslint-disable jest/no-export, jest/valid-title, jest/valid-describe-callback, jest/expect-expect, jest/no-disabled-tests */
// A helper that wraps describe(); the jest lint rules above assume any file
// calling describe() is itself a test file, which this one is not.
import { missingTools } from './tools';

/**
 * `describe` for tests that need real system tools. When a tool is missing
 * the block is skipped on a developer machine, but with `CI=true` it turns
 * into one failing test that names the missing tools and their packages: CI
 * must never pass by skipping.
 */
export function describeWithTools(
  tools: string[],
  name: string,
  fn: () => void,
): void {
  const missing = missingTools(tools);
  if (missing.length === 0) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      it(`has the system tools it needs`, () => {
        throw new Error(
          `missing ${missing.join(
            ', ',
          )}; install them (test/scripts/system-deps.sh does, as root)`,
        );
      });
    });
  } else {
    describe.skip(`${name} [skipped: missing ${missing.join(', ')}]`, fn);
  }
}
