import { type ArtifactState } from '../domain/artifact';
import { type BodyKind, type BodyLink, type BodyRecord } from '../domain/body';
import * as Q from './body.cypher';
import { int, type Tx } from './executor';

/** One file (or the single body) createUpload links: the Body, created when new, and the hold on it. */
export interface NewLink {
  key: string;
  kind: BodyKind;
  size: number;
  partSize: number | null;
  parts: string[] | null;
  path: string | null;
  sha256: string;
  contentType: string | null;
  uploadId: string | null;
  /** This upload puts the bytes (not a body reused or a vanished one uploaded again): its Body must be new. */
  fresh: boolean;
}

/** An artifact's path and its single body (a directory's files are in ManifestRow). */
export interface BodySummaryRow {
  path: string | null;
  body: {
    store: string;
    key: string;
    size: number;
    sha256: string;
    verifiedSha256: string | null;
    contentType: string | null;
  } | null;
}

export interface ManifestRow {
  path: string;
  size: number;
  sha256: string;
  contentType: string | null;
  key: string;
  verifiedSha256: string | null;
}

type Props = Record<string, unknown>;

function parseBody(p: Props): BodyRecord {
  return {
    store: p.store as string,
    key: p.key as string,
    kind: p.kind as BodyKind,
    size: p.size as number,
    sha256: (p.sha256 as string | undefined) ?? null,
    partSize: (p.partSize as number | undefined) ?? null,
    parts: (p.parts as string[] | undefined) ?? null,
    verified: p.verified === true,
    createdAt: p.createdAt as string,
    verifiedAt: (p.verifiedAt as string | undefined) ?? null,
  };
}

