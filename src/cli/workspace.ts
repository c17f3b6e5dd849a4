import { Command, InvalidArgumentError } from 'commander';
import { formatEntries, formatTable, formatTime, truncate } from '../client/format';
import { createWorkspace, listWorkspaces, type WorkspaceLabel } from '../client/workspaces';
import { clientFor, intIn, say } from './common';
import type { CliIo } from './io';

/** `skein workspace create|list`: the workspaces runs and artifacts live in. */

/** Commander parser for a repeatable `--label key=value`. */
function label(value: string, previous: WorkspaceLabel[] = []): WorkspaceLabel[] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, e.g. team=growth; got ${JSON.stringify(value)}.`);
  return [...previous, { key: value.slice(0, at), value: value.slice(at + 1) }];
}

function createCommand(io: CliIo): Command {
  return new Command('create')
    .description('Create a workspace; prints its name.')
    .argument('<name>', '1–63 lower-case letters, digits, "-" or "_"; unique; cannot change later')
    .option('-d, --description <text>', 'what the workspace is for')
    .option('-l, --label <key=value>', 'a label to find it by (repeat for more)', label)
    .addHelpText(
      'after',
      `
Exits 0 with the name on stdout; 2 when the name is not a valid one; 1 when it is taken
(CONFLICT).

Examples:
  skein workspace create churn --description "customer churn models" --label team=growth
  skein upload ./model.pkl -w "$(skein workspace create churn-exp-7)" -k models/churn`,
    )
    .action(async (name: string, flags: { description?: string; label?: WorkspaceLabel[] }, cmd: Command) => {
      const created = await createWorkspace(clientFor(cmd, io), {
        name,
        description: flags.description ?? null,
        labels: flags.label ?? [],
      });
      const labels = created.labels.length > 0 ? ` (labels ${formatEntries(created.labels)})` : '';
      say(io, `Created workspace "${created.name}"${labels}.`);
      io.stdout.write(`${created.name}\n`);
    });
}

function listCommand(io: CliIo): Command {
  return new Command('list')
    .description('List the workspaces in name order (every page), as a table (or --json).')
    .option('-p, --prefix <prefix>', 'only names starting with this, e.g. "churn-"')
    .option('--page-size <n>', 'workspaces fetched per request while listing them all', intIn(1, 1000), 200)
    .option('--json', 'print the workspaces as JSON (an array) instead, for scripts')
    .addHelpText(
      'after',
      `
Every workspace is listed: the command follows the API's pages to the last one.

Examples:
  skein workspace list --prefix churn-
  skein workspace list --json | jq -r '.[].name'`,
    )
    .action(async (flags: { prefix?: string; pageSize: number; json?: boolean }, cmd: Command) => {
      const rows = await listWorkspaces(clientFor(cmd, io), { prefix: flags.prefix ?? null, pageSize: flags.pageSize });
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        say(io, flags.prefix ? `No workspaces start with "${flags.prefix}".` : 'No workspaces yet.');
        return;
      }
      io.stdout.write(
        formatTable(
          [{ header: 'NAME' }, { header: 'DESCRIPTION' }, { header: 'LABELS' }, { header: 'CREATED' }],
          rows.map((w) => [
            w.name,
            truncate(w.description ?? '', 60),
            formatEntries(w.labels),
            formatTime(w.createdAt),
          ]),
        ),
      );
    });
}

export function workspaceCommand(io: CliIo): Command {
  return new Command('workspace')
    .description('Create and list workspaces (the projects runs and artifacts live in).')
    .addCommand(createCommand(io))
    .addCommand(listCommand(io))
    .addHelpText(
      'after',
      `
Examples:
  skein workspace create churn --label team=growth
  skein workspace list --prefix churn`,
    );
}
