import { ownershipRepository } from '../graph/ownership.repository';
import { badInput, ErrorCode, quoted, SkeinError } from '../errors';
import { artifactRepository } from '../graph/artifact.repository';
import { isStoreUri } from '../domain/artifact-uri';
import { isUid } from '../domain/uid';
import { resolveArtifactRef } from './artifact-ref';
import { fromGlobalId } from '../domain/global-id';
import { parseIsoTime } from '../domain/time';
import { assembleImpact, assembleLineage, assemblePath, assembleProvenance, isVisible } from './lineage.assemble';
import {
  ALL_FIELDS,
  LINEAGE_LIMITS as L,
  LineageDirection,
  MAX_DEPTH,
  NODE_LABELS,
  type FoundSubgraph,
  type ImpactRecord,
  type LineageCriteria,
  type LineageFilterSpec,
  type LineageFrame,
  type LineageOptions,
  type LineagePathRecord,
  type LineageRecord,
  type NodeFields,
  type NodeRef,
  type ProvenanceRecord,
} from '../domain/lineage';
import { lineageRepository as repo } from '../graph/lineage.repository';
import type { ServiceDeps } from './deps';
import { checkName } from './validate';

/** All lineage needs of a request: its executor and its caller's authorization. */
type LineageDeps = Pick<ServiceDeps, 'graph' | 'access'>;

/**
 * Lineage use cases: what a run read and wrote, across runs and workspaces. Each answer is one
 * query (plus one to resolve a store:// URI when the start is named that way). Every traversal
 * carries the caller's readable workspaces: nodes outside them come back as placeholders and
 * the chain continues through them; a start node the caller may not read does not exist for them.
 */
export class LineageService {
  constructor(private readonly deps: LineageDeps) {}

  async lineage(of: string, options: LineageOptions = {}): Promise<LineageRecord> {
    const start = await this.resolve(of, 'of');
    const [found] = await this.lineageOf([start], options);
    if (!found) throw await this.missingOrHidden(start, of, options.asOf);
    return found;
  }

  /**
   * The lineage of many start nodes with the same options: one query per label (what the
   * `upstream` / `downstream` field loader batches). Null where a start node is missing, hidden
   * from the caller, or younger than `asOf`.
   */
  async lineageOf(starts: readonly NodeRef[], options: LineageOptions = {}): Promise<Array<LineageRecord | null>> {
    const plan = planLineage(options);
    const read = await this.deps.graph.read(async (tx) => {
      const byLabel = [];
      for (const label of NODE_LABELS) {
        const uids = [...new Set(starts.filter((s) => s.label === label).map((s) => s.uid))];
        if (uids.length === 0) continue;
        byLabel.push({
          label,
          uids,
          subgraphs: await repo.traverse(tx, { ...plan, label, uids, readable: this.readable }),
        });
      }
      return byLabel;
    });
    const found = new Map<string, LineageRecord | null>();
    for (const { label, uids, subgraphs } of read) {
      for (const uid of uids) found.set(`${label}:${uid}`, this.finish(subgraphs.get(uid), uid, plan));
    }
    return starts.map((s) => found.get(`${s.label}:${s.uid}`) ?? null);
  }

  /** The shortest chain of events between two nodes (either way round), or null when none links them. */
  async path(from: string, to: string, options: ReportOptions = {}): Promise<LineagePathRecord | null> {
    const asOf = checkTime('asOf', options.asOf);
    const [a, b] = await Promise.all([this.resolve(from, 'from'), this.resolve(to, 'to')]);
    if (a.uid === b.uid) throw badInput('"from" and "to" name the same node; a path needs two.', { field: 'to' });
    const found = await this.deps.graph.read((tx) =>
      repo.path(tx, { from: a, to: b }, this.scope(asOf, options.fields)),
    );
    // No row: one end is missing, and a hidden `from` must answer as a missing one.
    if (!found) throw await this.missingOrHidden(a, from, asOf, () => this.missingOrHidden(b, to, asOf));
    if (!isVisible(found.from, asOf)) throw await this.missingOrHidden(a, from, asOf);
    if (!isVisible(found.to, asOf)) throw await this.missingOrHidden(b, to, asOf);
    return assemblePath(found);
  }

