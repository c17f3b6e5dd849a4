import { badInput } from '../errors';
import { artifactRepository } from '../graph/artifact.repository';
import { columnLineageRepository as repo } from '../graph/column-lineage.repository';
import type { Tx } from '../graph/executor';
import type { ArtifactRecord } from '../domain/artifact';
import {
  COLUMN_LINEAGE_LIMITS as L,
  type ColumnEdgeRecord,
  type ColumnLineageRecord,
  type ColumnNode,
  type ColumnTransformationRecord,
  type FoundColumnStep,
} from '../domain/column-lineage';
import { LineageDirection, MAX_DEPTH, type WalkDirection } from '../domain/lineage';
import { toGlobalId } from '../domain/global-id';
import { restrictedId } from '../domain/restricted-id';
import { resolveArtifactRef } from './artifact-ref';
import type { ServiceDeps } from './deps';

type ColumnLineageDeps = Pick<ServiceDeps, 'graph' | 'access'>;

export interface ColumnLineageOptions {
  direction?: LineageDirection | null;
  depth?: number | null;
  maxNodes?: number | null;
}

interface ColumnWalkPlan {
  column: string;
  direction: LineageDirection;
  depth: number;
  maxNodes: number;
}

const WALKS: Record<LineageDirection, readonly WalkDirection[]> = {
  UPSTREAM: ['UPSTREAM'],
  DOWNSTREAM: ['DOWNSTREAM'],
  BOTH: ['UPSTREAM', 'DOWNSTREAM'],
};

/**
 * Column-level lineage: which columns of which dataset versions one column was computed from
 * (transitively, with how), or which were computed from it. The start artifact is resolved and
 * authorized as lineage's is (READ on its workspace; a hidden one answers as a missing one).
 * Columns of artifacts in workspaces the caller may not read come back restricted (no column
 * name, no transformation descriptions), and the walk continues through them.
 */
export class ColumnLineageService {
  constructor(private readonly deps: ColumnLineageDeps) {}

  async columnLineage(of: string, column: string, options: ColumnLineageOptions = {}): Promise<ColumnLineageRecord> {
    const plan = planColumnWalk(column, options);
    await this.deps.access.requireSignedIn({ workspace: null, objectType: 'ColumnLineage', objectId: of });
    const authorize = (workspace: string) =>
      this.deps.access.require('read', { workspace, objectType: 'Artifact', objectId: of });
    return this.deps.graph.read(async (tx) => {
      const root = await resolveArtifactRef(tx, of, 'of', authorize);
      const walk = new ColumnWalk(root.uid, plan);
      for (const direction of WALKS[plan.direction]) await walk.run(tx, direction, this.deps.access.readScope());
      const records = await artifactRepository.getMany(tx, walk.readableUids());
      return walk.answer(new Map(records.flatMap((r) => (r ? [[r.uid, r] as const] : []))), root);
    });
  }
}

export function planColumnWalk(column: string, options: ColumnLineageOptions): ColumnWalkPlan {
  if (column.length === 0 || column.length > L.maxColumnLength) {
    throw badInput(`"column" must be a column name of 1 to ${L.maxColumnLength} characters.`, { field: 'column' });
  }
  const direction = options.direction ?? LineageDirection.UPSTREAM;
  if (!Object.hasOwn(LineageDirection, direction))
    throw badInput(`direction must be UPSTREAM, DOWNSTREAM or BOTH.`, { field: 'direction' });
  return {
    column,
    direction,
    depth: checkInt('depth', options.depth, L.defaultDepth, MAX_DEPTH),
    maxNodes: checkInt('maxNodes', options.maxNodes, L.defaultMaxNodes, L.maxMaxNodes),
  };
}

function checkInt(field: string, value: number | null | undefined, fallback: number, max: number): number {
  if (value === null || value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw badInput(`"${field}" must be a whole number from 1 to ${max}; got ${value}.`, { field });
  }
  return value;
}

interface Reached {
  uid: string;
  column: string;
  readable: boolean;
  kind: string;
}

interface Step {
  from: string;
  to: string;
  transformations: string | null;
  depth: number;
}

const keyOf = (uid: string, column: string) => `${uid}\u0000${column}`;

/**
 * A breadth-first walk over (artifact version, column) pairs, one query per step for the whole
 * frontier. Each pair is visited once (so a cycle ends), the start counts for nothing, and at
 * most `maxNodes` others are kept: a step that would pass the cap is cut and the answer says so.
 */
class ColumnWalk {
  private readonly reached = new Map<string, Reached>();
  private readonly steps = new Map<string, Step>();
  private readonly rootKey: string;
  private truncated = false;

