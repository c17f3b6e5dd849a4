import { Command } from 'commander';
import { formatBytes, formatRate, formatSeconds } from '../client/format';
import { uploadArtifact, type UploadOutcome } from '../client/upload';
import { clientFor, intIn, list, progressFor, say } from './common';
import type { CliIo } from './io';

interface UploadFlags {
  workspace: string;
  key: string;
  kind?: string;
  run?: string;
  tag?: string[];
  description?: string;
  contentType?: string;
  progress?: boolean;
  concurrency: number;
}

export function uploadCommand(io: CliIo): Command {
  return new Command('upload')
    .description(
      'Upload a file, or a directory as a DIRECTORY artifact, straight to the body store; prints the artifact URI.',
    )
    .argument('<path>', 'the file or directory to upload')
    .requiredOption('-w, --workspace <name>', 'the workspace')
    .requiredOption('-k, --key <key>', 'the artifact key, e.g. "datasets/churn" (a new version of it is recorded)')
    .option('--kind <kind>', 'FILE, DATASET, MODEL, METRICS, PLOT… (default: FILE, or DIRECTORY for a directory)')
    .option('--run <id>', 'the run that logged it (id or uid)')
    .option('-t, --tag <tag>', 'a tag to point at this version, e.g. production (repeatable)', list)
    .option('--description <text>', 'what it is')
    .option('--content-type <type>', 'the media type of a single file (default: from its extension)')
    .option('--progress', 'draw a progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never draw a progress bar')
    .option('--concurrency <n>', 'uploads in flight at once', intIn(1, 32), 4)
    .addHelpText(
      'after',
      `
Files are hashed (SHA-256, streamed) and only the bodies the store does not hold yet are sent,
each straight to its signed URL (in parts when the server asks for parts); then the upload is
completed and the exact artifact URI printed on stdout. A failed upload is aborted.

Examples:
  skein upload model.pkl -w churn -k models/churn --kind MODEL --tag candidate
  skein upload ./images -w vision -k datasets/cats --run 0196f0c2-…`,
    )
    .action(async (source: string, flags: UploadFlags, cmd: Command) => {
      const client = clientFor(cmd, io);
      const outcome = await uploadArtifact(
        client,
        {
          source,
          workspace: flags.workspace,
          key: flags.key,
          kind: flags.kind?.toUpperCase() ?? null,
          run: flags.run ?? null,
          tags: flags.tag ?? [],
          artifact: flags.description ? { description: flags.description } : {},
          contentType: flags.contentType ?? null,
        },
        { progress: progressFor(flags.progress, io), concurrency: flags.concurrency, note: (l) => say(io, l) },
      );
      say(io, uploadSummary(outcome));
      io.stdout.write(`${outcome.artifact.uri}\n`);
    });
}

export function uploadSummary(o: UploadOutcome): string {
  const what = o.files === 1 ? formatBytes(o.size) : `${o.files} files, ${formatBytes(o.size)}`;
  const a = o.artifact;
  const head = `Uploaded ${a.key}:v${a.version} (${a.kind}, ${what})`;
  if (o.sent === 0) return `${head}: the store already held every body; nothing was sent.`;
  const stored = o.alreadyStored > 0 ? `; ${o.alreadyStored} already stored` : '';
  const rate = o.seconds > 0 ? `, ${formatRate(o.bytesSent / o.seconds)}` : '';
  return `${head}: sent ${o.sent} of ${o.bodies} bodies (${formatBytes(o.bytesSent)} in ${formatSeconds(o.seconds)}${rate})${stored}.`;
}
