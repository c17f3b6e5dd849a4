import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toColumnLineage } from '../types/column-lineage.mapper';
import { ColumnLineage } from '../types/column-lineage.type';
import { LineageDirection } from '../../domain/lineage';

const OF =
  'The artifact version: its global id, a bare uid, or a URI ' +
  'store://<artifacts|datasets>/<workspace>/<key>[:<tag-or-version-name>][@<uid>] (no tag or uid: the newest AVAILABLE version).';

@Resolver()
export class ColumnLineageResolver {
  @Authorized()
  @Query(() => ColumnLineage, {
    description:
      'Column-level lineage: which columns of which dataset versions a column was computed from, transitively, and ' +
      'how (UPSTREAM), or which columns were computed from it (DOWNSTREAM). Recorded from OpenLineage columnLineage ' +
      'facets. Columns of artifacts the caller may not read come back restricted; the walk continues through them.',
  })
  async columnLineage(
    @Arg('of', { description: OF }) of: string,
    @Arg('column', { description: 'The column (field) name, as the dataset’s schema spells it.' }) column: string,
    @Ctx() ctx: Context,
    @Arg('direction', () => LineageDirection, {
      defaultValue: LineageDirection.UPSTREAM,
      description: 'UPSTREAM: where the column came from. DOWNSTREAM: what was made from it. BOTH: the two.',
    })
    direction: LineageDirection,
    @Arg('depth', () => Int, {
      nullable: true,
      description: 'How many column-to-column steps to walk; default 10, at most 100.',
    })
    depth?: number | null,
    @Arg('maxNodes', () => Int, {
      nullable: true,
      description: 'The most columns to return besides the start; default 1000, at most 10000.',
    })
    maxNodes?: number | null,
  ): Promise<ColumnLineage> {
    return toColumnLineage(await ctx.services.columnLineage.columnLineage(of, column, { direction, depth, maxNodes }));
  }
}
