import { randomBytes } from 'node:crypto';
import pMap from 'p-map';
import { badInput, notFound } from '../../errors';
import { type ArtifactRecord } from '../../domain/artifact';
import { type BodyRecord } from '../../domain/body';
import type { BodiesConfig } from '../../config';
import type { Tx } from '../../graph/executor';
import { bodyRepository as repo, type NewLink } from '../../graph/body.repository';
import { idempotent } from '../../graph/idempotency';
import type { BodyStore } from '../../storage';
import { ownKey } from '../../storage/body-store';
import type { LogArtifact } from '../artifact.service';
import { checkKind } from '../artifact-spec';
import { checkIdempotencyKey } from '../idempotency-key';
import { runUidOf } from '../run.service';
import { checkName, nowIso } from '../validate';
import { renderPath, uploadTemplate, validPathTemplate } from './path-template';
import {
  manifestDigest,
  planBody,
  planDirectory,
  type BodyRequest,
  type FileRequest,
  type PlannedBody,
  type PlannedFile,
} from './plan';
import { workspaceTarget } from './authorize';
import { type BodyDeps, STORE_CONCURRENCY } from './body-deps';
import { distinctBy } from './links';
import { uploadTicket, type UploadTicket } from './ticket';
import { expiry } from './url-expiry';

/**
 * createUpload: the artifact, PENDING, plus a signed PUT per body still to store (or signed part
 * PUTs above the multipart threshold); bodies already stored and verified are not uploaded again,
 * and when all are, the artifact is AVAILABLE at once. Only for a caller who may write the
 * workspace (the mutation's audit entry records the URLs handed out).
 *
 * Deduplication is scoped to what the caller may read: a stored body is reused only when an
 * AVAILABLE, live artifact in a workspace they may read holds it, so a digest alone gives nothing.
 * Every other body is uploaded by this caller, to a key only this upload is signed for: a key of
 * its own (`ownKey`: the content address plus a random suffix), or — for a caller who may read
 * every workspace, so the choice tells them nothing — the content address itself while no Body has
 * it. So completeUpload, which checks this upload's keys, can only succeed with bytes this
 * upload's URLs put there: a digest declared before its owner uploads it and completed after gets
 * nothing of the owner's, and the URL's key does not say whether anyone stored that content.
 *
 * Store calls never run inside a graph transaction (a retried transaction would repeat them, and
 * they are slow): it reads, talks to the store, then commits in one write.
 */

export interface CreateUpload {
  artifact: LogArtifact;
  body?: BodyRequest | null;
  files?: FileRequest[] | null;
  /** A path template for this call (highest precedence). */
  artifactPath?: string | null;
  /** Seconds the URLs stay valid; at most (and by default) SKEIN_UPLOAD_URL_EXPIRES. */
  expiresIn?: number | null;
}

type Templates = Awaited<ReturnType<typeof repo.templates>>;

/** What an upload records, once its input is checked and the stored bodies are found. */
interface PlannedUpload {
  input: CreateUpload;
  files: PlannedFile[];
  isDirectory: boolean;
  callTemplate: string | null;
  templates: Templates;
  /** The path template that applies (uploadTemplate). */
  template: string;
  /** Bodies the graph held as stored that the store no longer has. */
  vanished: string[];
  /** The distinct bodies still to upload. */
  toUpload: PlannedBody[];
  /** Keys of vanished bodies the caller may read: uploading them again restores them for every holder. */
  relink: Set<string>;
  /** This upload's own key suffix (`ownKey`), for bodies whose content address is taken. */
  nonce: string;
}

/** A concurrent upload created the Body of a content address this one chose: it takes keys of its own. */
class KeysTaken extends Error {}

export async function createUpload(deps: BodyDeps, input: CreateUpload): Promise<UploadTicket> {
  const { settings } = deps.bodies;
  const a = input.artifact;
  refuseBodyFields(a);
  const isDirectory = checkKind(a.kind) === 'DIRECTORY';
  const files = isDirectory ? directoryFiles(input, settings) : singleFile(input, settings);
  const callTemplate = input.artifactPath != null ? validPathTemplate(input.artifactPath, 'artifactPath') : null;
  const expiresIn = expiry(input.expiresIn, settings.uploadUrlExpiresIn, 'expiresIn');
  checkName('Workspace name', 'workspace', a.workspace);
  checkIdempotencyKey(a.idempotencyKey);
  // Before anything of the workspace is read: a caller who may not read it learns nothing of it.
  await deps.access.require('write', workspaceTarget(a.workspace));
  const runUid = a.run ? runUidOf(a.run, 'artifact.run') : null;
  const nonce = randomBytes(8).toString('hex');
  const found = await reuseStored(deps, files, a.workspace, runUid, nonce);
  const template = uploadTemplate(
    {
      call: callTemplate,
      run: found.templates.run?.template,
      workspace: found.templates.workspaceTemplate,
      server: settings.artifactPath,
    },
    { workspace: a.workspace, hasRun: runUid !== null },
  );
  const plan: PlannedUpload = { input, files, isDirectory, callTemplate, template, nonce, ...found };
  const uid = await recordUpload(deps, plan).catch((err: unknown) => {
    if (!(err instanceof KeysTaken)) throw err;
    return recordUpload(deps, onOwnKeys(plan));
  });
  return uploadTicket(deps, uid, expiresIn);
}

