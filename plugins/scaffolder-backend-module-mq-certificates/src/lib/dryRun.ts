import type { StepContext } from './stepContext';

/** Placeholder the dry-run outputs carry where a real run has a value. */
export const DRY_RUN_VALUE = 'dry-run';

/**
 * Logs a dry-run plan line by line and returns it for the `plan` output:
 * what would run (commands, paths, times), with nothing written anywhere.
 */
export function reportPlan(
  step: StepContext,
  title: string,
  lines: string[],
): string[] {
  step.logger.info(
    `Dry run: ${title} (nothing is written to Vault, hosts or the backend)`,
  );
  for (const line of lines) step.logger.info(`  ${line}`);
  return lines;
}
