import type { NonEmptyArray } from 'type-graphql';
import { AuditResolver } from './audit.resolver';
import { ChangeResolver } from './change.resolver';
import { ColumnLineageResolver } from './column-lineage.resolver';
import { ArtifactResolver, ArtifactRunResolver, ModelArtifactResolver } from './artifact.resolver';
import { ExecutionResolver, RunExecutionsResolver } from './execution.resolver';
import { LifecycleResolver } from './lifecycle.resolver';
import { ArtifactLineageResolver, LineageResolver } from './lineage.resolver';
import { NodeResolver } from './node.resolver';
import { RunResolver } from './run.resolver';
import { SystemResolver } from './system.resolver';
import { ArtifactBodyResolver, BodyResolver, DirectoryArtifactResolver } from './body.resolver';
import { WorkspaceResolver } from './workspace.resolver';
import { GrantResolver } from './grant.resolver';
import { TokenResolver } from './token.resolver';
import { ViewerResolver } from './viewer.resolver';
import { WebhookResolver } from './webhook.resolver';
import {
  ArtifactHistoryResolver,
  ExecutionHistoryResolver,
  RunHistoryResolver,
  UpdateResolver,
} from './update.resolver';

/** Every resolver class; the schema is built from exactly this list. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [
  AuditResolver,
  ArtifactResolver,
  ArtifactRunResolver,
  ModelArtifactResolver,
  ExecutionResolver,
  RunExecutionsResolver,
  LineageResolver,
  ArtifactLineageResolver,
  ColumnLineageResolver,
  NodeResolver,
  RunResolver,
  SystemResolver,
  WorkspaceResolver,
  BodyResolver,
  ArtifactBodyResolver,
  DirectoryArtifactResolver,
  UpdateResolver,
  RunHistoryResolver,
  ExecutionHistoryResolver,
  ArtifactHistoryResolver,
  LifecycleResolver,
  TokenResolver,
  GrantResolver,
  ViewerResolver,
  ChangeResolver,
  WebhookResolver,
];