  /**
   * The NOT_FOUND of a start node that did not come back readable (only on that path): one in a
   * workspace the caller may not read is refused in the audit trail, then answered exactly as a
   * missing one. `otherwise` explains a node that is there and readable (a path's other end).
   */
  private async missingOrHidden(
    ref: NodeRef,
    given: string,
    asOf: string | null | undefined,
    otherwise?: () => Promise<SkeinError>,
  ): Promise<SkeinError> {
    const workspace = await this.deps.graph.read((tx) => ownershipRepository.workspaceOf(tx, ref.label, ref.uid));
    if (workspace !== null && !this.deps.access.canRead(workspace)) {
      await this.deps.access
        .require('read', { workspace, objectType: ref.label, objectId: given })
        .catch(() => undefined);
      return missing(given, asOf);
    }
    return workspace !== null && otherwise ? otherwise() : missing(given, asOf);
  }

  /** Everything downstream, grouped by kind, runs and workspaces: "what do I have to retrain?" */
  async impact(
    of: string,
    options: ReportOptions & { maxNodes?: number | null; artifactsPerKind?: number | null } = {},
  ): Promise<ImpactRecord> {
    const asOf = checkTime('asOf', options.asOf);
    const cap = checkInt('maxNodes', options.maxNodes, L.reportMaxNodes, 1, L.reportMaxNodes);
    const perKind = checkInt('artifactsPerKind', options.artifactsPerKind, L.defaultPerKind, 0, L.maxPerKind);
    const start = await this.resolve(of, 'of');
    const found = await this.deps.graph.read((tx) =>
      repo.impact(tx, { ...start, cap, perKind }, this.scope(asOf, options.fields)),
    );
    if (!found || !isVisible(found.root, asOf)) throw await this.missingOrHidden(start, of, asOf);
    return assembleImpact(found, cap);
  }

  /** Everything upstream, flattened for a report: sources, artifacts, executions, runs. */
  async provenance(
    of: string,
    options: ReportOptions & { depth?: number | null; maxNodes?: number | null } = {},
  ): Promise<ProvenanceRecord> {
    const asOf = checkTime('asOf', options.asOf);
    const depth = checkInt('depth', options.depth, MAX_DEPTH, 1, MAX_DEPTH);
    const cap = checkInt('maxNodes', options.maxNodes, L.reportMaxNodes, 1, L.reportMaxNodes);
    const start = await this.resolve(of, 'of');
    const found = await this.deps.graph.read((tx) =>
      repo.provenance(tx, { ...start, depth, cap }, this.scope(asOf, options.fields)),
    );
    if (!found || !isVisible(found.root, asOf)) throw await this.missingOrHidden(start, of, asOf);
    return assembleProvenance(found, cap);
  }

  /**
   * A global id of an artifact or execution, a store:// URI (one lookup, by the artifact
   * resolver), or a bare uid (an artifact's when one has it, else taken as an execution's).
   */
  async resolve(ref: string, field: string): Promise<NodeRef> {
    await this.deps.access.requireSignedIn({ workspace: null, objectType: 'Lineage', objectId: ref });
    if (isStoreUri(ref)) {
      // A URI names its workspace: one the caller may not read is a missing artifact, before any lookup.
      const authorize = (workspace: string) =>
        this.deps.access.require('read', { workspace, objectType: 'Artifact', objectId: ref });
      const found = await this.deps.graph.read((tx) => resolveArtifactRef(tx, ref, field, authorize));
      return { label: 'Artifact', uid: found.uid };
    }
    if (isUid(ref)) {
      const uid = ref.toLowerCase();
      const [artifact] = await this.deps.graph.read((tx) => artifactRepository.getMany(tx, [uid]));
      return { label: artifact ? 'Artifact' : 'Execution', uid };
    }
    const { type, key } = fromGlobalId(ref);
    if (type !== 'Artifact' && type !== 'Execution') {
      throw badInput(`${quoted(ref)} is a ${type}; lineage starts at an artifact or an execution.`, { field });
    }
    return { label: type, uid: key };
  }

  /** The caller's readable workspaces (null: all): every traversal redacts the rest. */
  private get readable(): string[] | null {
    return this.deps.access.readScope();
  }

