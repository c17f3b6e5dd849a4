import { badInput, conflict, notFound, preconditionFailed, quoted } from '../errors';
import { artifactRepository as repo, type TagMove } from '../graph/artifact.repository';
import type { Tx } from '../graph/executor';
import { idempotent } from '../graph/idempotency';
import { newUid } from '../domain/uid';
import { buildSpec, checkKind, type SpecInputs } from './artifact-spec';
import { checkTag, checkVersionName, formatStoreUri } from '../domain/artifact-uri';
import { resolveArtifactRef, type RefAuthorizer } from './artifact-ref';
import type { Need } from '../auth/principal';
import { readableOnly } from './ownership';
import { pageWindow, toPage, type Page, type PageRequest } from './pagination';
import { checkIdempotencyKey } from './idempotency-key';
import { recordChanges, tagHolder, tagMoveChanges } from './history';
import { refuseDeleted, refuseDeletedRecord } from './lifecycle-guard';
import { runUidOf } from './run.service';
import { checkKey, checkName, checkSha256, checkText, nowIso, toMap } from './validate';
import type { KeyValue } from '../domain/key-value';
import {
  ARTIFACT_TEXT_FIELDS,
  ARTIFACT_TEXT_FIELD_NAMES,
  pickArtifactTexts,
  type ArtifactRecord,
  type ArtifactState,
  type ArtifactTextRule,
  type ArtifactTexts,
} from '../domain/artifact';
import type { ServiceDeps } from './deps';

/** The descriptive texts (description…) come from ARTIFACT_TEXT_FIELDS. */
export interface LogArtifact extends SpecInputs, Partial<ArtifactTexts> {
  workspace: string;
  key: string;
  kind: string;
  labels?: KeyValue[] | null;
  properties?: KeyValue[] | null;
  /** Where the body already lives (a reference artifact), e.g. s3://bucket/path or https://… */
  location?: string | null;
  digest?: string | null;
  size?: number | null;
  contentType?: string | null;
  tags?: string[] | null;
  /** The run (its id or uid) that logged it, when not given by an execution's output event. */
  run?: string | null;
  /** For MODEL artifacts: the dataset it was trained on (id or store:// URI). */
  trainingDataset?: string | null;
  idempotencyKey?: string | null;
}

/** Which artifacts `list` returns; `run` is the run's id or uid. */
export interface ArtifactListSpec {
  kind?: string | null;
  state?: ArtifactState | null;
  keyPrefix?: string | null;
  labels?: KeyValue[] | null;
  tag?: string | null;
  run?: string | null;
  createdAfter?: string | null;
  createdBefore?: string | null;
  /** True: deleted versions too, and the artifacts of a deleted workspace (hidden otherwise). */
  includeDeleted?: boolean | null;
}

const LOCATION = /^(s3|gs|gcs|az|abfss?|wasbs?|hdfs|https?|file):\/\/\S+$/;