  constructor(
    rootUid: string,
    private readonly plan: ColumnWalkPlan,
  ) {
    this.rootKey = keyOf(rootUid, plan.column);
    this.reached.set(this.rootKey, { uid: rootUid, column: plan.column, readable: true, kind: '' });
  }

  async run(tx: Tx, direction: WalkDirection, readable: string[] | null): Promise<void> {
    let frontier = [this.reached.get(this.rootKey)!];
    for (let depth = 1; depth <= this.plan.depth && frontier.length > 0; depth += 1) {
      const remaining = this.plan.maxNodes - (this.reached.size - 1);
      // Enough rows for every new column the cap still allows plus one (to tell a cut), and as
      // many again for steps onto columns already reached (a diamond's second arm).
      const limit = 2 * (remaining + 1) + frontier.length;
      const found = await repo.step(tx, {
        direction,
        frontier: frontier.map((n) => [n.uid, n.column] as const),
        readable,
        limit,
      });
      if (found.length >= limit) this.truncated = true;
      frontier = this.take(found, direction, depth);
    }
  }

  /** Keeps what a step found (within the cap); returns the columns reached for the first time. */
  private take(found: FoundColumnStep[], direction: WalkDirection, depth: number): Reached[] {
    const fresh: Reached[] = [];
    for (const s of found) {
      const known = keyOf(s.knownUid, s.knownColumn);
      const other = keyOf(s.otherUid, s.otherColumn);
      if (!this.reached.has(other)) {
        if (this.reached.size - 1 >= this.plan.maxNodes) {
          this.truncated = true;
          continue;
        }
        const n = { uid: s.otherUid, column: s.otherColumn, readable: s.otherReadable, kind: s.otherKind };
        this.reached.set(other, n);
        fresh.push(n);
      }
      const [from, to] = direction === 'UPSTREAM' ? [other, known] : [known, other];
      const id = `${from}\u0001${to}`;
      if (!this.steps.has(id)) this.steps.set(id, { from, to, transformations: s.transformations, depth });
    }
    return fresh;
  }

  readableUids(): string[] {
    return [...new Set([...this.reached.values()].filter((n) => n.readable).map((n) => n.uid))];
  }

  answer(records: Map<string, ArtifactRecord>, root: ArtifactRecord): ColumnLineageRecord {
    records.set(root.uid, root);
    const nodes = new Map<string, ColumnNode>();
    for (const [key, n] of this.reached) nodes.set(key, toColumnNode(n, records.get(n.uid)));
    const edges: ColumnEdgeRecord[] = [...this.steps.values()].map((s) => {
      const from = nodes.get(s.from)!;
      const to = nodes.get(s.to)!;
      const hidden = from.type === 'Restricted' || to.type === 'Restricted';
      return { from, to, depth: s.depth, transformations: parseTransformations(s.transformations, hidden) };
    });
    return {
      root: nodes.get(this.rootKey)!,
      direction: this.plan.direction,
      depth: this.plan.depth,
      maxNodes: this.plan.maxNodes,
      nodes: [...nodes.values()],
      edges,
      truncated: this.truncated,
    };
  }
}

/**
 * A readable column carries its artifact's record. A hidden one (or one whose artifact vanished
 * between the walk and the read) only its opaque ids and kind.
 */
function toColumnNode(n: Reached, record: ArtifactRecord | undefined): ColumnNode {
  if (n.readable && record) {
    const artifactId = toGlobalId('Artifact', n.uid);
    return { type: 'Artifact', id: `${artifactId}#${n.column}`, uid: n.uid, column: n.column, artifact: record };
  }
  return {
    type: 'Restricted',
    id: restrictedId(keyOf(n.uid, n.column)),
    uid: n.uid,
    column: null,
    artifactId: restrictedId(n.uid),
    kind: n.kind || record?.kind || 'DATASET',
  };
}

/**
 * The stored JSON list, made safe to show: missing fields are null, anything unreadable is left
 * out, and descriptions (free text that may quote a hidden column or its SQL) are dropped when an
 * end of the edge is hidden.
 */
export function parseTransformations(json: string | null, hidden: boolean): ColumnTransformationRecord[] {
  if (!json) return [];
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list.flatMap((t: unknown) => {
    if (typeof t !== 'object' || t === null) return [];
    const o = t as Record<string, unknown>;
    if (typeof o.type !== 'string') return [];
    return [
      {
        type: o.type,
        subtype: typeof o.subtype === 'string' ? o.subtype : null,
        description: !hidden && typeof o.description === 'string' ? o.description : null,
        masking: typeof o.masking === 'boolean' ? o.masking : null,
      },
    ];
  });
}
