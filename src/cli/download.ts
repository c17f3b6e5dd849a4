import { Command, Option } from 'commander';
import { downloadArtifact, type DownloadOutcome } from '../client/download';
import { formatBytes, formatRate, formatSeconds } from '../client/format';
import { clientFor, intIn, progressFor, say } from './common';
import type { CliIo } from './io';

interface DownloadFlags {
  overwrite?: boolean;
  skipExisting?: boolean;
  path?: string;
  progress?: boolean;
  concurrency: number;
}

export function downloadCommand(io: CliIo): Command {
  return new Command('download')
    .description("Download an artifact's body, or a directory's whole tree, verifying every SHA-256.")
    .argument(
      '<uri>',
      'the artifact: store://artifacts/<workspace>/<key>[#<iteration>][:<tag-or-version-name>][@<uid>], or its id or uid',
    )
    .argument('<dest>', 'a directory artifact: the directory to write into (created); a file: where to save it')
    .addOption(new Option('--overwrite', 'replace files that already exist').conflicts('skipExisting'))
    .addOption(
      new Option(
        '--skip-existing',
        "keep existing files whose SHA-256 matches the artifact's; download the rest (and replace changed files)",
      ),
    )
    .option('--path <path>', 'a directory artifact: only this file or subdirectory, e.g. data/train')
    .option('--progress', 'draw a progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never draw a progress bar')
    .option('--concurrency <n>', 'downloads in flight at once', intIn(1, 32), 4)
    .addHelpText(
      'after',
      `
Each file streams to a temporary file beside its target while its SHA-256 is computed, and is
moved into place only when it matches; a mismatch deletes it and exits 5 naming the file.
Existing files are never replaced silently: without --overwrite or --skip-existing the
download stops (exit 2) before writing anything. --skip-existing hashes each existing file and
keeps it only when its SHA-256 is the artifact's; a changed file is downloaded again (and said so).

Examples:
  skein download store://artifacts/churn/models/churn:production ./model.pkl
  skein download store://artifacts/vision/datasets/cats ./cats --skip-existing`,
    )
    .action(async (ref: string, dest: string, flags: DownloadFlags, cmd: Command) => {
      const client = clientFor(cmd, io);
      const outcome = await downloadArtifact(
        client,
        {
          ref,
          dest,
          path: flags.path ?? null,
          existing: flags.overwrite ? 'overwrite' : flags.skipExisting ? 'skip' : 'refuse',
        },
        { progress: progressFor(flags.progress, io), concurrency: flags.concurrency, note: (l) => say(io, l) },
      );
      say(io, summary(outcome));
      const single = outcome.kind !== 'DIRECTORY' && outcome.written.length === 1;
      io.stdout.write(`${single ? outcome.written[0]!.file : dest}\n`);
    });
}

const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;

/**
 * The one-line summary, honest about each file: those written were verified as they streamed (or
 * are counted as unverified when no SHA-256 was recorded), those kept were hashed and matched,
 * those replaced had other bytes.
 */
export function summary(outcome: DownloadOutcome): string {
  const n = outcome.written.length;
  const rate = outcome.seconds > 0 ? `, ${formatRate(outcome.bytes / outcome.seconds)}` : '';
  const unverified = outcome.unverified.length;
  const checked =
    n === 0 ? 'nothing to download' : unverified > 0 ? `${unverified} of them unverified` : 'SHA-256 verified';
  const kept =
    outcome.skipped.length > 0 ? `; kept ${files(outcome.skipped.length)} already there (SHA-256 matched)` : '';
  const replaced =
    outcome.replaced.length > 0
      ? `; replaced ${outcome.replaced.length} changed ${outcome.replaced.length === 1 ? 'file' : 'files'}`
      : '';
  const took = `${formatBytes(outcome.bytes)} in ${formatSeconds(outcome.seconds)}${rate}`;
  return `Downloaded ${outcome.uri}: ${files(n)} (${took}), ${checked}${kept}${replaced}.`;
}
