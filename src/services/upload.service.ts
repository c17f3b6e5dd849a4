import { badInput, notFound, preconditionFailed, quoted } from '../errors';
import { artifactRepository } from '../graph/artifact.repository';
import {
  bodyRepository as repo,
  type BodyLink,
  type BodySummary,
  type ManifestRow,
  type NewLink,
} from '../graph/body.repository';
import { idempotent } from '../graph/idempotency';
import type { Bodies } from '../storage';
import { partSizes, type PartSpec, type SignedRequest, type StoredPart } from '../storage/body-store';
import type { ArtifactService, LogArtifact } from './artifact.service';
import { checkKind } from './artifact-spec';
import { formatStoreUri } from '../domain/artifact-uri';
import { pickTemplate, renderPath, validPathTemplate } from './artifact-path';
import { fromGlobalId } from '../domain/global-id';
import {
  baseName,
  checkFilePath,
  manifestDigest,
  planBody,
  planDirectory,
  type BodyRequest,
  type FileRequest,
  type PlannedFile,
} from './upload-plan';
import { checkIdempotencyKey } from './idempotency-key';
import { checkName, nowIso } from './validate';
import { type ManifestEntryRecord, type DownloadFileRecord, type PathTemplateSource } from '../domain/body';
import { type ArtifactRecord } from '../domain/artifact';
import type { ServiceDeps } from './deps';

/**
 * Uploads and downloads of artifact bodies through signed URLs (DESIGN.md "Bodies").
 *
 *   createUpload   the artifact, PENDING, plus a signed PUT per body still to store (or signed part
 *                  PUTs above the multipart threshold); bodies already stored and verified are
 *                  not uploaded again, and when all are, the artifact is AVAILABLE at once.
 *   completeUpload checks every body in the store (exists, size, checksum where the store reports
 *                  one), joins multipart uploads, and only then marks the artifact AVAILABLE.
 *   abortUpload    ABORTED; open multipart uploads aborted, bodies nobody else holds deleted.
 *
 * Store calls never run inside a graph transaction (a retried transaction would repeat them, and
 * they are slow); each mutation reads, talks to the store, then commits in one write.
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

export interface SignedPart extends PartSpec, SignedRequest {}

/** One distinct body of an upload, with what to do about it. */
export interface UploadTarget {
  sha256: string;
  size: number;
  /** The directory paths that hold this body (empty for a single-body artifact). */
  paths: string[];
  alreadyStored: boolean;
  /** The signed PUT of a body uploaded whole; null when in parts or already stored. */
  request: SignedRequest | null;
  /** The signed PUT of each part, for a body over the multipart threshold. */
  parts: SignedPart[];
}

export interface UploadTicket {
  artifact: ArtifactRecord;
  /** Nothing to upload: every body was already stored, and the artifact is AVAILABLE. */
  alreadyStored: boolean;
  expiresAt: string | null;
  bodies: UploadTarget[];
}

export interface DownloadTicket {
  artifact: ArtifactRecord;
  expiresAt: string | null;
  files: DownloadFileRecord[];
}

export interface EffectiveTemplate {
  template: string;
  source: PathTemplateSource;
}

/** How a body check in the store came out. */
type Confirmation = { key: string; sha256: string | null } | { key: string; problem: string; label: string };

const STORE_CONCURRENCY = 16;