export class ArtifactService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Records an artifact (metadata, and a body location for references) as a new version of its key. */
  async log(input: LogArtifact, state: ArtifactState = 'AVAILABLE'): Promise<ArtifactRecord> {
    // The key and its scope, before the key is claimed (createInTx checks the rest).
    checkName('Workspace name', 'workspace', input.workspace);
    checkIdempotencyKey(input.idempotencyKey);
    // Before the idempotency key is looked at: a replay hands out the version it made.
    await this.deps.access.require('write', inWorkspace(input.workspace));
    return this.deps.graph.write(async (tx) => {
      const { idempotencyKey, ...rest } = input;
      const { uid } = await idempotent(
        tx,
        {
          operation: 'logArtifact',
          scope: rest.workspace,
          key: idempotencyKey,
          input: rest,
          ttlSeconds: this.deps.idempotencyTtlSeconds,
        },
        async () => (await this.createInTx(tx, rest, state)).uid,
      );
      return this.mustGet(tx, uid);
    });
  }

  /** The create itself, inside a caller's transaction (recordExecution and uploads share it). */
  async createInTx(tx: Tx, input: LogArtifact, state: ArtifactState = 'AVAILABLE'): Promise<ArtifactRecord> {
    checkName('Workspace name', 'workspace', input.workspace);
    await this.deps.access.require('write', inWorkspace(input.workspace)); // no query: the name is given
    const draft = await this.validate(tx, input);
    await refuseDeleted(tx, { workspace: draft.workspace, runUid: draft.runUid }); // lifecycle
    const made = await repo.create(tx, { ...draft, uid: newUid(), state }, nowIso());
    if (!made) throw notFound('Workspace', input.workspace);
    const created = made.artifact;
    this.deps.audit.target({ workspace: created.workspace, objectType: 'Artifact', objectId: created.uid });
    // After the create, which holds the key's lock until commit: a concurrent creator of the same
    // name commits first or waits, so this read sees it (and the check costs nothing without names).
    // An upload's tags are checked here too, up front, though it takes them only when completed.
    if (created.versionName) await refuseVersionNameClash(tx, created, created.versionName);
    for (const tag of draft.tags) await refuseTagClash(tx, created, tag);
    // Creating is not a change: only tags taken off another version are recorded (on both).
    await this.recordTagMoves(
      tx,
      created,
      made.tagMoves.filter((m) => m.from !== null),
    );
    return created;
  }

  /**
   * Marks a PENDING upload AVAILABLE (its body is where `location` says) inside the caller's
   * transaction: it takes the tags it waits for, and each move is recorded in the history.
   */
  async completeInTx(tx: Tx, uid: string, location: string | null): Promise<ArtifactRecord> {
    const done = await repo.updateBody(tx, uid, { state: 'AVAILABLE', location, now: nowIso() });
    if (!done) throw notFound('Artifact', uid);
    await this.recordTagMoves(tx, done.artifact, done.tagMoves);
    return done.artifact;
  }

  /** A TAG change on both versions for every tag a create or a completion moved onto `onto`. */
  private recordTagMoves(tx: Tx, onto: ArtifactRecord, moves: readonly TagMove[]): Promise<void> {
    const changes = moves.flatMap((m) => tagMoveChanges(onto.workspace, m.tag, m.from, onto.uid));
    return recordChanges(tx, this.deps.caller, changes);
  }

  private async validate(tx: Tx, input: LogArtifact) {
    checkName('Workspace name', 'workspace', input.workspace);
    checkKey('key', input.key);
    const kind = checkKind(input.kind);
    checkTexts(input);
    if (input.versionName != null) checkVersionName(input.versionName);
    checkBody(input);
    const spec = buildSpec(kind, input);
    if (input.trainingDataset) spec.trainingDatasetUid = await this.trainingDatasetUid(tx, input.trainingDataset);
    return {
      workspace: input.workspace,
      key: input.key,
      kind,
      location: input.location ?? null,
      digest: input.digest ?? null,
      size: input.size ?? null,
      contentType: input.contentType ?? null,
      ...pickArtifactTexts(input),
      runUid: input.run ? await this.runIn(tx, input.run, input.workspace) : null,
      spec,
      labels: toMap('labels', input.labels),
      properties: toMap('properties', input.properties),
      tags: uniqueTags(input.tags, input.versionName),
    };
  }

  /**
   * A model's training dataset: by the input rule (a live, AVAILABLE version), since a model is
   * made from it as an execution is from its inputs.
   */
  private async trainingDatasetUid(tx: Tx, ref: string): Promise<string> {
    const found = await this.resolveInputInTx(tx, ref, 'trainingDataset');
    refuseDeletedRecord('Artifact', found);
    return found.uid;
  }

  private async runIn(tx: Tx, runId: string, workspace: string): Promise<string> {
    const uid = runUidOf(runId, 'run');
    const runWorkspace = await repo.runWorkspace(tx, uid);
    if (!runWorkspace) throw notFound('Run', runId);
    // Another workspace's run is named only to a caller who may read it.
    if (runWorkspace !== workspace)
      await this.deps.access.require('read', { workspace: runWorkspace, objectType: 'Run', objectId: runId });
    if (runWorkspace !== workspace) {
      throw badInput(`Run ${quoted(runId)} belongs to workspace ${quoted(runWorkspace)}, not ${quoted(workspace)}.`, {
        field: 'run',
      });
    }
    return uid;
  }

  /**
   * Names one artifact version by global id, uid or store:// URI (see artifact-ref.ts), for a use
   * case that needs `need` of it: one the caller may not read is NOT_FOUND like a missing one.
   */
  resolveRef(ref: string, field = 'ref', need: Need = 'read'): Promise<ArtifactRecord> {
    return this.deps.graph.read((tx) => this.resolveRefInTx(tx, ref, field, need));
  }

  async resolveRefInTx(tx: Tx, ref: string, field = 'ref', need: Need = 'read'): Promise<ArtifactRecord> {
    // Without credentials nothing is looked up: a missing and a hidden version answer alike.
    await this.deps.access.requireSignedIn({ workspace: null, objectType: 'Artifact', objectId: ref });
    return resolveArtifactRef(tx, ref, field, this.authorizer(need, ref));
  }

  /** Authorizes `need` in the workspace of the version `ref` names (see RefAuthorizer). */
  private authorizer(need: Need, ref: string): RefAuthorizer {
    return (workspace) => this.deps.access.require(need, { workspace, objectType: 'Artifact', objectId: ref });
  }

  /**
   * An execution's input: only an AVAILABLE version (never an unfinished or aborted upload), which
   * the caller may read (reading another workspace's dataset is what cross-workspace lineage is).
   */
  async resolveInputInTx(tx: Tx, ref: string, field = 'inputs'): Promise<ArtifactRecord> {
    const found = await this.resolveRefInTx(tx, ref, field, 'read');
    if (found.state !== 'AVAILABLE') {
      throw preconditionFailed(
        `${quoted(formatStoreUri(found))} is ${found.state}, so it cannot be an input: ` +
          (found.state === 'PENDING' ? 'complete its upload first.' : 'its upload was aborted; use another version.'),
        { field },
      );
    }
    return found;
  }

  /** Versions by uid (a DataLoader batch); null where none exists or the caller may not read it. */
  async getMany(uids: readonly string[]): Promise<Array<ArtifactRecord | null>> {
    return readableOnly(this.deps, await this.deps.graph.read((tx) => repo.getMany(tx, uids)));
  }

  /** The artifact with this uid, inside a caller's transaction (NOT_FOUND when there is none). */
  async mustGet(tx: Tx, uid: string): Promise<ArtifactRecord> {
    const [found] = await repo.getMany(tx, [uid]);
    if (!found) throw notFound('Artifact', uid);
    return found;
  }

  /** A workspace's versions; a workspace the caller may not read lists nothing, as a missing one does. */
  async list(workspace: string, filter: ArtifactListSpec, page: PageRequest): Promise<Page<ArtifactRecord>> {
    const window = pageWindow(page, (raw) => String(raw));
    if (!(await this.mayList(workspace))) return toPage([], window, () => '');
    const rows = await this.deps.graph.read(async (tx) =>
      repo.list(
        tx,
        {
          workspace,
          kind: filter.kind != null ? checkKind(filter.kind, 'filter.kind') : null,
          state: filter.state ?? null,
          keyPrefix: filter.keyPrefix ?? null,
          runUid: filter.run ? runUidOf(filter.run, 'filter.run') : null,
          createdAfter: filter.createdAfter ?? null,
          createdBefore: filter.createdBefore ?? null,
          labels: toMap('labels', filter.labels),
          tag: filter.tag ?? null,
          includeDeleted: filter.includeDeleted ?? false,
        },
        window,
      ),
    );
    return toPage(rows, window, (a) => a.uid);
  }

  /** Whether the caller may list the workspace; a refusal is recorded, and answered as an empty page. */
  private async mayList(workspace: string): Promise<boolean> {
    try {
      await this.deps.access.require('read', inWorkspace(workspace));
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'NOT_FOUND') return false;
      throw err;
    }
  }

  /** The versions of the artifact's key, newest first: AVAILABLE ones, or those in `state`; deleted ones only with `includeDeleted`. */
  async versions(
    of: { workspace: string; key: string },
    page: PageRequest,
    state: ArtifactState | null = null,
    includeDeleted = false,
  ): Promise<Page<ArtifactRecord>> {
    const window = pageWindow(page, (raw) => Number(raw));
    const rows = await this.deps.graph.read((tx) =>
      repo.versions(tx, of.workspace, of.key, window, state, includeDeleted),
    );
    return toPage(rows, window, (a) => a.version);
  }

  /**
   * Points a tag at this version, moving it off any other version of the key in the same
   * transaction. Only AVAILABLE versions are tagged, and a tag never repeats a version name.
   */
  tag(ref: string, tag: string): Promise<ArtifactRecord> {
    if (checkTag(tag) === 'latest') throw badInput('"latest" always points at the newest version; it cannot be set.');
    return this.deps.graph.write(async (tx) => {
      const target = await this.resolveRefInTx(tx, ref, 'ref', 'write');
      await refuseDeleted(tx, { artifactUid: target.uid }); // lifecycle
      if (target.state !== 'AVAILABLE') {
        throw preconditionFailed(
          `${quoted(formatStoreUri(target))} is ${target.state}; only AVAILABLE versions are tagged (complete the upload first).`,
        );
      }
      const holder = await tagHolder(tx, target.uid, tag);
      const tagged = (await repo.tag(tx, target.uid, tag, nowIso()))!;
      await refuseTagClash(tx, tagged, tag); // after the tag took the key's lock
      await recordChanges(tx, this.deps.caller, tagMoveChanges(target.workspace, tag, holder, target.uid));
      return tagged;
    });
  }

  untag(ref: string, tag: string): Promise<ArtifactRecord> {
    return this.deps.graph.write(async (tx) => {
      const target = await this.resolveRefInTx(tx, ref, 'ref', 'write');
      await refuseDeleted(tx, { artifactUid: target.uid }); // lifecycle
      const holder = await tagHolder(tx, target.uid, checkTag(tag));
      const untagged = (await repo.untag(tx, target.uid, tag))!;
      // Only a tag this version holds is removed (and recorded); another version's stays.
      const after = holder === target.uid ? null : holder;
      await recordChanges(tx, this.deps.caller, tagMoveChanges(target.workspace, tag, holder, after));
      return untagged;
    });
  }
}

