import type { FoundColumnStep } from '../domain/column-lineage';
import type { WalkDirection } from '../domain/lineage';
import * as Q from './column-lineage.cypher';
import { int, type Tx } from './executor';

/** One step of a column walk, asked for a whole frontier at once. */
export interface ColumnStepRequest {
  direction: WalkDirection;
  /** The columns reached at the last step, as [artifact uid, column] pairs. */
  frontier: ReadonlyArray<readonly [string, string]>;
  /** The caller's readable workspaces; null: all. */
  readable: string[] | null;
  /** The most rows to return. */
  limit: number;
}

/** A row as the step query answers it: the step's shape, the column name possibly not yet a string. */
type StepRow = Omit<FoundColumnStep, 'otherColumn'> & { otherColumn: unknown };

const STEP: Record<WalkDirection, string> = {
  UPSTREAM: Q.COLUMN_STEP_UPSTREAM,
  DOWNSTREAM: Q.COLUMN_STEP_DOWNSTREAM,
};

export const columnLineageRepository = {
  /** The COLUMN_FROM relationships leading on from the frontier, in a stable order. */
  async step(tx: Tx, req: ColumnStepRequest): Promise<FoundColumnStep[]> {
    if (req.frontier.length === 0) return [];
    const rows = await tx.run<StepRow>(STEP[req.direction], {
      frontier: req.frontier.map(([uid, column]) => [uid, column]),
      readable: req.readable,
      limit: int(req.limit),
    });
    return rows.map((r) => ({ ...r, otherColumn: String(r.otherColumn), transformations: r.transformations ?? null }));
  },
};
