import { Command, Option } from 'commander';
import { formatLineage, LINEAGE_QUERY, toLineageView, type LineageAnswer } from '../client/lineage';
import type { LineageDirection } from '../domain/lineage';
import { clientFor, intIn } from './common';
import type { CliIo } from './io';

interface LineageFlags {
  direction: string;
  depth?: number;
  maxNodes?: number;
  json?: boolean;
}

export function lineageCommand(io: CliIo): Command {
  return new Command('lineage')
    .description('Print what an artifact (or execution) came from, or what came from it, as a tree.')
    .argument(
      '<uri>',
      'an artifact URI store://artifacts/<workspace>/<key>[#<iteration>][:<tag-or-version-name>][@<uid>], or an artifact/execution id or uid',
    )
    .addOption(
      new Option('-d, --direction <direction>', 'which way to walk')
        .choices(['upstream', 'downstream', 'both'])
        .default('upstream'),
    )
    .option(
      '--depth <n>',
      'how many steps to walk (artifact -> execution -> artifact is one; server default 5)',
      intIn(1, 100),
    )
    .option('--max-nodes <n>', 'the most nodes to show (server default 1000)', intIn(1, 10_000))
    .option('--json', 'print the API answer as JSON instead')
    .addHelpText(
      'after',
      `
Artifacts show as key:vN (KIND), executions as name [STATE]. A node seen earlier in the tree
shows "(see above)"; "… more upstream" marks where --depth stopped the walk, "…" nodes an
answer cut by --max-nodes; nodes in workspaces you may not read show as (restricted …).

Examples:
  skein lineage store://artifacts/demo/churn-model:production
  skein lineage store://artifacts/demo/customers-raw --direction downstream --depth 10`,
    )
    .action(async (of: string, flags: LineageFlags, cmd: Command) => {
      const client = clientFor(cmd, io);
      const { lineage } = await client.request<{ lineage: LineageAnswer }>(LINEAGE_QUERY, {
        of,
        direction: flags.direction.toUpperCase() as LineageDirection,
        depth: flags.depth ?? null,
        maxNodes: flags.maxNodes ?? null,
      });
      io.stdout.write(flags.json ? `${JSON.stringify(lineage, null, 2)}\n` : formatLineage(toLineageView(lineage)));
    });
}
