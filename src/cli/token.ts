import { Command, InvalidArgumentError } from 'commander';
import { formatTable, formatTime } from '../client/format';
import {
  createToken,
  grantRole,
  listGrants,
  listTokens,
  revokeRole,
  revokeToken,
  whoAmI,
  type RoleName,
} from '../client/tokens';
import { usageError } from '../client/errors';
import { clientFor, say } from './common';
import type { CliIo } from './io';

/** `skein token create|list|revoke`, `skein grant`, `skein grants`, `skein whoami`: who may do what. */

const ROLE_NAMES = ['viewer', 'editor', 'owner'];

/** Commander parser for a role: viewer, editor or owner (any case). */
export function role(value: string): RoleName {
  const v = value.toLowerCase();
  if (!ROLE_NAMES.includes(v))
    throw new InvalidArgumentError(`expected viewer, editor or owner; got ${JSON.stringify(value)}.`);
  return v.toUpperCase() as RoleName;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** Commander parser for a lifetime: 90d, 12h, 30m, 1y, 3600s, or plain seconds. */
export function duration(value: string): number {
  const m = /^(\d+)\s*([smhdwy]?)$/i.exec(value.trim());
  if (!m || Number(m[1]) <= 0)
    throw new InvalidArgumentError(`expected a lifetime like 90d, 12h, 30m or 1y; got ${JSON.stringify(value)}.`);
  return Number(m[1]) * UNIT_SECONDS[(m[2] || 's').toLowerCase()]!;
}

function createCommand(io: CliIo): Command {
  return new Command('create')
    .description('Create an API token; prints it once (only a hash of it is kept).')
    .option('-w, --workspace <name>', 'the workspace it acts in (you must be its owner, or an admin)')
    .option('-r, --role <role>', 'its role there: viewer, editor or owner', role, 'EDITOR' as RoleName)
    .option('--admin', 'a server admin token instead (owner of every workspace; admins only)')
    .option(
      '-e, --expires <lifetime>',
      'how long it works: 90d (the default), 12h, 1y… (at most the server maximum)',
      duration,
    )
    .option('-n, --name <name>', 'what it is for, shown in lists', 'cli')
    .addHelpText(
      'after',
      `
The token is printed on stdout, once; the server keeps only a hash of it. Give it to the
program that needs it, as SKEIN_TOKEN (the CLI) or "Authorization: Bearer <token>" (HTTP).
Creating one needs SKEIN_TOKEN set to a token of an owner of the workspace, or an admin's.

Examples:
  skein token create --workspace churn --role editor --name ci-upload --expires 30d
  export SKEIN_TOKEN="$(skein token create -w churn -r viewer -n notebook)"
  skein token create --admin --name ops`,
    )
    .action(
      async (
        flags: { workspace?: string; role: RoleName; admin?: boolean; expires?: number; name: string },
        cmd: Command,
      ) => {
        if (flags.admin && flags.workspace)
          throw usageError('--admin tokens act in every workspace: leave out --workspace');
        if (!flags.admin && !flags.workspace)
          throw usageError('name the workspace with --workspace (or ask for --admin)');
        const { token, info } = await createToken(clientFor(cmd, io), {
          workspace: flags.workspace ?? null,
          role: flags.admin ? null : flags.role,
          admin: flags.admin === true,
          name: flags.name,
          expiresIn: flags.expires ?? null,
        });
        const scope = info.admin ? 'an admin token' : `${info.role.toLowerCase()} of workspace "${info.workspace}"`;
        say(
          io,
          `Created token ${info.tokenId} (${scope}), expires ${info.expiresAt ? formatTime(info.expiresAt) : 'never'}.`,
        );
        say(io, 'This is the only time it is shown. Use it as SKEIN_TOKEN=<token> or "Authorization: Bearer <token>".');
        io.stdout.write(`${token}\n`);
      },
    );
}

function listCommand(io: CliIo): Command {
  return new Command('list')
    .description("List API tokens, newest first, without their secrets: a workspace's, or all (admins).")
    .option(
      '-w, --workspace <name>',
      "only this workspace's tokens (its owners may list them); all when left out (admins)",
    )
    .option('--revoked', 'include revoked tokens')
    .option('--json', 'print the tokens as JSON (an array) instead, for scripts')
    .addHelpText(
      'after',
      `
ID is the public part of the token (skn_<ID>_…): name it to revoke the token.

Examples:
  skein token list --workspace churn
  skein token list --json | jq -r '.[] | select(.lastUsedAt == null) | .tokenId'`,
    )
    .action(async (flags: { workspace?: string; revoked?: boolean; json?: boolean }, cmd: Command) => {
      const rows = await listTokens(clientFor(cmd, io), {
        workspace: flags.workspace ?? null,
        includeRevoked: flags.revoked === true,
      });
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        say(io, flags.workspace ? `No tokens for workspace "${flags.workspace}".` : 'No tokens.');
        return;
      }
      io.stdout.write(
        formatTable(
          ['ID', 'NAME', 'WORKSPACE', 'ROLE', 'OWNER', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'].map((header) => ({
            header,
          })),
          rows.map((t) => [
            t.tokenId,
            t.name,
            t.admin ? '(admin)' : (t.workspace ?? ''),
            t.role.toLowerCase(),
            t.owner,
            formatTime(t.createdAt),
            t.expiresAt ? formatTime(t.expiresAt) : 'never',
            t.lastUsedAt ? formatTime(t.lastUsedAt) : 'never',
            t.revokedAt ? formatTime(t.revokedAt) : '',
          ]),
        ),
      );
    });
}

