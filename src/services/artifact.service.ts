import { badInput, notFound, quoted } from '../errors';
import { artifactRepository as repo } from '../graph/artifact.repository';
import type { Tx } from '../graph/executor';
import { idempotent } from '../graph/idempotency';
import { newUid } from '../domain/uid';
import { fromGlobalId } from '../domain/global-id';
import { buildSpec, checkKind, type SpecInputs } from './artifact-spec';
import { checkTag, isStoreUri, parseStoreUri } from '../domain/artifact-uri';
import { pageWindow, toPage, type Page, type PageRequest } from './pagination';
import { checkIdempotencyKey } from './idempotency-key';
import { recordChanges, tagHolder, tagMoveChanges } from './history';
import { refuseDeleted } from './lifecycle-guard';
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

const LOCATION = /^(s3|gs|az|https?|file):\/\/\S+$/;

export class ArtifactService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Records an artifact (metadata, and a body location for references) as a new version of its key. */
  log(input: LogArtifact, state: ArtifactState = 'AVAILABLE'): Promise<ArtifactRecord> {
    // The key and its scope, before the key is claimed (createInTx checks the rest).
    checkName('Workspace name', 'workspace', input.workspace);
    checkIdempotencyKey(input.idempotencyKey);
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
    const draft = await this.validate(tx, input);
    await refuseDeleted(tx, { workspace: draft.workspace, runUid: draft.runUid }); // lifecycle
    const created = await repo.create(tx, { ...draft, uid: newUid(), state }, nowIso());
    if (!created) throw notFound('Workspace', input.workspace);
    return created;
  }

  private async validate(tx: Tx, input: LogArtifact) {
    checkName('Workspace name', 'workspace', input.workspace);
    checkKey('key', input.key);
    const kind = checkKind(input.kind);
    checkTexts(input);
    checkBody(input);
    const spec = buildSpec(kind, input);
    if (input.trainingDataset) spec.trainingDatasetUid = (await this.resolveRefInTx(tx, input.trainingDataset)).uid;
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
      tags: uniqueTags(input.tags),
    };
  }

  private async runIn(tx: Tx, runId: string, workspace: string): Promise<string> {
    const uid = runUidOf(runId, 'run');
    const runWorkspace = await repo.runWorkspace(tx, uid);
    if (!runWorkspace) throw notFound('Run', runId);
    if (runWorkspace !== workspace) {
      throw badInput(`Run ${quoted(runId)} belongs to workspace ${quoted(runWorkspace)}, not ${quoted(workspace)}.`, {
        field: 'run',
      });
    }
    return uid;
  }

  /** Names one artifact version by global id or store:// URI (no tag and no uid: the latest). */
  resolveRef(ref: string): Promise<ArtifactRecord> {
    return this.deps.graph.read((tx) => this.resolveRefInTx(tx, ref));
  }

  async resolveRefInTx(tx: Tx, ref: string): Promise<ArtifactRecord> {
    if (isStoreUri(ref)) {
      const uri = parseStoreUri(ref);
      const found = await repo.find(tx, uri);
      if (!found) throw notFound('Artifact', ref);
      return found;
    }
    const { type, key } = fromGlobalId(ref);
    const [found] = type === 'Artifact' ? await repo.getMany(tx, [key]) : [null];
    if (!found) throw notFound('Artifact', ref);
    return found;
  }

  getMany(uids: readonly string[]): Promise<Array<ArtifactRecord | null>> {
    return this.deps.graph.read((tx) => repo.getMany(tx, uids));
  }

  /** The artifact with this uid, inside a caller's transaction (NOT_FOUND when there is none). */
  async mustGet(tx: Tx, uid: string): Promise<ArtifactRecord> {
    const [found] = await repo.getMany(tx, [uid]);
    if (!found) throw notFound('Artifact', uid);
    return found;
  }

  async list(workspace: string, filter: ArtifactListSpec, page: PageRequest): Promise<Page<ArtifactRecord>> {
    const window = pageWindow(page, (raw) => String(raw));
    const rows = await this.deps.graph.read(async (tx) =>
      repo.list(
        tx,
        {
          workspace,
          kind: filter.kind ?? null,
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

  /** Every version of the artifact's key, newest first. */
  async versions(
    of: { workspace: string; key: string },
    page: PageRequest,
    includeDeleted = false,
  ): Promise<Page<ArtifactRecord>> {
    const window = pageWindow(page, (raw) => Number(raw));
    const rows = await this.deps.graph.read((tx) => repo.versions(tx, of.workspace, of.key, window, includeDeleted));
    return toPage(rows, window, (a) => a.version);
  }

  /** Points a tag at this version, moving it off any other version of the key in the same transaction. */
  tag(ref: string, tag: string): Promise<ArtifactRecord> {
    if (checkTag(tag) === 'latest') throw badInput('"latest" always points at the newest version; it cannot be set.');
    return this.deps.graph.write(async (tx) => {
      const target = await this.resolveRefInTx(tx, ref);
      await refuseDeleted(tx, { artifactUid: target.uid }); // lifecycle
      const holder = await tagHolder(tx, target.uid, tag);
      const tagged = (await repo.tag(tx, target.uid, tag, nowIso()))!;
      await recordChanges(tx, this.deps.caller, tagMoveChanges(target.workspace, tag, holder, target.uid));
      return tagged;
    });
  }

  untag(ref: string, tag: string): Promise<ArtifactRecord> {
    return this.deps.graph.write(async (tx) => {
      const target = await this.resolveRefInTx(tx, ref);
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
      `"location" must be a URL such as s3://bucket/path or https://host/path; got ${quoted(input.location)}.`,
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

function uniqueTags(tags: string[] | null | undefined): string[] {
  const list = [...new Set(tags ?? [])].map(checkTag);
  if (list.includes('latest')) throw badInput('"latest" always points at the newest version; it cannot be set.');
  return list;
}