/** The body decides location, digest, size and content type; the client gives them in "body" or "files". */
function refuseBodyFields(a: LogArtifact): void {
  for (const field of ['location', 'digest', 'size', 'contentType'] as const) {
    if (a[field] != null) {
      throw badInput(
        field === 'location'
          ? '"artifact.location" is chosen by the server for uploads; leave it out (logArtifact records references).'
          : `"artifact.${field}" comes from the body; give it in "body" (or "files") instead.`,
        { field: `artifact.${field}` },
      );
    }
  }
}

function singleFile(input: CreateUpload, settings: BodiesConfig): PlannedFile[] {
  if (input.files) {
    throw badInput('Only DIRECTORY artifacts take "files"; give the body in "body".', { field: 'files' });
  }
  if (!input.body) throw badInput('"body" (its size and sha256) is required.', { field: 'body' });
  const body = planBody(input.body, settings, 'body');
  return [{ path: null, sha256: body.sha256, contentType: input.body.contentType ?? null, body }];
}

function directoryFiles(input: CreateUpload, settings: BodiesConfig): PlannedFile[] {
  if (input.body) {
    throw badInput('A DIRECTORY artifact lists its files in "files", not "body".', { field: 'body' });
  }
  if (!input.files) {
    throw badInput('A DIRECTORY artifact needs "files": each file\'s relative path, size and sha256.', {
      field: 'files',
    });
  }
  return planDirectory(input.files, settings);
}

/**
 * Step 1: what is stored already (verified, and held by an artifact the caller may read), and
 * which path templates apply. Files whose body is stored are pointed at it; the other bodies are
 * to upload, each at a key only this upload is signed for (see the top of this file).
 */
async function reuseStored(
  deps: BodyDeps,
  files: PlannedFile[],
  workspace: string,
  runUid: string | null,
  nonce: string,
): Promise<Pick<PlannedUpload, 'templates' | 'vanished' | 'toUpload' | 'relink'>> {
  const { store } = deps.bodies;
  const wanted = distinctBy(
    files.map((f) => f.body),
    (b) => b.key,
  );
  const scope = deps.access.readScope();
  const seesAll = scope === null;
  const { stored, inUse, templates } = await deps.graph.read(async (tx) => ({
    stored: await repo.findStored(
      tx,
      store.id,
      wanted.map((b) => ({ key: b.key, sha256: b.sha256 })),
      scope,
    ),
    inUse: seesAll
      ? await repo.keysInUse(
          tx,
          store.id,
          wanted.map((b) => b.key),
        )
      : null,
    templates: await repo.templates(tx, workspace, runUid),
  }));
  if (!templates.workspaceExists) throw notFound('Workspace', workspace);
  const vanished = await dropVanished(store, stored);
  pointAtStored(files, stored);
  const storedKeys = new Set([...stored.values()].map((b) => b.key));
  const relink = new Set(vanished);
  for (const f of files) {
    if (storedKeys.has(f.body.key) || relink.has(f.body.key)) continue;
    // Whether a content address is taken must tell no one whether someone stored that content: only
    // a caller who may read everything (an admin, or auth off) gets it while it is free; everyone
    // else always uploads to a key of their own.
    if (!inUse || inUse.has(f.body.key)) f.body = { ...f.body, key: ownKey(f.body.key, nonce) };
  }
  const toUpload = distinctBy(
    files.map((f) => f.body).filter((b) => !storedKeys.has(b.key)),
    (b) => b.key,
  );
  return { templates, vanished, toUpload, relink };
}

/** The plan again with every body this upload puts at a key of its own (after KeysTaken). */
function onOwnKeys(plan: PlannedUpload): PlannedUpload {
  const fresh = freshKeys(plan);
  const own = (b: PlannedBody) => (fresh.has(b.key) ? { ...b, key: ownKey(b.key, plan.nonce) } : b);
  return {
    ...plan,
    files: plan.files.map((f) => ({ ...f, body: own(f.body) })),
    toUpload: plan.toUpload.map(own),
  };
}

/** The keys whose bytes this upload puts into a Body of its own (not reused, not a vanished one restored). */
function freshKeys(plan: Pick<PlannedUpload, 'toUpload' | 'relink'>): Set<string> {
  return new Set(plan.toUpload.map((b) => b.key).filter((key) => !plan.relink.has(key)));
}

/**
 * "Already stored" is a promise to the client: the store confirms each body now (an object
 * deleted behind Skein's back is uploaded again rather than handed out missing). Drops those from
 * `stored` and answers their keys.
 */
async function dropVanished(store: BodyStore, stored: Map<string, BodyRecord>): Promise<string[]> {
  const vanished: string[] = [];
  await pMap(
    [...stored.entries()],
    async ([wantedKey, body]) => {
      const head = await store.head(body.key);
      if (!head || head.size !== body.size) {
        stored.delete(wantedKey);
        vanished.push(body.key);
      }
    },
    { concurrency: STORE_CONCURRENCY },
  );
  return vanished;
}

