import * as Q from './artifact.cypher';
import { windowParams, type Tx } from './executor';
import { fromProps, matchProps, toNewProps } from './props';
import {
  ARTIFACT_TEXT_FIELD_NAMES,
  pickArtifactTexts,
  type ArtifactRecord,
  type ArtifactTextField,
  type NewArtifact,
  type ArtifactCriteria,
  type ArtifactState,
} from '../domain/artifact';
type Props = Record<string, unknown>;
interface Row {
  a: Props;
  tags?: string[];
  latestVersion?: number;
}

/** A tag a write moved onto a version: `from` is the version that held it before (null: none did). */
export interface TagMove {
  tag: string;
  from: string | null;
}

/** A version a write created or completed, and the tags that write moved onto it. */
export interface WithTagMoves {
  artifact: ArtifactRecord;
  tagMoves: TagMove[];
}

type MovingRow = Row & { tagMoves: TagMove[] };
const withMoves = (rows: MovingRow[]): WithTagMoves | null =>
  rows[0] ? { artifact: parseRow(rows[0]), tagMoves: rows[0].tagMoves } : null;

/** Parses one artifact node; exported for the execution queries that return artifacts too. */
export function parseArtifact(p: Props, tags: string[] = [], latestVersion?: number): ArtifactRecord {
  // The descriptive texts are set below, by name from the list.
  const record = {
    uid: p.uid as string,
    workspace: p.workspace as string,
    key: p.key as string,
    version: p.version as number,
    kind: p.kind as string,
    state: p.state as ArtifactState,
    location: (p.location as string | undefined) ?? null,
    digest: (p.digest as string | undefined) ?? null,
    size: (p.size as number | undefined) ?? null,
    contentType: (p.contentType as string | undefined) ?? null,
    createdAt: p.createdAt as string,
    producerUid: (p.producerUid as string | undefined) ?? null,
    runUid: (p.runUid as string | undefined) ?? null,
    spec: p.spec ? (JSON.parse(p.spec as string) as Record<string, unknown>) : {},
    labels: fromProps('label', p),
    properties: fromProps('property', p),
    tags: [...tags].sort(),
    latestVersion: latestVersion ?? (p.version as number),
    deletedAt: (p.deletedAt as string | undefined) ?? null,
  } satisfies Omit<ArtifactRecord, ArtifactTextField> as ArtifactRecord;
  for (const name of ARTIFACT_TEXT_FIELD_NAMES) record[name] = (p[name] as string | undefined) ?? null;
  return record;
}

/**
 * A model's training dataset is named in its spec, and also stored as `trainingDatasetUid` on the
 * node (indexed) so the purge can see, without reading specs, which datasets a model still names.
 */
const trainingDatasetUidOf = (spec: Record<string, unknown>) => (spec.trainingDatasetUid as string | undefined) ?? null;

const parseRow = (r: Row) => parseArtifact(r.a, r.tags, r.latestVersion);
const first = (rows: Row[]) => (rows[0] ? parseRow(rows[0]) : null);