export class UploadService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly artifacts: ArtifactService,
  ) {}

  private get bodies(): Bodies {
    if (!this.deps.bodies) throw new Error('no body store is configured for this service');
    return this.deps.bodies;
  }

  /** The store and its rules, for clients to plan uploads (part size, limits). */
  info() {
    const { store, settings } = this.bodies;
    return { kind: store.kind, ...settings };
  }

  async create(input: CreateUpload): Promise<UploadTicket> {
    const { store, settings } = this.bodies;
    const a = input.artifact;
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
    const isDirectory = checkKind(a.kind) === 'DIRECTORY';
    const files = isDirectory ? this.directoryFiles(input) : this.singleFile(input);
    const callTemplate = input.artifactPath != null ? validPathTemplate(input.artifactPath, 'artifactPath') : null;
    const expiresIn = expiry(input.expiresIn, settings.uploadUrlExpiresIn, 'expiresIn');
    checkName('Workspace name', 'workspace', a.workspace);
    checkIdempotencyKey(a.idempotencyKey);
    const runUid = a.run ? runUidOf(a.run) : null;

    // 1. What is stored already (verified only), and which path template applies.
    const wanted = distinctBy(
      files.map((f) => f.body),
      (b) => b.key,
    );
    const { stored, templates } = await this.deps.graph.read(async (tx) => ({
      stored: await repo.findStored(
        tx,
        store.id,
        wanted.map((b) => ({ key: b.key, sha256: b.sha256 })),
      ),
      templates: await repo.templates(tx, a.workspace, runUid),
    }));
    if (!templates.workspaceExists) throw notFound('Workspace', a.workspace);
    // "Already stored" is a promise to the client: the store confirms each body now (an object
    // deleted behind Skein's back is uploaded again rather than handed out missing).
    const vanished: string[] = [];
    await mapLimit([...stored.entries()], STORE_CONCURRENCY, async ([wantedKey, body]) => {
      const head = await store.head(body.key);
      if (!head || head.size !== body.size) {
        stored.delete(wantedKey);
        vanished.push(body.key);
      }
    });
    for (const f of files) {
      const found = stored.get(f.body.key);
      if (!found) continue;
      if (found.size !== f.body.size) {
        throw badInput(
          `A stored body with SHA-256 ${f.body.sha256} has ${found.size} bytes, not ${f.body.size}; check the size.`,
          { field: f.path ? 'files' : 'body.size' },
        );
      }
      f.body = { ...f.body, key: found.key, kind: found.kind, partSize: found.partSize, parts: null };
    }
    const storedKeys = new Set([...stored.values()].map((b) => b.key));
    const toUpload = distinctBy(
      files.map((f) => f.body).filter((b) => !storedKeys.has(b.key)),
      (b) => b.key,
    );

    // 2. Multipart uploads for the large bodies still to come: before the transaction, undone if it fails.
    const opened: Array<{ key: string; uploadId: string }> = [];
    const undo = () => Promise.allSettled(opened.map((o) => store.abortMultipart(o.key, o.uploadId)));
    let committed: string;
    try {
      for (const b of toUpload) {
        if (b.kind === 'PARTS') opened.push({ key: b.key, uploadId: await store.createMultipart(b.key) });
      }
      const uploadIdOf = new Map(opened.map((o) => [o.key, o.uploadId]));

      // 3. The artifact and its links, in one transaction.
      const allStored = toUpload.length === 0;
      const single = files[0];
      const digest = isDirectory
        ? manifestDigest(files.map((f) => ({ path: f.path!, size: f.body.size, sha256: f.sha256 })))
        : single!.sha256;
      const size = files.reduce((sum, f) => sum + f.body.size, 0);
      const { idempotencyKey, ...rest } = a;
      const { uid, replayed } = await this.deps.graph.write((tx) =>
        idempotent(
          tx,
          {
            operation: 'createUpload',
            scope: rest.workspace,
            key: idempotencyKey,
            input: { ...rest, body: input.body, files: input.files, artifactPath: input.artifactPath },
          },
          async () => {
            const created = await this.artifacts.createInTx(
              tx,
              {
                ...rest,
                digest,
                size,
                contentType: isDirectory ? null : single!.contentType,
                location: allStored && !isDirectory ? store.locationOf(single!.body.key) : null,
              },
              allStored ? 'AVAILABLE' : 'PENDING',
            );
            const { template } = pickTemplate({
              call: callTemplate,
              run: templates.run?.template,
              workspace: templates.workspaceTemplate,
              server: settings.artifactPath,
            });
            const path = renderPath(template, {
              workspace: created.workspace,
              key: created.key,
              version: created.version,
              artifactUid: created.uid,
              run: templates.run,
            });
            const links: NewLink[] = files.map((f) => ({
              key: f.body.key,
              kind: f.body.kind,
              size: f.body.size,
              partSize: f.body.partSize,
              parts: f.body.parts,
              path: f.path,
              sha256: f.sha256,
              contentType: f.contentType,
              uploadId: uploadIdOf.get(f.body.key) ?? null,
            }));
            await repo.markUnverified(tx, store.id, vanished);
            await repo.link(tx, store.id, created.uid, path, links, nowIso());
            return created.uid;
          },
        ),
      );
      // A retry: the first call's upload stands; the parts opened for this one are not needed.
      if (replayed) await undo();
      committed = uid;
    } catch (err) {
      await undo(); // nothing was recorded: the multipart uploads opened for it are not needed
      throw err;
    }
    return this.ticket(committed, expiresIn);
  }

  /** Fresh URLs for a PENDING upload (the first ones expired, or a client restarted). */
  async renew(ref: string, expiresIn?: number | null): Promise<UploadTicket> {
    const artifact = await this.artifacts.resolveRef(ref);
    if (artifact.state !== 'PENDING') {
      throw preconditionFailed(`"${formatStoreUri(artifact)}" is ${artifact.state}; only a PENDING upload has URLs.`);
    }
    const seconds = expiry(expiresIn, this.bodies.settings.uploadUrlExpiresIn, 'expiresIn');
    await this.deps.graph.write((tx) => repo.touchUpload(tx, artifact.uid, nowIso())); // restarts the TTL
    return this.ticket(artifact, seconds);
  }

  /** Confirms every body in the store, then marks the artifact AVAILABLE (PRECONDITION_FAILED until they are all there). */
  async complete(ref: string): Promise<ArtifactRecord> {
    const { store } = this.bodies;
    const artifact = await this.artifacts.resolveRef(ref);
    const uri = formatStoreUri(artifact);
    const loaded = await this.load(artifact.uid);
    if (loaded.links.length === 0 && artifact.kind !== 'DIRECTORY') {
      throw preconditionFailed(`${quoted(uri)} was logged, not uploaded; there is nothing to complete.`);
    }
    if (artifact.state === 'AVAILABLE') return artifact;
    this.mustBeInThisStore(uri, loaded.links);
    if (artifact.state === 'ABORTED') {
      throw preconditionFailed(`The upload of ${quoted(uri)} was aborted; start a new one with createUpload.`);
    }

    const pending = groupLinks(loaded.links.filter((l) => !l.body.verified));
    const results = await mapLimit(pending, STORE_CONCURRENCY, (group) => this.confirm(group));
    const problems = results.filter((r): r is Extract<Confirmation, { problem: string }> => 'problem' in r);
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).map((p) => `${p.label}: ${p.problem}`);
      throw preconditionFailed(
        `The upload of ${quoted(uri)} is not complete in the store (${shown.join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}). ` +
          'Upload with the URLs from createUpload (renewUpload gives fresh ones), then call completeUpload again.',
        { missing: problems.map((p) => p.label) },
      );
    }

    return this.deps.graph.write(async (tx) => {
      const state = await repo.lock(tx, artifact.uid);
      if (state === 'AVAILABLE') return this.mustGetIn(tx, artifact.uid);
      if (state !== 'PENDING') {
        throw preconditionFailed(`The upload of ${quoted(uri)} was aborted; start a new one with createUpload.`);
      }
      await repo.markVerified(
        tx,
        store.id,
        results.map((r) => ({ key: r.key, sha256: 'sha256' in r ? r.sha256 : null })),
        nowIso(),
      );
      await repo.clearUploadIds(tx, artifact.uid);
      const location = artifact.kind === 'DIRECTORY' ? null : store.locationOf(loaded.links[0]!.body.key);
      return (await artifactRepository.updateBody(tx, artifact.uid, { state: 'AVAILABLE', location }))!;
    });
  }

  /** Gives up an upload: ABORTED, open multipart uploads aborted, bodies no one else holds deleted. */
  async abort(ref: string): Promise<ArtifactRecord> {
    const artifact = await this.artifacts.resolveRef(ref);
    if (artifact.state === 'AVAILABLE') {
      throw preconditionFailed(`"${formatStoreUri(artifact)}" is AVAILABLE; there is no upload to abort.`);
    }
    await this.abortUid(artifact.uid);
    return this.mustGet(artifact.uid);
  }

  /**
   * Aborts PENDING uploads started before `olderThan` (the TTL sweep; `workspace` narrows it).
   * Each abort stands alone: one failure is reported and the rest go on.
   */
  async cleanupExpired(options: {
    olderThan: Date;
    workspace?: string | null;
    batch?: number;
  }): Promise<{ aborted: string[]; failed: Array<{ uid: string; error: unknown }> }> {
    const batch = options.batch ?? 100;
    const aborted: string[] = [];
    const failed: Array<{ uid: string; error: unknown }> = [];
    const tried = new Set<string>();
    for (;;) {
      const uids = await this.deps.graph.read((tx) =>
        repo.expiredUploads(
          tx,
          this.bodies.store.id,
          options.olderThan.toISOString(),
          options.workspace ?? null,
          batch,
        ),
      );
      const fresh = uids.filter((u) => !tried.has(u));
      for (const uid of fresh) {
        tried.add(uid);
        try {
          if (await this.abortUid(uid)) aborted.push(uid);
        } catch (error) {
          failed.push({ uid, error });
        }
      }
      if (uids.length < batch || fresh.length === 0) break;
    }
    return { aborted, failed };
  }

  /** Signed download URLs for the body, or for every file of a directory (or one subtree of it). */
  async download(ref: string, options: { path?: string | null; expiresIn?: number | null }): Promise<DownloadTicket> {
    const { store, settings } = this.bodies;
    const artifact = await this.artifacts.resolveRef(ref);
    const uri = formatStoreUri(artifact);
    if (artifact.state !== 'AVAILABLE') {
      throw preconditionFailed(`${quoted(uri)} is ${artifact.state}: its body is not ready to download.`);
    }
    const expiresIn = expiry(options.expiresIn, settings.downloadUrlExpiresIn, 'expiresIn');
    const loaded = await this.load(artifact.uid);
    if (loaded.links.length === 0) {
      if (artifact.location) return this.referenceDownload({ ...artifact, location: artifact.location }); // logged
      if (artifact.kind !== 'DIRECTORY') throw preconditionFailed(`${quoted(uri)} has no body.`);
    }
    this.mustBeInThisStore(uri, loaded.links);

    let links = loaded.links;
    if (options.path != null) {
      if (artifact.kind !== 'DIRECTORY')
        throw badInput('"path" picks files of a DIRECTORY artifact.', { field: 'path' });
      const prefix = checkFilePath(options.path.replace(/\/+$/, ''), 'path');
      links = links.filter((l) => l.path === prefix || l.path!.startsWith(`${prefix}/`));
      if (links.length === 0) throw notFound(`File or directory in ${quoted(uri)}`, prefix);
    }
    const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
    const files = await Promise.all(
      links.map(async (l): Promise<DownloadFileRecord> => {
        const path = l.path ?? baseName(loaded.path ?? artifact.key);
        const url = await store.signGet(
          l.body.key,
          { fileName: baseName(path), contentType: l.contentType },
          expiresIn,
        );
        return {
          path,
          size: l.body.size,
          sha256: l.sha256,
          contentType: l.contentType,
          url,
          location: store.locationOf(l.body.key),
        };
      }),
    );
    files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    return { artifact, expiresAt, files };
  }

  /** A download URL for one artifact (null for directories, references Skein cannot sign, and unready bodies). */
  async downloadUrl(
    artifact: Pick<ArtifactRecord, 'state' | 'kind' | 'key' | 'location' | 'contentType'>,
    summary: BodySummary | null,
    expiresIn?: number | null,
  ): Promise<string | null> {
    if (artifact.state !== 'AVAILABLE') return null;
    const { store, settings } = this.bodies;
    if (summary?.body) {
      if (summary.body.store !== store.id) return null; // uploaded to another store than this server's
      return store.signGet(
        summary.body.key,
        {
          fileName: baseName(summary.path ?? artifact.key),
          contentType: summary.body.contentType ?? artifact.contentType,
        },
        expiry(expiresIn, settings.downloadUrlExpiresIn, 'expiresIn'),
      );
    }
    return artifact.kind !== 'DIRECTORY' && isHttpUrl(artifact.location) ? artifact.location : null;
  }

  /** Path and single body of many artifacts at once (for field resolvers, through a loader). */
  summaries(uids: readonly string[]): Promise<Array<BodySummary | null>> {
    return this.deps.graph.read((tx) => repo.summaries(tx, uids));
  }

  /** The files of many directory artifacts at once, in path order. */
  async manifests(uids: readonly string[]): Promise<ManifestEntryRecord[][]> {
    const rows = await this.deps.graph.read((tx) => repo.manifests(tx, uids));
    return rows.map((list) => list.map(toManifestEntry));
  }

  /** The template that applies to new uploads in a workspace (or run), and where it comes from. */
  async pathTemplate(workspace: string, run?: string | null): Promise<EffectiveTemplate> {
    const runUid = run ? runUidOf(run) : null;
    const t = await this.deps.graph.read((tx) => repo.templates(tx, workspace, runUid));
    if (!t.workspaceExists) throw notFound('Workspace', workspace);
    if (run && (!t.run || t.run.workspace !== workspace)) throw notFound(`Run in workspace ${quoted(workspace)}`, run);
    return pickTemplate({
      run: t.run?.template,
      workspace: t.workspaceTemplate,
      server: this.bodies.settings.artifactPath,
    });
  }

  /** Sets (or, with null, clears) the template of a workspace or of one run. */
  async setPathTemplate(
    workspace: string,
    run: string | null | undefined,
    template: string | null,
  ): Promise<EffectiveTemplate> {
    if (template != null) validPathTemplate(template, 'template');
    const runUid = run ? runUidOf(run) : null;
    const found = await this.deps.graph.write((tx) => repo.setTemplate(tx, workspace, runUid, template));
    if (!found) throw run ? notFound(`Run in workspace ${quoted(workspace)}`, run) : notFound('Workspace', workspace);
    return this.pathTemplate(workspace, run);
  }

  // -------------------------------------------------------------------------------------------

  private singleFile(input: CreateUpload): PlannedFile[] {
    if (input.files) {
      throw badInput('Only DIRECTORY artifacts take "files"; give the body in "body".', { field: 'files' });
    }
    if (!input.body) throw badInput('"body" (its size and sha256) is required.', { field: 'body' });
    const body = planBody(input.body, this.bodies.settings, 'body');
    return [{ path: null, sha256: body.sha256, contentType: input.body.contentType ?? null, body }];
  }

  private directoryFiles(input: CreateUpload): PlannedFile[] {
    if (input.body) {
      throw badInput('A DIRECTORY artifact lists its files in "files", not "body".', { field: 'body' });
    }
    if (!input.files) {
      throw badInput('A DIRECTORY artifact needs "files": each file\'s relative path, size and sha256.', {
        field: 'files',
      });
    }
    return planDirectory(input.files, this.bodies.settings);
  }

  /** The answer to createUpload / renewUpload: URLs for every body not yet verified. */
  private async ticket(ref: ArtifactRecord | string, expiresIn: number): Promise<UploadTicket> {
    const { store } = this.bodies;
    // The artifact and its bodies in one read (after a create, only its uid is known).
    const { artifact, loaded } = await this.deps.graph.read(async (tx) => ({
      artifact: typeof ref === 'string' ? await this.mustGetIn(tx, ref) : ref,
      loaded: await repo.load(tx, typeof ref === 'string' ? ref : ref.uid),
    }));
    if (!loaded) throw notFound('Artifact', artifact.uid);
    const groups = groupLinks(loaded.links);
    const signing = artifact.state === 'PENDING' && expiresIn > 0;
    if (signing) this.mustBeInThisStore(formatStoreUri(artifact), loaded.links);
    const bodies = await Promise.all(
      groups.map(async (links): Promise<UploadTarget> => {
        const [first] = links as [BodyLink, ...BodyLink[]];
        const b = first.body;
        const target: UploadTarget = {
          sha256: first.sha256,
          size: b.size,
          paths: links.flatMap((l) => (l.path ? [l.path] : [])).sort(),
          alreadyStored: b.verified,
          request: null,
          parts: [],
        };
        if (b.verified || !signing) return target;
        if (b.kind === 'WHOLE') {
          target.request = await store.signPut(b.key, { size: b.size, sha256: first.sha256 }, expiresIn);
        } else {
          const uploadId = first.uploadId;
          if (!uploadId || !b.parts) throw new Error(`no open multipart upload for ${b.key} of ${artifact.uid}`);
          const sizes = partSizes(b.size, b.partSize!);
          target.parts = await Promise.all(
            sizes.map(async (size, i) => {
              const part = { partNumber: i + 1, size, sha256: b.parts![i]! };
              return { ...part, ...(await store.signPart(b.key, uploadId, part, expiresIn)) };
            }),
          );
        }
        return target;
      }),
    );
    const anyUrl = bodies.some((t) => t.request || t.parts.length > 0);
    return {
      artifact,
      alreadyStored: artifact.state === 'AVAILABLE' && bodies.every((t) => t.alreadyStored),
      expiresAt: anyUrl ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
      bodies,
    };
  }

  /** Checks one body in the store; for a multipart one, checks its parts and joins them. */
  private async confirm(links: BodyLink[]): Promise<Confirmation> {
    const { store } = this.bodies;
    const [first] = links as [BodyLink, ...BodyLink[]];
    const b = first.body;
    const label = first.path ?? `sha256 ${first.sha256}`;
    const fail = (problem: string): Confirmation => ({ key: b.key, problem, label });

    const existing = await store.head(b.key);
    if (existing) {
      if (existing.size !== b.size) return fail(`the store holds ${existing.size} bytes, not ${b.size}`);
      if (b.kind === 'WHOLE' && existing.sha256 && existing.sha256 !== first.sha256) {
        return fail(`the store reports SHA-256 ${existing.sha256}`);
      }
      if (b.kind === 'PARTS' && existing.composite && existing.composite !== b.key.split('/').pop()) {
        return fail(`the store reports the composite checksum ${existing.composite}`);
      }
      // A whole-body key can only hold bytes with that SHA-256: the store enforced the signed checksum.
      return { key: b.key, sha256: b.kind === 'WHOLE' ? first.sha256 : null };
    }
    if (b.kind === 'WHOLE') return fail('not uploaded yet');

    const uploadId = first.uploadId;
    const stored = uploadId ? await store.listParts(b.key, uploadId) : null;
    if (!uploadId || !stored || !b.parts) return fail('not uploaded yet (no open multipart upload)');
    const sizes = partSizes(b.size, b.partSize!);
    const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
    const missing: number[] = [];
    const joined: Array<StoredPart & { sha256: string }> = [];
    for (let n = 1; n <= sizes.length; n++) {
      const part = byNumber.get(n);
      const sha256 = b.parts[n - 1]!;
      if (!part || part.size !== sizes[n - 1] || (part.sha256 && part.sha256 !== sha256)) missing.push(n);
      else joined.push({ ...part, sha256 });
    }
    if (missing.length > 0) return fail(`parts ${ranges(missing)} of ${sizes.length} not uploaded yet`);
    const { sha256 } = await store.completeMultipart(b.key, uploadId, joined);
    const done = await store.head(b.key);
    if (!done || done.size !== b.size) return fail(`the joined object has ${done?.size ?? 0} bytes, not ${b.size}`);
    if (sha256 && sha256 !== first.sha256) {
      return fail(`the parts join into a body with SHA-256 ${sha256}, not the declared ${first.sha256}`);
    }
    return { key: b.key, sha256 };
  }

  /** Returns false when the artifact was no longer PENDING (completed or aborted meanwhile). */
  private async abortUid(uid: string): Promise<boolean> {
    const { store } = this.bodies;
    const marked = await this.deps.graph.write(async (tx) => {
      const state = await repo.lock(tx, uid);
      if (state === null) throw notFound('Artifact', uid);
      if (state === 'AVAILABLE') return null;
      const loaded = await repo.load(tx, uid);
      const orphans = await repo.orphanedBodies(tx, store.id, uid);
      if (state === 'PENDING') await artifactRepository.updateBody(tx, uid, { state: 'ABORTED' });
      return { changed: state === 'PENDING', links: loaded?.links ?? [], orphans };
    });
    if (!marked) {
      throw preconditionFailed(`Artifact "${uid}" was completed meanwhile; there is no upload to abort.`);
    }
    // ABORTED first, so a concurrent completeUpload cannot succeed; then the store (a failure here
    // leaves the artifact ABORTED, and calling abortUpload again finishes the clean-up).
    const open = distinctBy(
      marked.links
        .filter((l) => l.uploadId && l.body.store === store.id)
        .map((l) => ({ key: l.body.key, uploadId: l.uploadId! })),
      (o) => `${o.key} ${o.uploadId}`,
    );
    await mapLimit(open, STORE_CONCURRENCY, (o) => store.abortMultipart(o.key, o.uploadId));
    await mapLimit(marked.orphans, STORE_CONCURRENCY, (key) => store.delete(key));
    await this.deps.graph.write(async (tx) => {
      await repo.clearUploadIds(tx, uid);
      await repo.deleteBodies(tx, store.id, marked.orphans);
    });
    return marked.changed;
  }

  /** Bodies live in one store; an artifact uploaded to another (a changed configuration) cannot be served here. */
  private mustBeInThisStore(uri: string, links: BodyLink[]): void {
    const { store } = this.bodies;
    const other = links.find((l) => l.body.store !== store.id);
    if (other) {
      throw preconditionFailed(
        `The body of ${quoted(uri)} is in another body store (${other.body.store}) than this server's (${store.id}).`,
      );
    }
  }

  private referenceDownload(artifact: ArtifactRecord & { location: string }): DownloadTicket {
    const http = isHttpUrl(artifact.location);
    const path = baseName(
      http ? new URL(artifact.location).pathname : artifact.location.replace(/^[a-z0-9]+:\/\//, ''),
    );
    return {
      artifact,
      expiresAt: null,
      files: [
        {
          path,
          size: artifact.size,
          sha256: artifact.digest,
          contentType: artifact.contentType,
          // Skein signs only bodies it stored: signing a reference with its own credentials would
          // hand out objects the caller may have no right to.
          url: http ? artifact.location : null,
          location: artifact.location,
        },
      ],
    };
  }

  private async load(uid: string) {
    const loaded = await this.deps.graph.read((tx) => repo.load(tx, uid));
    if (!loaded) throw notFound('Artifact', uid);
    return loaded;
  }

  private async mustGet(uid: string): Promise<ArtifactRecord> {
    return this.deps.graph.read((tx) => this.mustGetIn(tx, uid));
  }

  private async mustGetIn(tx: Parameters<typeof artifactRepository.getMany>[0], uid: string): Promise<ArtifactRecord> {
    const [found] = await artifactRepository.getMany(tx, [uid]);
    if (!found) throw notFound('Artifact', uid);
    return found;
  }
}

