import { Command } from 'commander';
import { auditPages } from '../client/audit';
import { clientFor, intIn, say } from './common';
import type { CliIo } from './io';

/** `skein audit export`: the audit trail as JSON lines, for a SIEM or a file. */

function exportCommand(io: CliIo): Command {
  return new Command('export')
    .description('Print the audit trail as JSON lines (one event per line, oldest first), every page.')
    .option('-w, --workspace <name>', "one workspace's events (its owners may); without it, every event (admins)")
    .option('--after <cursor>', 'resume after this cursor (printed on stderr at the end of an export)')
    .option('--page-size <n>', 'events fetched per request', intIn(1, 1000), 500)
    .addHelpText(
      'after',
      `
Needs a token of an owner of the workspace (or an admin): SKEIN_TOKEN. Ends with the cursor to
resume from on stderr, so a scheduled export can append only what is new.

Examples:
  skein audit export --workspace churn > churn-audit.jsonl
  skein audit export --after "$(cat .audit-cursor)" >> all-audit.jsonl`,
    )
    .action(async (flags: { workspace?: string; after?: string; pageSize: number }, cmd: Command) => {
      const pages = auditPages(clientFor(cmd, io), {
        workspace: flags.workspace ?? null,
        after: flags.after ?? null,
        pageSize: flags.pageSize,
      });
      let count = 0;
      let cursor: string | null = flags.after ?? null;
      for await (const page of pages) {
        for (const event of page.events) io.stdout.write(`${JSON.stringify(event)}\n`);
        count += page.events.length;
        cursor = page.endCursor;
      }
      say(
        io,
        `Exported ${count} audit event${count === 1 ? '' : 's'}.${cursor ? ` Resume with --after ${cursor}` : ''}`,
      );
    });
}

export function auditCommand(io: CliIo): Command {
  return new Command('audit')
    .description('Read the audit trail: who changed what, which URLs were signed, what was refused.')
    .addCommand(exportCommand(io));
}