/** A use case acting in a workspace it names: an unreadable one answers as a missing one. */
function inWorkspace(workspace: string) {
  return { workspace, objectType: 'Workspace', objectId: workspace };
}

/** Each descriptive text against its rule in ARTIFACT_TEXT_FIELDS. */
function checkTexts(input: Partial<ArtifactTexts>): void {
  for (const name of ARTIFACT_TEXT_FIELD_NAMES) {
    const rule: ArtifactTextRule = ARTIFACT_TEXT_FIELDS[name];
    checkText(name, input[name], rule.maxLength);
  }
}

function checkBody(input: LogArtifact): void {
  if (input.location != null && !LOCATION.test(input.location)) {
    throw badInput(
      `"location" must be a URL of a store Skein knows (s3, gs, gcs, az, abfs, abfss, wasb, wasbs, hdfs, http, https, file), e.g. s3://bucket/path; got ${quoted(input.location)}.`,
      {
        field: 'location',
      },
    );
  }
  if (input.digest != null) checkSha256(input.digest, 'digest');
  if (input.size != null && (!Number.isSafeInteger(input.size) || input.size < 0)) {
    throw badInput(`"size" must be a whole number of bytes; got ${input.size}.`, { field: 'size' });
  }
}

function uniqueTags(tags: string[] | null | undefined, versionName: string | null | undefined): string[] {
  const list = [...new Set(tags ?? [])].map(checkTag);
  if (list.includes('latest')) throw badInput('"latest" always points at the newest version; it cannot be set.');
  if (versionName && list.includes(versionName)) {
    throw badInput(`${quoted(versionName)} is given as both a tag and the version name; give it once.`, {
      field: 'tags',
    });
  }
  return list;
}