export const bodyRepository = {
  /**
   * Verified bodies answering each wanted key (or its whole-body SHA-256) that an AVAILABLE live
   * artifact in `scope` (the workspaces the caller may read; null: all) holds: wanted key -> body.
   */
  async findStored(
    tx: Tx,
    store: string,
    wanted: Array<{ key: string; sha256: string }>,
    scope: readonly string[] | null,
  ): Promise<Map<string, BodyRecord>> {
    const rows = await tx.run<{ wanted: string; body: Props }>(Q.FIND_STORED, { store, wanted, scope });
    return new Map(rows.map((r) => [r.wanted, parseBody(r.body)]));
  },

  /** The keys among `keys` some Body of the store has already. */
  async keysInUse(tx: Tx, store: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await tx.run<{ key: string }>(Q.KEYS_IN_USE, { store, keys });
    return new Set(rows.map((r) => r.key));
  },

  async templates(
    tx: Tx,
    workspace: string,
    runUid: string | null,
  ): Promise<{
    workspaceExists: boolean;
    workspaceTemplate: string | null;
    run: { uid: string; name: string; workspace: string; template: string | null } | null;
  }> {
    const [row] = await tx.run<Props>(Q.TEMPLATES, { workspace, runUid });
    return {
      workspaceExists: row?.workspaceExists === true,
      workspaceTemplate: (row?.workspaceTemplate as string | null) ?? null,
      run:
        row?.runExists === true
          ? {
              uid: runUid!,
              name: (row.runName as string | null) ?? '',
              workspace: row.runWorkspace as string,
              template: (row.runTemplate as string | null) ?? null,
            }
          : null,
    };
  },

  /** False when the workspace (or run) does not exist. */
  async setTemplate(tx: Tx, workspace: string, runUid: string | null, template: string | null): Promise<boolean> {
    const rows = runUid
      ? await tx.run(Q.SET_RUN_TEMPLATE, { workspace, runUid, template })
      : await tx.run(Q.SET_WORKSPACE_TEMPLATE, { workspace, template });
    return rows.length > 0;
  },

  /** Links the bodies; answers the fresh keys another upload's Body already had (see LINK_BODIES). */
  async link(tx: Tx, store: string, uid: string, path: string, links: NewLink[], now: string): Promise<string[]> {
    const [row] = await tx.run<{ taken: string[] }>(Q.LINK_BODIES, { store, uid, path, links, now });
    return row?.taken ?? [];
  },

  /** Null when there is no such artifact. */
  async load(tx: Tx, uid: string): Promise<{ state: ArtifactState; path: string | null; links: BodyLink[] } | null> {
    const [row] = await tx.run<{ state: ArtifactState | null; path: string | null; links: Props[] }>(Q.LOAD_BODIES, {
      uid,
    });
    if (!row?.state) return null;
    return {
      state: row.state,
      path: row.path ?? null,
      links: row.links.map((l) => ({
        path: (l.path as string | null) ?? null,
        sha256: l.sha256 as string,
        contentType: (l.contentType as string | null) ?? null,
        uploadId: (l.uploadId as string | null) ?? null,
        body: parseBody(l.body as Props),
      })),
    };
  },

  /** Locks the artifact for this transaction; returns its state, or null when it does not exist. */
  async lock(tx: Tx, uid: string): Promise<ArtifactState | null> {
    const [row] = await tx.run<{ state: ArtifactState }>(Q.LOCK_ARTIFACT, { uid });
    return row?.state ?? null;
  },

  async markVerified(
    tx: Tx,
    store: string,
    bodies: Array<{ key: string; sha256: string | null }>,
    now: string,
  ): Promise<void> {
    if (bodies.length > 0) await tx.run(Q.MARK_VERIFIED, { store, bodies, now });
  },

  async markUnverified(tx: Tx, store: string, keys: string[]): Promise<void> {
    if (keys.length > 0) await tx.run(Q.MARK_UNVERIFIED, { store, keys });
  },

  async clearUploadIds(tx: Tx, uid: string): Promise<void> {
    await tx.run(Q.CLEAR_UPLOAD_IDS, { uid });
  },

  async touchUpload(tx: Tx, uid: string, now: string): Promise<void> {
    await tx.run(Q.TOUCH_UPLOAD, { uid, now });
  },

  async orphanedBodies(tx: Tx, store: string, uid: string): Promise<string[]> {
    return (await tx.run<{ key: string }>(Q.ORPHANED_BODIES, { store, uid })).map((r) => r.key);
  },

  async deleteBodies(tx: Tx, store: string, keys: string[]): Promise<void> {
    if (keys.length > 0) await tx.run(Q.DELETE_BODIES, { store, keys });
  },

  async expiredUploads(
    tx: Tx,
    store: string,
    cutoff: string,
    workspace: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await tx.run<{ uid: string }>(Q.EXPIRED_UPLOADS, { store, cutoff, workspace, limit: int(limit) });
    return rows.map((r) => r.uid);
  },

  /** `scope`: the workspaces the caller may read (null: all); others read as missing. */
  async summaries(
    tx: Tx,
    uids: readonly string[],
    scope: readonly string[] | null,
  ): Promise<Array<BodySummaryRow | null>> {
    const rows = await tx.run<{ uid: string; path: string | null; body: BodySummaryRow['body'] }>(Q.BODY_SUMMARIES, {
      uids,
      scope,
    });
    const byUid = new Map(rows.map((r) => [r.uid, { path: r.path ?? null, body: r.body ?? null }]));
    return uids.map((u) => byUid.get(u) ?? null);
  },

  /** `scope`: the workspaces the caller may read (null: all); others have no files. */
  async manifests(tx: Tx, uids: readonly string[], scope: readonly string[] | null): Promise<ManifestRow[][]> {
    const rows = await tx.run<ManifestRow & { uid: string }>(Q.MANIFESTS, { uids, scope });
    const byUid = new Map<string, ManifestRow[]>();
    for (const { uid, ...row } of rows) {
      const list = byUid.get(uid) ?? [];
      list.push({ ...row, contentType: row.contentType ?? null, verifiedSha256: row.verifiedSha256 ?? null });
      byUid.set(uid, list);
    }
    return uids.map((u) => byUid.get(u) ?? []);
  },

  /**
   * True when a PENDING or AVAILABLE artifact holds the body (`forUpload`: that artifact): an
   * upload to it is still wanted.
   */
  async isWanted(tx: Tx, store: string, key: string, forUpload: string | null = null): Promise<boolean> {
    const [row] = await tx.run<{ wanted: boolean }>(Q.BODY_WANTED, { store, key, forUpload });
    return row?.wanted === true;
  },

  /** The keys among `keys` that no Body node of the store names. */
  async unknownKeys(tx: Tx, store: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await tx.run<{ key: string }>(Q.UNKNOWN_BODY_KEYS, { store, keys });
    return rows.map((r) => r.key);
  },
};
