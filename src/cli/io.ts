/**
 * What a CLI command reads and writes, so the same commands run in a terminal and in a test
 * (in-process, output captured) alike.
 */

export interface Output {
  write(chunk: string): unknown;
  /** True for a terminal: progress bars are drawn only there (or when asked for). */
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
}

let pipeHandled = false;

/** The real terminal. `skein runs | head` closing the pipe early ends the CLI quietly, as other tools do. */
export function processIo(): CliIo {
  if (!pipeHandled) {
    pipeHandled = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** An io that keeps what is written, for running the CLI in-process (tests, embedding). */
export function memoryIo(
  options: { env?: Record<string, string | undefined>; tty?: boolean; columns?: number } = {},
): CliIo & { out(): string; err(): string } {
  let stdout = '';
  let stderr = '';
  const tty = options.tty ?? false;
  const columns = options.columns ?? 100;
  return {
    stdout: { write: (s: string) => (stdout += s), isTTY: tty, columns },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty, columns },
    env: options.env ?? {},
    out: () => stdout,
    err: () => stderr,
  };
}