function revokeCommand(io: CliIo): Command {
  return new Command('revoke')
    .description('Revoke an API token: its next request is refused, on every Skein instance.')
    .argument('<id>', 'the token id, as `skein token list` shows it (the part after skn_)')
    .addHelpText('after', '\nExample:\n  skein token revoke 4k2xq7mz9abc')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const revoked = await revokeToken(clientFor(cmd, io), id);
      say(io, `Revoked token ${revoked.tokenId} ("${revoked.name}") at ${formatTime(revoked.revokedAt)}.`);
    });
}

export function tokenCommand(io: CliIo): Command {
  return new Command('token')
    .description('Create, list and revoke API tokens (sent as SKEIN_TOKEN / "Authorization: Bearer").')
    .addCommand(createCommand(io))
    .addCommand(listCommand(io))
    .addCommand(revokeCommand(io))
    .addHelpText(
      'after',
      `
The CLI sends the token in SKEIN_TOKEN with every request.

Examples:
  skein token create --workspace churn --role editor --expires 90d
  skein token list --workspace churn
  skein token revoke 4k2xq7mz9abc`,
    );
}

export function grantCommand(io: CliIo): Command {
  return new Command('grant')
    .description('Give an SSO user or group a role in a workspace (or take it away with --revoke).')
    .argument('<workspace>', 'the workspace (you must be its owner, or an admin)')
    .argument('<subject>', 'user:<SSO subject> for a person, group:<SSO group> for a group')
    .argument('[role]', 'viewer, editor or owner (not with --revoke)')
    .option('--revoke', "take the subject's role in the workspace away")
    .addHelpText(
      'after',
      `
Examples:
  skein grant churn group:data-science editor
  skein grant churn user:0b7c1e9a owner
  skein grant --revoke churn group:data-science`,
    )
    .action(
      async (
        workspace: string,
        subject: string,
        roleArg: string | undefined,
        flags: { revoke?: boolean },
        cmd: Command,
      ) => {
        const client = clientFor(cmd, io);
        if (flags.revoke) {
          if (roleArg) throw usageError('--revoke takes the workspace and the subject only');
          const removed = await revokeRole(client, workspace, subject);
          say(
            io,
            `${removed.subject} no longer has a role in "${removed.workspace}" (was ${removed.role.toLowerCase()}).`,
          );
          return;
        }
        if (!roleArg) throw usageError('name the role to give: viewer, editor or owner (or use --revoke)');
        let given: RoleName;
        try {
          given = role(roleArg);
        } catch (err) {
          throw usageError((err as Error).message);
        }
        const granted = await grantRole(client, { workspace, subject, role: given });
        say(io, `${granted.subject} is now ${granted.role.toLowerCase()} of "${granted.workspace}".`);
      },
    );
}

export function grantsCommand(io: CliIo): Command {
  return new Command('grants')
    .description("List a workspace's roles given to SSO users and groups (its owners and admins).")
    .argument('<workspace>', 'the workspace')
    .option('--json', 'print the grants as JSON (an array) instead, for scripts')
    .action(async (workspace: string, flags: { json?: boolean }, cmd: Command) => {
      const rows = await listGrants(clientFor(cmd, io), workspace);
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        say(io, `No roles given in "${workspace}" yet (API tokens carry their own).`);
        return;
      }
      io.stdout.write(
        formatTable(
          ['SUBJECT', 'ROLE', 'GRANTED BY', 'GRANTED'].map((header) => ({ header })),
          rows.map((g) => [g.subject, g.role.toLowerCase(), g.grantedBy, formatTime(g.grantedAt)]),
        ),
      );
    });
}

export function whoamiCommand(io: CliIo): Command {
  return new Command('whoami')
    .description('Show who the server takes you for (from SKEIN_TOKEN) and your roles.')
    .option('--json', 'print it as JSON instead')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const me = await whoAmI(clientFor(cmd, io));
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(me, null, 2)}\n`);
        return;
      }
      const lines = [`${me.id} (${me.kind.toLowerCase()}${me.admin ? ', admin' : ''})`];
      for (const r of me.roles) lines.push(`  ${r.role.toLowerCase()} of ${r.workspace}`);
      if (me.kind === 'ANONYMOUS') lines.push('  no credentials: set SKEIN_TOKEN to an API token');
      io.stdout.write(`${lines.join('\n')}\n`);
    });
}
