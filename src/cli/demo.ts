import { Command } from 'commander';
import { formatBytes } from '../client/format';
import { recordDemo } from '../demo/pipeline';
import { clientFor, progressFor, say } from './common';
import type { CliIo } from './io';

export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description(
      'Record a small churn-model pipeline with real bodies (ingest -> clean -> split -> train x3 -> evaluate -> register).',
    )
    .option('-w, --workspace <name>', 'the workspace to record it in (created when missing)', 'demo')
    .option('--progress', 'draw progress bars even when stderr is not a terminal')
    .option('--no-progress', 'never draw progress bars')
    .addHelpText(
      'after',
      `
Each run records a new pipeline run with new artifact versions (the bodies are the same bytes,
so a second run uploads nothing) and moves the "production" tag to the best model.`,
    )
    .action(async (flags: { workspace: string; progress?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, io);
      const out = await recordDemo(client, {
        workspace: flags.workspace,
        log: (line) => say(io, line),
        progress: progressFor(flags.progress, io),
      });
      const ws = out.workspace;
      const width = Math.max(...out.steps.map((s) => s.step.length));
      const lines = [
        `Recorded the demo pipeline in workspace "${ws}": run churn-pipeline ${out.run.uid}`,
        '',
        ...out.steps.flatMap((s) => [
          `  ${s.step.padEnd(width)}  -> ${s.outputs[0]}`,
          ...s.outputs.slice(1).map((o) => `  ${' '.repeat(width)}     ${o}`),
          ...(s.note ? [`  ${' '.repeat(width)}     (${s.note})`] : []),
        ]),
        '',
        `Bodies: ${out.uploads.sent} uploaded (${formatBytes(out.uploads.bytesSent)}), ${out.uploads.alreadyStored} already stored.`,
        '',
        'Try:',
        `  skein lineage store://artifacts/${ws}/churn-model:production`,
        `  skein lineage store://artifacts/${ws}/customers-raw --direction downstream`,
        `  skein runs --workspace ${ws}`,
        `  skein artifacts --workspace ${ws}`,
        `  skein download store://artifacts/${ws}/customers-raw ./customers-raw`,
        '',
        'Or in the playground (the /graphql URL in a browser):',
        `  { lineage(of: "store://artifacts/${ws}/churn-model:production", depth: 10) {`,
        '      levels { depth nodes { __typename ... on Artifact { key version kind } ... on Execution { name } } }',
        '      edges { type from to } } }',
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    });
}