/**
 * Version names are unique per key and share the `:<name>` slot of URIs with tags, so a new
 * version name may repeat neither another version's name nor a tag of the key.
 */
async function refuseVersionNameClash(tx: Tx, a: ArtifactRecord, name: string): Promise<void> {
  const named = await repo.findByVersionName(tx, a.workspace, a.key, name, a.uid);
  if (named) {
    throw conflict(
      `Version name ${quoted(name)} is already taken by version ${named.version} of ${quoted(a.key)} ` +
        `(${formatStoreUri(named)}); version names are unique per key, choose another.`,
      { field: 'versionName' },
    );
  }
  // Deleted versions keep their tags (a restore brings them back) and an upload takes its tags
  // when it completes, so both claim the name already.
  const claim = await repo.findTagClaim(tx, a.workspace, a.key, name, a.uid);
  if (claim) {
    const { artifact: held, pending } = claim;
    const on = pending
      ? `waiting for the upload of version ${held.version} to complete`
      : held.deletedAt
        ? `on version ${held.version}, deleted at ${held.deletedAt}`
        : `on version ${held.version}`;
    throw conflict(
      `${quoted(name)} is a tag of ${quoted(a.key)} (${on}); a version name cannot repeat a tag, ` +
        `since both are named by store://…:<name>. Choose another version name${pending ? '' : ', or untag it first'}.`,
      { field: 'versionName' },
    );
  }
}

/** A tag may not repeat a version name of its key (they share the `:<name>` slot of URIs). */
async function refuseTagClash(tx: Tx, a: ArtifactRecord, tag: string): Promise<void> {
  const named = await repo.findByVersionName(tx, a.workspace, a.key, tag);
  if (named) {
    throw conflict(
      `${quoted(tag)} is the version name of version ${named.version} of ${quoted(a.key)} (${formatStoreUri(named)}); ` +
        'a tag cannot repeat a version name, since both are named by store://…:<name>. Choose another tag.',
      { field: 'tag' },
    );
  }
}
