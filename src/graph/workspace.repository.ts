import { windowParams, type Tx } from './executor';
import { fromProps, toProps } from './props';
import * as Q from './workspace.cypher';
import { type WorkspaceRecord, type WorkspaceChanges } from '../domain/workspace';
import type { EntryValue } from '../domain/scalar';

function parse(props: Record<string, unknown>): WorkspaceRecord {
  return {
    name: props.name as string,
    description: (props.description as string | undefined) ?? null,
    labels: fromProps('label', props),
    createdAt: props.createdAt as string,
    updatedAt: props.updatedAt as string,
    deletedAt: (props.deletedAt as string | undefined) ?? null,
  };
}

export const workspaceRepository = {
  async create(
    tx: Tx,
    input: { name: string; description: string | null; labels: Record<string, EntryValue> },
    now: string,
  ) {
    const rows = await tx.run<{ w: Record<string, unknown> }>(Q.CREATE_WORKSPACE, {
      ...input,
      labels: toProps('label', input.labels),
      now,
    });
    return parse(rows[0]!.w);
  },

  async update(tx: Tx, name: string, changes: WorkspaceChanges, now: string): Promise<WorkspaceRecord | null> {
    const rows = await tx.run<{ w: Record<string, unknown> }>(Q.UPDATE_WORKSPACE, {
      name,
      description: changes.description ?? null,
      replaceLabels: changes.labels !== undefined,
      labels: toProps('label', changes.labels),
      now,
    });
    return rows[0] ? parse(rows[0].w) : null;
  },

  /** Workspaces by name, in the order asked, null where none exists (a DataLoader batch). */
  async getMany(tx: Tx, names: readonly string[]): Promise<Array<WorkspaceRecord | null>> {
    const rows = await tx.run<{ w: Record<string, unknown> }>(Q.GET_WORKSPACES, { names });
    const byName = new Map(rows.map((r) => [r.w.name as string, parse(r.w)]));
    return names.map((n) => byName.get(n) ?? null);
  },

  async list(
    tx: Tx,
    q: { prefix: string; after: string | null; limit: number; includeDeleted?: boolean; readable?: string[] | null },
  ): Promise<WorkspaceRecord[]> {
    const rows = await tx.run<{ w: Record<string, unknown> }>(Q.LIST_WORKSPACES, {
      prefix: q.prefix,
      includeDeleted: q.includeDeleted ?? false,
      readable: q.readable ?? null,
      ...windowParams(q),
    });
    return rows.map((r) => parse(r.w));
  },
};
