import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_URL, SkeinClient } from '../client/graphql';
import { ProgressBar, noProgress, type Progress } from '../client/progress';
import type { CliIo } from './io';

/**
 * The API the client commands talk to: --url, else SKEIN_URL, else the local default; with the
 * token in SKEIN_TOKEN (an environment variable, never a flag: flags show in `ps` and shell history).
 */
export function clientFor(cmd: Command, io: CliIo): SkeinClient {
  const { url } = cmd.optsWithGlobals<{ url?: string }>();
  return new SkeinClient(url ?? io.env.SKEIN_URL ?? DEFAULT_URL, io.env.SKEIN_TOKEN?.trim() || null);
}

/** A progress bar on stderr when it is a terminal (or with --progress; never with --no-progress). */
export function progressFor(flag: boolean | undefined, io: CliIo): Progress {
  const on = flag ?? io.stderr.isTTY === true;
  return on ? new ProgressBar(io.stderr) : noProgress;
}

/** Commander parser for a whole number in [min, max]. */
export const intIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };

/** Commander parser for an option that may be repeated or comma-separated: --tag a --tag b,c. */
export const list = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export const say = (io: CliIo, line: string) => io.stderr.write(`${line}\n`);
