import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import type { LineageKey } from '../loaders/lineage.loader';
import { fieldsWanted } from '../selection';
import { Artifact } from '../types/artifact.type';
import { LineageFilter } from '../types/lineage.input';
import { toImpact, toLineage, toLineagePath, toProvenance } from '../types/lineage.mapper';
import { Impact, Lineage, LineagePath, Provenance } from '../types/lineage.type';
import { DateTimeScalar } from '../types/scalars';
import { LineageDirection } from '../../domain/lineage';

const OF =
  'The start: the global id of an artifact or an execution, or an artifact URI ' +
  'store://<artifacts|models|datasets>/<workspace>/<key>[#<iteration>][:<tag-or-version-name>][@<uid>] (no tag or uid: the newest AVAILABLE version), or a bare uid.';
const AS_OF = 'Answer as the graph stood at this time: later events are ignored. Absent: now.';
const DEPTH = 'How many steps to walk (artifact -> execution -> artifact is one step); default 5, at most 100.';
const MAX_NODES = 'The most nodes to return besides the start; default 1000, at most 10000.';
const REPORT_MAX_NODES = 'The most nodes to walk; default and limit 10000.';

@Resolver()
export class LineageResolver {
  @Authorized()
  @Query(() => Lineage, {
    description:
      'The lineage subgraph of an artifact or execution: the nodes reachable by input/output events, and the ' +
      'events among them. Nodes in workspaces the caller may not read come back as RestrictedNode.',
  })
  async lineage(
    @Arg('of', { description: OF }) of: string,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('direction', () => LineageDirection, { defaultValue: LineageDirection.UPSTREAM, description: 'Which way.' })
    direction: LineageDirection,
    @Arg('depth', () => Int, { nullable: true, description: DEPTH }) depth?: number | null,
    @Arg('maxNodes', () => Int, { nullable: true, description: MAX_NODES }) maxNodes?: number | null,
    @Arg('filter', () => LineageFilter, { nullable: true, description: 'Which nodes to keep.' })
    filter?: LineageFilter | null,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: AS_OF }) asOf?: string | null,
  ): Promise<Lineage> {
    const fields = fieldsWanted(info);
    return toLineage(await ctx.services.lineage.lineage(of, { direction, depth, maxNodes, filter, asOf, fields }));
  }

  @Authorized()
  @Query(() => LineagePath, {
    nullable: true,
    description: 'The shortest chain of events linking two nodes, whichever way it runs; null when none does.',
  })
  async lineagePath(
    @Arg('from', { description: OF }) from: string,
    @Arg('to', { description: OF }) to: string,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: AS_OF }) asOf?: string | null,
  ): Promise<LineagePath | null> {
    const path = await ctx.services.lineage.path(from, to, { asOf, fields: fieldsWanted(info) });
    return path ? toLineagePath(path) : null;
  }

  @Authorized()
  @Query(() => Impact, {
    description: 'Everything downstream of a node, grouped by kind, runs and workspaces: what to check or retrain.',
  })
  async impact(
    @Arg('of', { description: OF }) of: string,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: AS_OF }) asOf?: string | null,
    @Arg('maxNodes', () => Int, { nullable: true, description: REPORT_MAX_NODES }) maxNodes?: number | null,
    @Arg('artifactsPerKind', () => Int, {
      nullable: true,
      description: 'How many artifacts to list per kind (all are counted); default 100, at most 1000.',
    })
    artifactsPerKind?: number | null,
  ): Promise<Impact> {
    const fields = fieldsWanted(info);
    return toImpact(await ctx.services.lineage.impact(of, { asOf, maxNodes, artifactsPerKind, fields }));
  }

  @Authorized()
  @Query(() => Provenance, {
    description:
      'Everything upstream of a node, flattened for a report: source datasets with versions and digests, ' +
      'executions with code versions and params, runs.',
  })
  async provenance(
    @Arg('of', { description: OF }) of: string,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: AS_OF }) asOf?: string | null,
    @Arg('depth', () => Int, { nullable: true, description: 'How many steps to walk; default and limit 100.' })
    depth?: number | null,
    @Arg('maxNodes', () => Int, { nullable: true, description: REPORT_MAX_NODES }) maxNodes?: number | null,
  ): Promise<Provenance> {
    // Report rows are built whole (ProvenanceArtifact.location, ProvenanceExecution.runId).
    const fields = { ...fieldsWanted(info), detail: true };
    return toProvenance(await ctx.services.lineage.provenance(of, { asOf, depth, maxNodes, fields }));
  }
}

/** `artifact { upstream downstream }`, batched across a list of artifacts by the lineage loader. */
@Resolver(() => Artifact)
export class ArtifactLineageResolver {
  @FieldResolver(() => Lineage, {
    nullable: true,
    description: 'What this artifact came from: its producer, that execution’s inputs, and so on.',
  })
  upstream(
    @Root() a: Artifact,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('depth', () => Int, { defaultValue: 1, description: 'Steps to walk; at most 100.' }) depth: number,
    @Arg('maxNodes', () => Int, { nullable: true, description: MAX_NODES }) maxNodes?: number | null,
  ): Promise<Lineage | null> {
    return this.load(ctx, a, { direction: 'UPSTREAM', depth, maxNodes: maxNodes ?? null, fields: fieldsWanted(info) });
  }

  @FieldResolver(() => Lineage, {
    nullable: true,
    description: 'What came from this artifact: its readers, their outputs, and so on.',
  })
  downstream(
    @Root() a: Artifact,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('depth', () => Int, { defaultValue: 1, description: 'Steps to walk; at most 100.' }) depth: number,
    @Arg('maxNodes', () => Int, { nullable: true, description: MAX_NODES }) maxNodes?: number | null,
  ): Promise<Lineage | null> {
    return this.load(ctx, a, {
      direction: 'DOWNSTREAM',
      depth,
      maxNodes: maxNodes ?? null,
      fields: fieldsWanted(info),
    });
  }

  private async load(ctx: Context, a: Artifact, question: Omit<LineageKey, 'ref'>): Promise<Lineage | null> {
    const found = await ctx.loaders.lineage.load({ ref: { label: 'Artifact', uid: a.uid }, ...question });
    return found ? toLineage(found) : null;
  }
}
