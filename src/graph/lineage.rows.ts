import type { EntryValue, Scalar } from '../domain/scalar';
import {
  ARTIFACT_TEXT_FIELD_NAMES,
  type ArtifactRecord,
  type ArtifactState,
  type ArtifactTextField,
} from '../domain/artifact';
import type { ExecutionRecord, ExecutionState } from '../domain/execution';
import type { MapKind } from '../domain/key-value';
import type { FoundNode } from '../domain/lineage';
import { fromPropPairs } from './props';

/**
 * Node rows (see `nodeRow` in lineage.cypher.ts) to records, at the repository edge. Built
 * directly from the positional values: a thousand-node answer would otherwise pay for a property
 * map per node and a scan of it per map kind. The shapes are the domain's records (ArtifactRecord,
 * ExecutionRecord), so a field added there fails to compile here until it is filled in (the
 * artifact's descriptive texts excepted: they are read from ARTIFACT_TEXT_FIELDS' order).
 */

/** A node's map entries as [property name, value] pairs (`props.ts` naming). */
type MapPairs = Array<[string, Scalar]>;

/** [hops, uid, isArtifact, kind, core, spec, maps, tags, latestVersion, source] */
export type NodeTuple = [
  number | null,
  string,
  boolean,
  string,
  unknown[] | null,
  string | null,
  MapPairs | null,
  string[] | null,
  number | null,
  boolean | null,
];

export function toFoundNode(t: NodeTuple): FoundNode {
  const [hops, uid, isArtifact, kind, core, spec, maps, tags, latest, source] = t;
  const h = hops ?? 0;
  if (!core) return { type: 'Restricted', uid, kind, hops: h, nodeType: isArtifact ? 'ARTIFACT' : 'EXECUTION' };
  if (!isArtifact) return { type: 'Execution', uid, kind, hops: h, record: executionRecord(uid, kind, core, maps) };
  const record = artifactRecord(uid, kind, core, spec, maps, tags, latest);
  return { type: 'Artifact', uid, kind, hops: h, record, source };
}

const orNull = <T>(v: unknown) => (v ?? null) as T | null;

/** The values of ARTIFACT_CORE, in order; `texts` holds the ARTIFACT_TEXT_FIELDS values, in list order. */
function artifactRecord(
  uid: string,
  kind: string,
  core: unknown[],
  spec: string | null,
  maps: MapPairs | null,
  tags: string[] | null,
  latest: number | null,
): ArtifactRecord {
  const [
    workspace,
    key,
    version,
    state,
    location,
    digest,
    size,
    contentType,
    texts,
    createdAt,
    producerUid,
    runUid,
    deletedAt,
  ] = core;
  // The descriptive texts are set below, by position: a loop, not a spread (see the header).
  const record = {
    uid,
    workspace: workspace as string,
    key: key as string,
    version: version as number,
    kind,
    state: state as ArtifactState,
    location: orNull(location),
    digest: orNull(digest),
    size: orNull(size),
    contentType: orNull(contentType),
    createdAt: createdAt as string,
    producerUid: orNull(producerUid),
    runUid: orNull(runUid),
    spec: spec ? (JSON.parse(spec) as Record<string, unknown>) : {},
    labels: entries(maps, 'label'),
    properties: entries(maps, 'property'),
    tags: tags ? [...tags].sort() : [],
    latestVersion: latest ?? (version as number),
    deletedAt: orNull(deletedAt),
  } satisfies Omit<ArtifactRecord, ArtifactTextField> as ArtifactRecord;
  const values = texts as unknown[] | null;
  for (let i = 0; i < ARTIFACT_TEXT_FIELD_NAMES.length; i++)
    record[ARTIFACT_TEXT_FIELD_NAMES[i]!] = orNull(values?.[i]);
  return record;
}

/** The values of EXECUTION_CORE, in order. */
function executionRecord(uid: string, kind: string, core: unknown[], maps: MapPairs | null): ExecutionRecord {
  const [workspace, runUid, name, state, startedAt, finishedAt, codeVersion, createdAt, description, deletedAt] = core;
  return {
    uid,
    workspace: workspace as string,
    runUid: runUid as string,
    name: name as string,
    kind,
    state: state as ExecutionState,
    startedAt: startedAt as string,
    finishedAt: orNull(finishedAt),
    codeVersion: orNull(codeVersion),
    description: orNull(description),
    createdAt: createdAt as string,
    params: entries(maps, 'param'),
    results: entries(maps, 'result'),
    labels: entries(maps, 'label'),
    annotations: entries(maps, 'annotation'),
    deletedAt: orNull(deletedAt),
  };
}

/** Shared by every node fetched without its maps: nothing reads these but to list them. */
const NO_ENTRIES: Record<string, EntryValue> = Object.freeze({}) as Record<string, EntryValue>;

/** One map of a node, keys without their prefix. */
function entries(maps: MapPairs | null, kind: MapKind): Record<string, EntryValue> {
  return maps ? fromPropPairs(kind, maps) : NO_ENTRIES;
}
