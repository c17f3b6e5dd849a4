import { Option, type Command } from 'commander';
import { DEFAULT_URL } from '../client/graphql';
import { artifactsCommand, runsCommand } from './tables';
import { auditCommand } from './audit';
import { demoCommand } from './demo';
import { downloadCommand } from './download';
import type { CliIo } from './io';
import { lineageCommand } from './lineage';
import { uploadCommand } from './upload';
import { workspaceCommand } from './workspace';

/**
 * The commands that talk to a running Skein over GraphQL: upload, download, lineage, runs,
 * artifacts, workspace (create, list), audit (export), demo. Each takes the global --url (or SKEIN_URL).
 */
export function registerClientCommands(program: Command, io: CliIo): void {
  program.addOption(
    new Option('--url <url>', `the GraphQL API of a running Skein (env: SKEIN_URL; default: ${DEFAULT_URL})`),
  );
  const commands = [
    uploadCommand,
    downloadCommand,
    lineageCommand,
    runsCommand,
    artifactsCommand,
    workspaceCommand,
    auditCommand,
    demoCommand,
  ];
  for (const make of commands) {
    program.addCommand(make(io));
  }
}
