import type { SkeinHandle } from '../../src/app';
import { makePrincipal, OPEN, type Principal, type Role } from '../../src/auth/principal';
import type { AuditRecord } from '../../src/domain/audit';
import { SkeinError } from '../../src/errors';
import { createServices } from '../../src/services';
import { AuditTrail } from '../../src/services/audit';
import type { UploadTicket } from '../../src/services/bodies';
import { downloadVerified, put, sha256, startLocalSkein, startS3Skein, uniqueBody } from '../helpers/bodies';
import { createWorkspace, uniqueName } from '../helpers/skein';

/**
 * Bodies under access control (issue 15): who may upload and download, deduplication that
 * leaks nothing, and signed URLs that name exactly one object. The use cases run as principals
 * (createServices with a caller and an audit trail, as a request would); both stores, since key
 * choice and URL checks differ between them.
 */

type Start = () => Promise<SkeinHandle>;

const STORES: Array<[string, Start]> = [
  ['the local store', () => startLocalSkein()],
  ['S3', () => startS3Skein()],
];

describe.each(STORES)('bodies under access control, %s', (_name, start) => {
  let skein: SkeinHandle;
  let wsA: string;
  let wsB: string;

  beforeAll(async () => {
    skein = await start();
    wsA = await createWorkspace(skein.graphqlUrl, 'acl-a');
    wsB = await createWorkspace(skein.graphqlUrl, 'acl-b');
  });
  afterAll(() => skein.stop());

  const principal = (name: string, roles: Array<[string, Role]>): Principal =>
    makePrincipal({ kind: 'token', id: `token:${name}`, roles, tokenId: name });
  const viewerA = () => principal('viewer-a', [[wsA, 'VIEWER']]);
  const editorA = () => principal('editor-a', [[wsA, 'EDITOR']]);
  const editorB = () => principal('editor-b', [[wsB, 'EDITOR']]);

  /**
   * One request's services as `caller`; `mutation` opens the audit entry a GraphQL mutation opens.
   * Answers the request id its audit events carry.
   */
  function as(caller: Principal, mutation?: string) {
    const requestId = uniqueName('req');
    const audit = new AuditTrail(skein.graph, caller, { requestId, ip: '127.0.0.1' });
    if (mutation) audit.begin(mutation);
    const services = createServices({ graph: skein.graph.withWriteHook(audit), caller, audit, bodies: skein.bodies });
    return { bodies: services.bodies, requestId };
  }

  const open = () => createServices({ graph: skein.graph, caller: OPEN, bodies: skein.bodies });

  async function eventsOf(requestId: string): Promise<AuditRecord[]> {
    const rows = await skein.graph.read((tx) =>
      tx.run<{ a: AuditRecord }>('MATCH (a:AuditEvent {requestId: $requestId}) RETURN a {.*} AS a ORDER BY a.id', {
        requestId,
      }),
    );
    return rows.map((r) => r.a);
  }

  async function refusal(work: Promise<unknown>): Promise<SkeinError> {
    const err = await work.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(err instanceof SkeinError)) throw new Error(`expected a refusal, got ${String(err)}`);
    return err;
  }

  /** PUTs every body of a ticket that is not stored; answers the statuses. */
  async function upload(ticket: UploadTicket, bytes: Buffer): Promise<number[]> {
    const statuses: number[] = [];
    for (const b of ticket.bodies) {
      if (b.request) {
        const res = await put(b.request.url, bytes, b.request.headers);
        statuses.push(res.status);
        await res.arrayBuffer();
      }
    }
    return statuses;
  }

  const fileIn = (workspace: string, key: string, body: Buffer, size = body.length) => ({
    artifact: { workspace, key, kind: 'FILE' },
    body: { size, sha256: sha256(body), contentType: 'application/octet-stream' },
  });

  /** An AVAILABLE artifact in workspace A, uploaded by A's editor. */
  async function ownedByA(label: string): Promise<{ uid: string; body: Buffer; ticket: UploadTicket }> {
    const body = uniqueBody(label);
    const ticket = await as(editorA(), 'createUpload').bodies.create(fileIn(wsA, `${label}.bin`, body));
    expect(await upload(ticket, body)).toEqual([200]);
    const done = await as(editorA(), 'completeUpload').bodies.complete(ticket.artifact.uid);
    expect(done.state).toBe('AVAILABLE');
    return { uid: ticket.artifact.uid, body, ticket };
  }

  it('lets a viewer download but not upload, and an editor upload', async () => {
    const { uid, body } = await ownedByA('viewer-download'); // the editor uploaded it

    const read = as(viewerA());
    const ticket = await read.bodies.download(uid, {});
    expect(ticket.files).toHaveLength(1);
    await downloadVerified(ticket.files[0]!.url!, sha256(body));
    expect(await eventsOf(read.requestId)).toEqual([
      expect.objectContaining({ action: 'downloadUrl', outcome: 'OK', workspace: wsA, objectId: uid }),
    ]);

    const write = as(viewerA(), 'createUpload');
    const err = await refusal(write.bodies.create(fileIn(wsA, 'viewer-upload.bin', uniqueBody('viewer up'))));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toMatch(/VIEWER.*EDITOR/);
    expect(await eventsOf(write.requestId)).toEqual([
      expect.objectContaining({ action: 'createUpload', outcome: 'DENIED', workspace: wsA, reason: 'FORBIDDEN' }),
    ]);

    const pending = await as(editorA(), 'createUpload').bodies.create(
      fileIn(wsA, 'editor-pending.bin', uniqueBody('pending')),
    );
    for (const [mutation, run] of [
      ['completeUpload', (b: ReturnType<typeof as>['bodies']) => b.complete(pending.artifact.uid)],
      ['renewUpload', (b: ReturnType<typeof as>['bodies']) => b.renew(pending.artifact.uid)],
      ['abortUpload', (b: ReturnType<typeof as>['bodies']) => b.abort(pending.artifact.uid)],
      ['setArtifactPathTemplate', (b: ReturnType<typeof as>['bodies']) => b.setPathTemplate(wsA, null, '{{key}}')],
    ] as const) {
      const r = as(viewerA(), mutation);
      expect((await refusal(run(r.bodies))).code).toBe('FORBIDDEN');
      expect(await eventsOf(r.requestId)).toEqual([expect.objectContaining({ action: mutation, outcome: 'DENIED' })]);
    }
    const viewerTemplate = await as(viewerA()).bodies.pathTemplate(wsA);
    expect(viewerTemplate.template).toBeTruthy();
  });

  it('records the mutation that hands out upload URLs, and each download URL a read hands out', async () => {
    const create = as(editorA(), 'createUpload');
    const ticket = await create.bodies.create(fileIn(wsA, 'audited.bin', uniqueBody('audited')));
    expect(ticket.bodies[0]!.request).not.toBeNull();
    expect(await eventsOf(create.requestId)).toEqual([
      expect.objectContaining({ action: 'createUpload', outcome: 'OK', workspace: wsA, actor: 'token:editor-a' }),
    ]);

    const { uid } = await ownedByA('field-url');
    const [record] = await open().artifacts.getMany([uid]);
    const read = as(viewerA());
    const [summary] = await read.bodies.summaries([uid]);
    const urls = await Promise.all([
      read.bodies.downloadUrl(record!, summary ?? null),
      read.bodies.downloadUrl(record!, summary ?? null),
    ]);
    expect(urls.every((u) => typeof u === 'string')).toBe(true);
    const events = await eventsOf(read.requestId);
    expect(events).toHaveLength(2); // one per URL, written together
    expect(events.every((e) => e.action === 'downloadUrl' && e.outcome === 'OK' && e.objectId === uid)).toBe(true);
  });

  it('records every download URL the API hands out in a list, one event per artifact', async () => {
    const uids = [(await ownedByA('api-list-1')).uid, (await ownedByA('api-list-2')).uid];
    const requestId = uniqueName('api-req');
    const res = await fetch(skein.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({
        query: 'query($w: String!) { artifacts(workspace: $w, first: 100) { edges { node { uid downloadUrl } } } }',
        variables: { w: wsA },
      }),
    });
    const { data } = (await res.json()) as {
      data: { artifacts: { edges: Array<{ node: { uid: string; downloadUrl: string | null } }> } };
    };
    const listed = data.artifacts.edges.map((e) => e.node).filter((n) => n.downloadUrl !== null);
    expect(listed.map((n) => n.uid)).toEqual(expect.arrayContaining(uids));
    const events = await eventsOf(requestId);
    expect(events.map((e) => e.objectId).sort()).toEqual(listed.map((n) => n.uid).sort());
    expect(events.every((e) => e.action === 'downloadUrl' && e.outcome === 'OK' && e.workspace === wsA)).toBe(true);
  });

  it("refuses a caller of workspace B A's download URLs, manifest, paths and path template, as for missing ones", async () => {
    const { uid, body } = await ownedByA('cross-read');
    const dirBody = uniqueBody('cross-dir');
    const dir = await as(editorA(), 'createUpload').bodies.create({
      artifact: { workspace: wsA, key: 'cross-dir', kind: 'DIRECTORY' },
      files: [{ path: 'a/data.bin', size: dirBody.length, sha256: sha256(dirBody) }],
    });
    expect(await upload(dir, dirBody)).toEqual([200]);
    await as(editorA(), 'completeUpload').bodies.complete(dir.artifact.uid);

    const missingUid = '01900000-0000-7000-8000-000000000000';
    const b = as(editorB());
    const refused = await refusal(b.bodies.download(uid, {}));
    const missing = await refusal(open().bodies.download(missingUid, {}));
    expect(refused.code).toBe('NOT_FOUND');
    expect(refused.message).toBe(missing.message.replace(missingUid, uid));
    expect(refused.message).not.toContain(sha256(body));

    const uri = `store://artifacts/${wsA}/cross-read.bin`;
    const byUri = await refusal(as(editorB()).bodies.download(uri, {}));
    expect(byUri.code).toBe('NOT_FOUND');
    expect(byUri.message).not.toMatch(/version|available|tag/i);

    expect(await b.bodies.manifests([dir.artifact.uid, missingUid])).toEqual([[], []]);
    expect(await b.bodies.summaries([uid, missingUid])).toEqual([null, null]);
    const [record] = await open().artifacts.getMany([uid]);
    expect((await refusal(b.bodies.downloadUrl(record!, null))).code).toBe('NOT_FOUND');

    const template = await refusal(b.bodies.pathTemplate(wsA));
    const noTemplate = await refusal(open().bodies.pathTemplate('no-such-workspace-acl'));
    expect(template.code).toBe('NOT_FOUND');
    expect(template.message).toBe(noTemplate.message.replace('no-such-workspace-acl', wsA));

    const denied = await eventsOf(b.requestId);
    expect(denied).toHaveLength(3); // the download, the downloadUrl field and the template
    expect(denied.every((e) => e.outcome === 'DENIED' && e.reason === 'NOT_FOUND' && e.workspace === wsA)).toBe(true);
    expect(denied.some((e) => e.outcome === 'OK')).toBe(false); // no URL was issued
  });

  it('deduplicates only what the caller may read: B names the digest, gets no body, and must upload', async () => {
    const { body, ticket: owner } = await ownedByA('dedup-scope');

    const again = await as(editorA(), 'createUpload').bodies.create(fileIn(wsA, 'dedup-again.bin', body));
    expect(again.alreadyStored).toBe(true); // a reader of A reuses it

    const b = await as(editorB(), 'createUpload').bodies.create(fileIn(wsB, 'dedup-guess.bin', body));
    expect(b.alreadyStored).toBe(false);
    expect(b.artifact.state).toBe('PENDING');
    expect(b.bodies[0]!.alreadyStored).toBe(false);
    expect(b.bodies[0]!.request).not.toBeNull();
    // Signed for a key of B's own upload, not the one A's bytes are at.
    expect(pathOf(b.bodies[0]!.request!.url)).not.toBe(pathOf(owner.bodies[0]!.request!.url));
    expect((await refusal(as(editorB(), 'completeUpload').bodies.complete(b.artifact.uid))).code).toBe(
      'PRECONDITION_FAILED',
    );

    // With the bytes, B uploads them itself and the store verifies them.
    expect(await upload(b, body)).toEqual([200]);
    const done = await as(editorB(), 'completeUpload').bodies.complete(b.artifact.uid);
    expect(done.state).toBe('AVAILABLE');
    const mine = await as(editorB()).bodies.download(b.artifact.uid, {});
    await downloadVerified(mine.files[0]!.url!, sha256(body));
  });

  it('refuses to complete a digest declared before its owner uploaded it (declare first, complete after)', async () => {
    const body = uniqueBody('declared first');
    const attacker = await as(editorB(), 'createUpload').bodies.create(fileIn(wsB, 'stolen.bin', body));
    expect(attacker.artifact.state).toBe('PENDING');

    const owner = await as(editorA(), 'createUpload').bodies.create(fileIn(wsA, 'owned.bin', body));
    expect(await upload(owner, body)).toEqual([200]);
    expect((await as(editorA(), 'completeUpload').bodies.complete(owner.artifact.uid)).state).toBe('AVAILABLE');

    const complete = as(editorB(), 'completeUpload');
    const err = await refusal(complete.bodies.complete(attacker.artifact.uid));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toMatch(/not uploaded yet/);
    const [after] = await open().artifacts.getMany([attacker.artifact.uid]);
    expect(after!.state).toBe('PENDING');
    expect((await refusal(as(editorB()).bodies.download(attacker.artifact.uid, {}))).code).toBe('PRECONDITION_FAILED');
  });

  it('says a size does not match without telling the stored size', async () => {
    const { body } = await ownedByA('wrong-size');
    const wrong = body.length + 5;
    const reader = await refusal(as(editorA(), 'createUpload').bodies.create(fileIn(wsA, 'wrong.bin', body, wrong)));
    expect(reader.code).toBe('BAD_USER_INPUT');
    expect(reader.message).toMatch(/does not match/);
    expect(reader.message).not.toMatch(new RegExp(`\\b${body.length}\\b`));

    // A caller who may not read it is not told anything at createUpload: they upload, and the store refuses.
    const other = await as(editorB(), 'createUpload').bodies.create(fileIn(wsB, 'wrong.bin', body, wrong));
    expect(other.artifact.state).toBe('PENDING');
    const statuses = await upload(other, body);
    expect(statuses[0]).toBeGreaterThanOrEqual(400);
    const err = await refusal(as(editorB(), 'completeUpload').bodies.complete(other.artifact.uid));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).not.toMatch(new RegExp(`\\b${body.length}\\b`));
  });

  it('gives a caller who may not read everything a key of their own, stored content or not (the key tells nothing)', async () => {
    const { body } = await ownedByA('key-oracle');
    const known = await as(editorB(), 'createUpload').bodies.create(fileIn(wsB, 'known.bin', body));
    const unknown = await as(editorB(), 'createUpload').bodies.create(
      fileIn(wsB, 'unknown.bin', uniqueBody('nobody has it')),
    );
    const OWN_KEY = /\/bodies\/sha256\/[0-9a-f]{64}\.[0-9a-f]{16}$/;
    expect(pathOf(known.bodies[0]!.request!.url)).toMatch(OWN_KEY);
    expect(pathOf(unknown.bodies[0]!.request!.url)).toMatch(OWN_KEY);
  });

  it('gives two uploads of the same new body at once keys of their own, and completes both', async () => {
    const body = uniqueBody('concurrent');
    const admin = makePrincipal({ kind: 'token', id: 'token:admin', admin: true });
    const tickets = await Promise.all(
      [wsA, wsB].map((ws) => as(admin, 'createUpload').bodies.create(fileIn(ws, 'same.bin', body))),
    );
    const [first, second] = tickets.map((tk) => pathOf(tk.bodies[0]!.request!.url));
    expect(first).not.toBe(second);
    for (const tk of tickets) {
      expect(await upload(tk, body)).toEqual([200]);
      expect((await as(admin, 'completeUpload').bodies.complete(tk.artifact.uid)).state).toBe('AVAILABLE');
    }
  });

  it('refuses a signed URL with a changed path (403)', async () => {
    const { uid } = await ownedByA('changed-path');
    const { uid: otherUid } = await ownedByA('changed-path-other');
    const [mine] = (await as(viewerA()).bodies.download(uid, {})).files;
    const [other] = (await as(viewerA()).bodies.download(otherUid, {})).files;

    const changed = new URL(mine!.url!);
    changed.pathname = new URL(other!.url!).pathname; // another object, same signature
    const res = await fetch(changed);
    expect(res.status).toBe(403);
    await res.arrayBuffer();

    const pending = await as(editorA(), 'createUpload').bodies.create(
      fileIn(wsA, 'changed-put.bin', uniqueBody('changed put')),
    );
    const request = pending.bodies[0]!.request!;
    const moved = new URL(request.url);
    moved.pathname = new URL(other!.url!).pathname;
    const bytes = uniqueBody('changed put');
    const putRes = await put(moved.toString(), bytes, request.headers);
    expect(putRes.status).toBe(403);
    await putRes.arrayBuffer();
  });
});