function toManifestEntry(row: ManifestRow): ManifestEntryRecord {
  return {
    path: row.path,
    size: row.size,
    sha256: row.sha256,
    contentType: row.contentType,
    digestVerified: row.verifiedSha256 === row.sha256,
  };
}

/** Requested lifetime of URLs: 1 s up to the configured one (the default). */
function expiry(requested: number | null | undefined, max: number, field: string): number {
  if (requested == null) return max;
  if (!Number.isInteger(requested) || requested < 1 || requested > max) {
    throw badInput(`"${field}" must be between 1 and ${max} seconds; got ${requested}.`, { field });
  }
  return requested;
}

function runUidOf(id: string): string {
  const { type, key } = fromGlobalId(id);
  if (type !== 'Run') throw notFound('Run', id);
  return key;
}

function isHttpUrl(location: string | null): location is string {
  return location != null && /^https?:\/\//.test(location);
}

/** Links grouped by body (a directory may hold one body under several paths), first-seen order. */
function groupLinks(links: BodyLink[]): BodyLink[][] {
  const groups = new Map<string, BodyLink[]>();
  for (const l of links) groups.set(l.body.key, [...(groups.get(l.body.key) ?? []), l]);
  return [...groups.values()];
}

function distinctBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** [1,2,3,7] -> "1-3, 7" */
function ranges(numbers: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < numbers.length; i++) {
    const start = numbers[i]!;
    while (i + 1 < numbers.length && numbers[i + 1] === numbers[i]! + 1) i++;
    out.push(start === numbers[i] ? `${start}` : `${start}-${numbers[i]}`);
  }
  return out.join(', ');
}
