import { CommanderError, type Command } from 'commander';
import { ConfigError } from '../config';
import { CliError, EXIT } from '../client/errors';
import type { CliIo } from './io';

const all = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(all)];

/**
 * Parses and runs `argv` (node-style: [node, script, ...args]) and answers the exit code, with
 * every word written to `io` — in a terminal and in a test alike. Usage errors (unknown options,
 * missing arguments, bad values) exit 2 with commander's one-line message; failures exit with
 * the code their CliError carries, as one line: `skein: <what happened and what to do>`.
 */
export async function runProgram(program: Command, argv: readonly string[], io: CliIo): Promise<number> {
  for (const cmd of all(program)) {
    cmd
      .exitOverride()
      .configureOutput({
        writeOut: (s) => io.stdout.write(s),
        writeErr: (s) => io.stderr.write(s),
        getOutHelpWidth: () => io.stdout.columns ?? 80,
        getErrHelpWidth: () => io.stderr.columns ?? 80,
        getOutHasColors: () => false,
        getErrHasColors: () => false,
      })
      .showHelpAfterError(`(see \`skein ${cmd === program ? '' : `${cmd.name()} `}--help\`)`);
  }
  try {
    await program.parseAsync([...argv]);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has written its message (or the help) already.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return EXIT.USAGE;
    }
    if (err instanceof CliError) {
      io.stderr.write(`skein: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`skein: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.FAILED;
  }
}