describe('local store URLs under access control', () => {
  let skein: SkeinHandle;
  let ws: string;
  beforeAll(async () => {
    skein = await startLocalSkein();
    ws = await createWorkspace(skein.graphqlUrl, 'acl-local');
  });
  afterAll(() => skein.stop());

  const services = () => createServices({ graph: skein.graph, caller: OPEN, bodies: skein.bodies }).bodies;
  const fileIn = (key: string, body: Buffer) => ({
    artifact: { workspace: ws, key, kind: 'FILE' },
    body: { size: body.length, sha256: sha256(body) },
  });

  it('refuses a changed method, expiry or key (403): the signature binds all of them', async () => {
    const body = uniqueBody('local bind');
    const ticket = await services().create(fileIn('bind.bin', body));
    const url = new URL(ticket.bodies[0]!.request!.url);

    const asGet = await fetch(url);
    expect(asGet.status).toBe(403);
    await asGet.arrayBuffer();

    const later = new URL(url);
    later.searchParams.set('X-Skein-Expires', String(Number(url.searchParams.get('X-Skein-Expires')) + 3600));
    expect((await put(later.toString(), body)).status).toBe(403);

    const otherKey = new URL(url);
    otherKey.pathname = `/bodies/sha256/${sha256('another body')}`;
    expect((await put(otherKey.toString(), body)).status).toBe(403);

    const intact = await put(url.toString(), body); // the URL as signed still works
    expect(intact.status).toBe(200);
  });

  it("refuses a late PUT of an aborted upload once another upload took its key (it would complete with the first one's bytes)", async () => {
    const body = uniqueBody('late taken');
    const first = await services().create(fileIn('late-first.bin', body));
    await services().abort(first.artifact.uid);
    const second = await services().create(fileIn('late-second.bin', body));
    expect(pathOf(second.bodies[0]!.request!.url)).toBe(pathOf(first.bodies[0]!.request!.url)); // the key is free again

    const late = await put(first.bodies[0]!.request!.url, body);
    expect(late.status).toBe(404);
    await late.arrayBuffer();
    await expect(services().complete(second.artifact.uid)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect((await put(second.bodies[0]!.request!.url, body)).status).toBe(200);
    expect((await services().complete(second.artifact.uid)).state).toBe('AVAILABLE');
  });
});

function pathOf(url: string): string {
  return new URL(url).pathname;
}