  private scope(asOf: string | null, fields: NodeFields = ALL_FIELDS) {
    return { asOf, readable: this.readable, fields };
  }

  private finish(subgraph: FoundSubgraph | undefined, uid: string, plan: LineagePlan): LineageRecord | null {
    return subgraph ? assembleLineage(subgraph, { ...plan.frame, startUid: uid }) : null;
  }
}

export interface ReportOptions {
  asOf?: string | null;
  fields?: NodeFields;
}

// ---------------------------------------------------------------------------------------------
// Validation: limits and filters, with messages a person can act on

/** A lineage question, checked: the repository makes the traversal of it. */
interface LineagePlan {
  frame: LineageFrame;
  criteria: LineageCriteria | null;
  fields: NodeFields;
}

export function planLineage(options: LineageOptions): LineagePlan {
  const direction = options.direction ?? LineageDirection.UPSTREAM;
  if (!Object.hasOwn(LineageDirection, direction))
    throw badInput(`direction must be UPSTREAM, DOWNSTREAM or BOTH.`, { field: 'direction' });
  const depth = checkInt('depth', options.depth, L.defaultDepth, 1, MAX_DEPTH);
  const maxNodes = checkInt('maxNodes', options.maxNodes, L.defaultMaxNodes, 1, L.maxMaxNodes);
  const asOf = checkTime('asOf', options.asOf);
  return {
    frame: { direction, depth, maxNodes, asOf },
    criteria: checkLineageFilter(options.filter),
    fields: options.fields ?? ALL_FIELDS,
  };
}

function checkInt(field: string, value: number | null | undefined, fallback: number, min: number, max: number): number {
  if (value === null || value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(`"${field}" must be a whole number from ${min} to ${max}; got ${value}.`, { field });
  }
  return value;
}

/** ISO-8601 in, the stored format out (UTC, milliseconds), so it compares with stored times as text. */
function checkTime(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const time = parseIsoTime(value);
  if (time === null) {
    throw badInput(`"${field}" must be an ISO-8601 time such as "2026-11-23T16:36:00Z"; got ${quoted(value)}.`, {
      field,
    });
  }
  return time;
}

/** A filter's list of values: null when empty, else a copy, refused when too long or a value is refused. */
function checkFilterValues(
  field: string,
  values: readonly string[] | null | undefined,
  checkValue: (value: string, field: string) => void,
): string[] | null {
  if (!values || values.length === 0) return null;
  if (values.length > L.maxFilterValues) {
    throw badInput(`"${field}" has ${values.length} values; the limit is ${L.maxFilterValues}.`, { field });
  }
  for (const v of values) checkValue(v, field);
  return [...values];
}

/** A kind to keep: artifact kinds (MODEL…) and execution kinds (TRAINER…) alike. */
const KIND = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function checkKindValue(value: string, field: string): void {
  if (!KIND.test(value)) throw badInput(`"${field}" value ${quoted(value)} is not valid.`, { field });
}

function checkWorkspaceValue(value: string, field: string): void {
  checkName(`"${field}" value`, field, value);
}

/** Null when nothing is filtered, so the query keeps its unfiltered (cheaper) shape. */
export function checkLineageFilter(filter: LineageFilterSpec | null | undefined): LineageCriteria | null {
  if (!filter) return null;
  const kinds = checkFilterValues('filter.kinds', filter.kinds, checkKindValue);
  const workspaces = checkFilterValues('filter.workspaces', filter.workspaces, checkWorkspaceValue);
  const types = filter.nodeTypes?.length ? new Set(filter.nodeTypes) : null;
  const createdAfter = checkTime('filter.createdAfter', filter.createdAfter);
  const createdBefore = checkTime('filter.createdBefore', filter.createdBefore);
  if (!kinds && !workspaces && !types && !createdAfter && !createdBefore) return null;
  return {
    kinds,
    workspaces,
    artifacts: !types || types.has('ARTIFACT'),
    executions: !types || types.has('EXECUTION'),
    createdAfter,
    createdBefore,
  };
}

function missing(ref: string, asOf: string | null | undefined): SkeinError {
  const when = asOf ? ` (as of ${asOf})` : '';
  return new SkeinError(ErrorCode.NOT_FOUND, `No artifact or execution ${quoted(ref)}${when}.`, { id: ref });
}
