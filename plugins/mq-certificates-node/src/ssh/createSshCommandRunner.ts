import type { SshConnectionOptions } from './SshConnection';
import { SshConnection } from './SshConnection';
import type { CommandRunner } from '../types';

/**
 * Connects and returns a CommandRunner on the SSH host plus `close()`.
 * For files too, use `SshConnection.connect` and its `sftp()`.
 *
 * @public
 */
export async function createSshCommandRunner(
  options: SshConnectionOptions,
): Promise<CommandRunner & { close(): Promise<void> }> {
  const connection = await SshConnection.connect(options);
  return {
    run: (command, args, runOptions) =>
      connection.commands.run(command, args, runOptions),
    close: () => connection.close(),
  };
}