/** Points each file whose body is stored at that body (its key may differ: stored whole, declared in parts). */
function pointAtStored(files: PlannedFile[], stored: Map<string, BodyRecord>): void {
  for (const f of files) {
    const found = stored.get(f.body.key);
    if (!found) continue;
    if (found.size !== f.body.size) {
      // Never the stored size: what is stored is not the caller's to learn from a digest.
      throw badInput(
        `The declared size (${f.body.size} bytes) does not match the body with SHA-256 ${f.body.sha256}; check the size and the SHA-256.`,
        { field: f.path ? 'files' : 'body.size' },
      );
    }
    f.body = { ...f.body, key: found.key, kind: found.kind, partSize: found.partSize, parts: null };
  }
}

/**
 * Steps 2 and 3: multipart uploads for the large bodies still to come, opened before the
 * transaction and undone if it fails; then the artifact and its links, in one transaction.
 * Answers the artifact's uid.
 */
async function recordUpload(deps: BodyDeps, plan: PlannedUpload): Promise<string> {
  const { store } = deps.bodies;
  const opened: Array<{ key: string; uploadId: string }> = [];
  const undo = () => Promise.allSettled(opened.map((o) => store.abortMultipart(o.key, o.uploadId)));
  try {
    for (const b of plan.toUpload) {
      if (b.kind === 'PARTS') opened.push({ key: b.key, uploadId: await store.createMultipart(b.key) });
    }
    const uploadIdOf = new Map(opened.map((o) => [o.key, o.uploadId]));
    const described = describeArtifactBody(plan, store);
    const { uid, replayed } = await deps.graph.write((tx) =>
      writeArtifactAndLinks(tx, deps, plan, described, uploadIdOf),
    );
    // A retry: the first call's upload stands; the parts opened for this one are not needed.
    if (replayed) await undo();
    return uid;
  } catch (err) {
    await undo(); // nothing was recorded: the multipart uploads opened for it are not needed
    throw err;
  }
}

/** What the artifact records of its body (or of all its files): the client may not set these. */
function describeArtifactBody(plan: PlannedUpload, store: BodyStore) {
  const { files, isDirectory } = plan;
  const allStored = plan.toUpload.length === 0;
  const single = files[0];
  return {
    state: allStored ? ('AVAILABLE' as const) : ('PENDING' as const),
    fields: {
      digest: isDirectory
        ? manifestDigest(files.map((f) => ({ path: f.path!, size: f.body.size, sha256: f.sha256 })))
        : single!.sha256,
      size: files.reduce((sum, f) => sum + f.body.size, 0),
      contentType: isDirectory ? null : single!.contentType,
      location: allStored && !isDirectory ? store.locationOf(single!.body.key) : null,
    },
  };
}

/** The one write of createUpload (once per idempotency key): the artifact, then its body links. */
function writeArtifactAndLinks(
  tx: Tx,
  deps: BodyDeps,
  plan: PlannedUpload,
  described: ReturnType<typeof describeArtifactBody>,
  uploadIdOf: Map<string, string>,
) {
  const { store } = deps.bodies;
  const { input } = plan;
  const { idempotencyKey, ...rest } = input.artifact;
  const fingerprinted = { ...rest, body: input.body, files: input.files, artifactPath: input.artifactPath };
  return idempotent(
    tx,
    {
      operation: 'createUpload',
      scope: rest.workspace,
      key: idempotencyKey,
      input: fingerprinted,
      ttlSeconds: deps.idempotencyTtlSeconds,
    },
    async () => {
      const created = await deps.artifacts.createInTx(tx, { ...rest, ...described.fields }, described.state);
      const path = artifactPath(created, plan);
      const fresh = freshKeys(plan);
      const links = plan.files.map((f): NewLink => toNewLink(f, uploadIdOf, fresh.has(f.body.key)));
      await repo.markUnverified(tx, store.id, plan.vanished);
      const taken = await repo.link(tx, store.id, created.uid, path, links, nowIso());
      if (taken.length > 0) throw new KeysTaken(); // rolls this transaction back
      return created.uid;
    },
  );
}

/** The artifact's human-readable path, from the template that applies. */
function artifactPath(created: ArtifactRecord, plan: PlannedUpload): string {
  const { templates } = plan;
  return renderPath(plan.template, {
    workspace: created.workspace,
    key: created.key,
    version: created.version,
    artifactUid: created.uid,
    run: templates.run,
  });
}

function toNewLink(f: PlannedFile, uploadIdOf: Map<string, string>, fresh: boolean): NewLink {
  return {
    key: f.body.key,
    kind: f.body.kind,
    size: f.body.size,
    partSize: f.body.partSize,
    parts: f.body.parts,
    path: f.path,
    sha256: f.sha256,
    contentType: f.contentType,
    uploadId: uploadIdOf.get(f.body.key) ?? null,
    fresh,
  };
}