export const artifactRepository = {
  /** Null when the workspace does not exist. An AVAILABLE version takes its tags here (`tagMoves`). */
  async create(tx: Tx, a: NewArtifact, now: string): Promise<WithTagMoves | null> {
    const rows = await tx.run<MovingRow>(Q.CREATE_ARTIFACT, {
      uid: a.uid,
      workspace: a.workspace,
      key: a.key,
      kind: a.kind,
      state: a.state,
      location: a.location,
      digest: a.digest,
      size: a.size,
      contentType: a.contentType,
      runUid: a.runUid,
      tags: a.tags,
      spec: JSON.stringify(a.spec),
      fields: { ...pickArtifactTexts(a), trainingDatasetUid: trainingDatasetUidOf(a.spec) },
      props: { ...toNewProps('label', a.labels), ...toNewProps('property', a.properties) },
      now,
    });
    return withMoves(rows);
  },

  async getMany(tx: Tx, uids: readonly string[]): Promise<Array<ArtifactRecord | null>> {
    const rows = await tx.run<Row>(Q.GET_ARTIFACTS, { uids });
    const byUid = new Map(rows.map((r) => [r.a.uid as string, parseRow(r)]));
    return uids.map((u) => byUid.get(u) ?? null);
  },

  /** One version of a key: by uid, by tag, by number, or the latest when none is given. */
  async find(
    tx: Tx,
    ref: { workspace: string; key: string; uid?: string | null; tag?: string | null; version?: number | null },
  ): Promise<ArtifactRecord | null> {
    const { workspace, key } = ref;
    if (ref.uid) return first(await tx.run<Row>(Q.FIND_BY_UID, { workspace, key, uid: ref.uid }));
    if (ref.version != null) return first(await tx.run<Row>(Q.FIND_VERSION, { workspace, key, version: ref.version }));
    if (ref.tag && ref.tag !== 'latest')
      return first(await tx.run<Row>(Q.FIND_BY_TAG, { workspace, key, tag: ref.tag }));
    return first(await tx.run<Row>(Q.FIND_LATEST, { workspace, key }));
  },

  /** The version carrying this tag, deleted or not; null when no version of the key does. */
  async findTagHolder(tx: Tx, workspace: string, key: string, tag: string): Promise<ArtifactRecord | null> {
    return first(await tx.run<Row>(Q.FIND_TAG_HOLDER, { workspace, key, tag }));
  },

  /**
   * A version other than `except` that holds `name` as a tag (deleted versions too) or waits to
   * take it when its upload completes (`pending`); null when none claims it.
   */
  async findTagClaim(
    tx: Tx,
    workspace: string,
    key: string,
    name: string,
    except: string,
  ): Promise<{ artifact: ArtifactRecord; pending: boolean } | null> {
    const rows = await tx.run<Row & { pending: boolean }>(Q.FIND_TAG_CLAIM, { workspace, key, name, except });
    return rows[0] ? { artifact: parseRow(rows[0]), pending: rows[0].pending } : null;
  },

  async list(
    tx: Tx,
    filter: ArtifactCriteria,
    window: { after: string | null; limit: number },
  ): Promise<ArtifactRecord[]> {
    const labels = matchProps('label', filter.labels);
    const rows = await tx.run<Row>(Q.LIST_ARTIFACTS, {
      kind: null,
      state: null,
      keyPrefix: null,
      runUid: null,
      createdAfter: null,
      createdBefore: null,
      tag: null,
      ...filter,
      includeDeleted: filter.includeDeleted ?? false,
      labels,
      ...windowParams(window),
    });
    return rows.map(parseRow);
  },

  /** A key's versions, newest first: AVAILABLE ones, or those in `state` when given; deleted ones only with `includeDeleted`. */
  async versions(
    tx: Tx,
    workspace: string,
    key: string,
    window: { after: number | null; limit: number },
    state: ArtifactState | null = null,
    includeDeleted = false,
  ) {
    const rows = await tx.run<Row>(Q.LIST_VERSIONS, { workspace, key, state, includeDeleted, ...windowParams(window) });
    return rows.map(parseRow);
  },

  async tag(tx: Tx, uid: string, tag: string, now: string): Promise<ArtifactRecord | null> {
    return first(await tx.run<Row>(Q.TAG_ARTIFACT, { uid, tag, now }));
  },

  async untag(tx: Tx, uid: string, tag: string): Promise<ArtifactRecord | null> {
    return first(await tx.run<Row>(Q.UNTAG_ARTIFACT, { uid, tag }));
  },

  /** The workspace of a run, or null when there is no such run. */
  async runWorkspace(tx: Tx, runUid: string): Promise<string | null> {
    const rows = await tx.run<{ workspace: string }>(Q.RUN_WORKSPACE, { uid: runUid });
    return rows[0]?.workspace ?? null;
  },

  /**
   * Records the body and the state. A version that becomes AVAILABLE takes the tags its upload
   * asked for (under the key's lock) and may be the key's newest AVAILABLE one, so the key's
   * latest pointer is recomputed in the same transaction.
   */
  async updateBody(
    tx: Tx,
    uid: string,
    body: {
      state: ArtifactState;
      location?: string | null;
      digest?: string | null;
      size?: number | null;
      now?: string;
    },
  ): Promise<WithTagMoves | null> {
    if (body.state === 'AVAILABLE') await tx.run(Q.LOCK_KEY_OF, { uid });
    const result = withMoves(
      await tx.run<MovingRow>(Q.UPDATE_BODY, {
        uid,
        state: body.state,
        location: body.location ?? null,
        digest: body.digest ?? null,
        size: body.size ?? null,
        now: body.now ?? new Date().toISOString(),
      }),
    );
    if (!result || body.state !== 'AVAILABLE') return result;
    const { artifact } = result;
    const latestVersion = await artifactRepository.refreshLatest(tx, artifact.workspace, artifact.key);
    return { ...result, artifact: { ...artifact, latestVersion: latestVersion ?? 0 } };
  },

  // --- References and "latest" ---

  /** The version of a key carrying this version name (other than `except`); null when none does. */
  async findByVersionName(
    tx: Tx,
    workspace: string,
    key: string,
    name: string,
    except: string | null = null,
  ): Promise<ArtifactRecord | null> {
    return first(await tx.run<Row>(Q.FIND_BY_VERSION_NAME, { workspace, key, name, except }));
  },

  /** The newest live version of a key logged by a run of this iteration (0: a top-level run). */
  async findByIteration(tx: Tx, workspace: string, key: string, iteration: number): Promise<ArtifactRecord | null> {
    return first(await tx.run<Row>(Q.FIND_BY_ITERATION, { workspace, key, iteration }));
  },

  /** True when the key has ever had a version. */
  async keyExists(tx: Tx, workspace: string, key: string): Promise<boolean> {
    const rows = await tx.run<{ exists: boolean }>(Q.KEY_EXISTS, { workspace, key });
    return rows[0]?.exists === true;
  },

  /** A run's iteration (0 for a top-level run), or null when there is no such run. */
  async runIteration(tx: Tx, runUid: string): Promise<number | null> {
    const rows = await tx.run<{ iteration: number | null }>(Q.RUN_ITERATION, { uid: runUid });
    return rows[0] ? (rows[0].iteration ?? 0) : null;
  },

  /**
   * Recomputes the key's latest pointer (`k.latestVersion`) from its versions: the newest AVAILABLE
   * version without a `deletedAt`. Call it, in the same transaction, after anything that changes
   * which versions are live (an upload completed, a version deleted or restored). The key is locked
   * first, so concurrent creators and refreshers of one key serialise. Returns the new pointer
   * (null: the key has no live AVAILABLE version).
   */
  async refreshLatest(tx: Tx, workspace: string, key: string): Promise<number | null> {
    await tx.run(Q.LOCK_KEY, { workspace, key });
    const rows = await tx.run<{ latest: number | null }>(Q.REFRESH_LATEST, { workspace, key });
    return rows[0]?.latest ?? null;
  },
};
