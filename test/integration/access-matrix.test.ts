import { createHash, randomBytes } from 'node:crypto';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { SCHEMA_FILE } from '../../src/paths';
import { mintToken } from '../../src/auth/token-secret';
import { startOidcProvider, type TestOidcProvider } from '../../tools/oidc-provider';
import { startTestSkein, uniqueName, useTestSkein } from '../helpers/skein';

/**
 * Who may call what: every query and mutation of the schema, called by each kind of caller, on a
 * server with auth on. The rules are listed here per operation, and the list is checked against
 * schema/schema.graphql, so an operation added without a rule fails this test. Allowed calls must
 * succeed (each case builds what it needs, as the admin, before the call); refused ones must be
 * refused with the right code, and every refusal must be in the audit trail.
 */

type Rule =
  /** Anyone, even without credentials. */
  | 'public'
  /** Any caller with valid credentials (what they see is filtered to what they may read). */
  | 'signedIn'
  | 'read'
  | 'write'
  | 'own'
  | 'admin';

type Caller = 'anonymous' | 'viewer' | 'editor' | 'owner' | 'admin' | 'revoked' | 'expiredSso';
const CALLERS: Caller[] = ['anonymous', 'viewer', 'editor', 'owner', 'admin', 'revoked', 'expiredSso'];

const RANK: Record<Rule, number> = { public: 0, signedIn: 1, read: 2, write: 3, own: 4, admin: 5 };
const POWER: Record<'viewer' | 'editor' | 'owner' | 'admin', number> = { viewer: 2, editor: 3, owner: 4, admin: 5 };

/** What a caller gets for an operation under a rule: 'ok', or the refusal's code. */
function expected(rule: Rule, caller: Caller): string {
  if (caller === 'revoked' || caller === 'expiredSso') return 'UNAUTHENTICATED';
  if (caller === 'anonymous') return rule === 'public' ? 'ok' : 'UNAUTHENTICATED';
  return POWER[caller] >= RANK[rule] ? 'ok' : 'FORBIDDEN';
}

/** What the cases share: one workspace and its objects, made by the admin before any call. */
interface Fixture {
  ws: string;
  parentRun: string;
  childRun: string;
  execution: string;
  dataset: string;
  model: string;
  /** An AVAILABLE artifact with a body in the store. */
  withBody: string;
}

interface Case {
  rule: Rule;
  document: string;
  /** The variables; may make fresh objects (as the admin) so that an allowed call succeeds. */
  variables: (fx: Fixture) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Puts back what an allowed call changed for the next callers (as the admin). */
  after?: (fx: Fixture) => Promise<void>;
}

interface Reply {
  status: number;
  requestId: string | null;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

let graphqlUrl = '';

async function call(token: string | null, document: string, variables: Record<string, unknown> = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: document, variables }),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as Reply['body'] };
}

let adminToken = '';

/** A call as the admin that must succeed: how cases make what they act on. */
async function asAdmin<T = Record<string, unknown>>(
  document: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const reply = await call(adminToken, document, variables);
  if (reply.body.errors?.length) throw new Error(`admin call failed: ${JSON.stringify(reply.body.errors)}`);
  return reply.body.data as T;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function freshRun(fx: Fixture): Promise<string> {
  const d = await asAdmin<{ startRun: { id: string } }>('mutation($i: StartRunInput!) { startRun(input: $i) { id } }', {
    i: { workspace: fx.ws, name: uniqueName('run') },
  });
  return d.startRun.id;
}

async function freshExecution(fx: Fixture): Promise<string> {
  const d = await asAdmin<{ startExecution: { id: string } }>(
    'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }',
    { i: { run: fx.parentRun, name: uniqueName('step') } },
  );
  return d.startExecution.id;
}

async function freshArtifact(fx: Fixture, tags: string[] = []): Promise<string> {
  const d = await asAdmin<{ logArtifact: { uid: string } }>(
    'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }',
    { i: { workspace: fx.ws, key: uniqueName('data'), kind: 'DATASET', tags } },
  );
  return d.logArtifact.uid;
}

/** A PENDING upload of fresh bytes; with `put`, the bytes are already in the store. */
async function pendingUpload(fx: Fixture, put = false): Promise<string> {
  const bytes = randomBytes(64);
  const d = await asAdmin<{
    createUpload: {
      artifact: { uid: string };
      bodies: Array<{ url: string; method: string; headers: Array<{ name: string; value: string }> }>;
    };
  }>(
    'mutation($i: CreateUploadInput!) { createUpload(input: $i) { artifact { uid } bodies { url method headers { name value } } } }',
    {
      i: {
        artifact: { workspace: fx.ws, key: uniqueName('up'), kind: 'MODEL' },
        body: { sha256: sha(bytes), size: bytes.length },
      },
    },
  );
  if (put) {
    const body = d.createUpload.bodies[0]!;
    const res = await fetch(body.url, {
      method: body.method,
      headers: Object.fromEntries(body.headers.map((h) => [h.name, h.value])),
      body: bytes,
    });
    if (!res.ok) throw new Error(`PUT failed: ${res.status} ${await res.text()}`);
  }
  return d.createUpload.artifact.uid;
}

async function deleted<T>(document: string, variables: Record<string, unknown>, value: T): Promise<T> {
  await asAdmin(document, variables);
  return value;
}

const restoreWorkspace = async (fx: Fixture) => {
  const reply = await call(adminToken, 'mutation($n: String!) { restoreWorkspace(name: $n) { name } }', { n: fx.ws });
  const code = reply.body.errors?.[0]?.extensions?.code;
  if (code && code !== 'PRECONDITION_FAILED') throw new Error(JSON.stringify(reply.body.errors));
};

const CASES: Record<string, Case> = {
  // Queries
  serverInfo: { rule: 'public', document: '{ serverInfo { version } }', variables: () => ({}) },
  bodyStore: { rule: 'public', document: '{ bodyStore { kind } }', variables: () => ({}) },
  workspaces: { rule: 'signedIn', document: '{ workspaces { edges { node { name } } } }', variables: () => ({}) },
  workspace: {
    rule: 'read',
    document: 'query($n: String!) { workspace(name: $n) { name } }',
    variables: (fx) => ({ n: fx.ws }),
  },
  run: { rule: 'read', document: 'query($id: ID!) { run(id: $id) { id } }', variables: (fx) => ({ id: fx.parentRun }) },
  runs: {
    rule: 'read',
    document: 'query($w: String!) { runs(workspace: $w) { edges { node { id } } } }',
    variables: (fx) => ({ w: fx.ws }),
  },
  compareRuns: {
    rule: 'read',
    document: 'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id } } }',
    variables: (fx) => ({ ids: [fx.parentRun, fx.childRun] }),
  },
  execution: {
    rule: 'read',
    document: 'query($id: ID!) { execution(id: $id) { id } }',
    variables: (fx) => ({ id: fx.execution }),
  },
  artifact: {
    rule: 'read',
    document: 'query($r: String!) { artifact(ref: $r) { uid } }',
    variables: (fx) => ({ r: fx.model }),
  },
  artifacts: {
    rule: 'read',
    document: 'query($w: String!) { artifacts(workspace: $w) { edges { node { uid } } } }',
    variables: (fx) => ({ w: fx.ws }),
  },
  artifactDownload: {
    rule: 'read',
    document: 'query($r: String!) { artifactDownload(ref: $r) { files { url } } }',
    variables: (fx) => ({ r: fx.withBody }),
  },
  artifactPathTemplate: {
    rule: 'read',
    document: 'query($w: String!) { artifactPathTemplate(workspace: $w) { template } }',
    variables: (fx) => ({ w: fx.ws }),
  },
  node: {
    rule: 'read',
    document: 'query($id: ID!) { node(id: $id) { id } }',
    variables: (fx) => ({ id: fx.parentRun }),
  },
  lineage: {
    rule: 'read',
    document: 'query($of: String!) { lineage(of: $of, direction: UPSTREAM) { nodes { __typename } } }',
    variables: (fx) => ({ of: fx.model }),
  },
  columnLineage: {
    rule: 'read',
    document: 'query($of: String!) { columnLineage(of: $of, column: "x") { truncated } }',
    variables: (fx) => ({ of: fx.dataset }),
  },
  changes: {
    rule: 'read',
    document: 'query($w: String!) { changes(workspace: $w) { edges { node { seq } } } }',
    variables: (fx) => ({ w: fx.ws }),
  },
  lineagePath: {
    rule: 'read',
    document: 'query($f: String!, $t: String!) { lineagePath(from: $f, to: $t) { __typename } }',
    variables: (fx) => ({ f: fx.dataset, t: fx.model }),
  },
  impact: {
    rule: 'read',
    document: 'query($of: String!) { impact(of: $of) { __typename } }',
    variables: (fx) => ({ of: fx.dataset }),
  },
  provenance: {
    rule: 'read',
    document: 'query($of: String!) { provenance(of: $of) { __typename } }',
    variables: (fx) => ({ of: fx.model }),
  },
  auditEvents: {
    rule: 'own',
    document: 'query($w: String) { auditEvents(workspace: $w, first: 1) { pageInfo { hasNextPage } } }',
    variables: (fx) => ({ w: fx.ws }),
  },

  // Mutations on runs and executions
  startRun: {
    rule: 'write',
    document: 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
    variables: (fx) => ({ i: { workspace: fx.ws, name: uniqueName('r') } }),
  },
  finishRun: {
    rule: 'write',
    document: 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }',
    variables: async (fx) => ({ id: await freshRun(fx) }),
  },
  logParams: {
    rule: 'write',
    document: 'mutation($r: ID!, $p: [EntryInput!]!) { logParams(run: $r, params: $p) { id } }',
    variables: async (fx) => ({ r: await freshRun(fx), p: [{ key: 'lr', value: 0.1 }] }),
  },
  logMetrics: {
    rule: 'write',
    document: 'mutation($r: ID!, $p: [MetricPointInput!]!) { logMetrics(run: $r, points: $p) { id } }',
    variables: (fx) => ({ r: fx.parentRun, p: [{ key: 'loss', step: 1, value: 0.5 }] }),
  },
  logResults: {
    rule: 'write',
    document: 'mutation($id: ID!, $r: [EntryInput!]!) { logResults(id: $id, results: $r) { id } }',
    variables: (fx) => ({ id: fx.childRun, r: [{ key: 'accuracy', value: 0.9 }] }),
  },
  markBestChild: {
    rule: 'write',
    document: 'mutation($p: ID!, $c: ID!) { markBestChild(parent: $p, child: $c) { id } }',
    variables: (fx) => ({ p: fx.parentRun, c: fx.childRun }),
  },
  selectBestChild: {
    rule: 'write',
    document: 'mutation($p: ID!) { selectBestChild(parent: $p, selector: "max.accuracy") { id } }',
    variables: (fx) => ({ p: fx.parentRun }),
  },
  setRunLabels: {
    rule: 'write',
    document: 'mutation($id: ID!) { setRunLabels(id: $id, labels: [{ key: "team", value: "nlp" }]) { id } }',
    variables: (fx) => ({ id: fx.parentRun }),
  },
  setRunAnnotations: {
    rule: 'write',
    document: 'mutation($id: ID!) { setRunAnnotations(id: $id, annotations: [{ key: "note", value: "x" }]) { id } }',
    variables: (fx) => ({ id: fx.parentRun }),
  },
  updateRun: {
    rule: 'write',
    document: 'mutation($id: ID!) { updateRun(id: $id, changes: { description: "d" }) { id } }',
    variables: (fx) => ({ id: fx.parentRun }),
  },
  deleteRun: {
    rule: 'write',
    document: 'mutation($id: ID!) { deleteRun(id: $id, artifacts: false) { id } }',
    variables: async (fx) => ({ id: await freshRun(fx) }),
  },
  restoreRun: {
    rule: 'write',
    document: 'mutation($id: ID!) { restoreRun(id: $id) { id } }',
    variables: async (fx) => {
      const id = await freshRun(fx);
      return deleted('mutation($id: ID!) { deleteRun(id: $id, artifacts: false) { id } }', { id }, { id });
    },
  },
  startExecution: {
    rule: 'write',
    document: 'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }',
    variables: (fx) => ({ i: { run: fx.parentRun, name: uniqueName('s') } }),
  },
  recordExecution: {
    rule: 'write',
    document: 'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { id } }',
    variables: (fx) => ({ i: { run: fx.parentRun, name: uniqueName('s'), inputs: [{ artifact: fx.dataset }] } }),
  },
  finishExecution: {
    rule: 'write',
    document: 'mutation($id: ID!) { finishExecution(id: $id, state: COMPLETED) { id } }',
    variables: async (fx) => ({ id: await freshExecution(fx) }),
  },
  addExecutionInputs: {
    rule: 'write',
    document: 'mutation($id: ID!, $e: [EventInput!]!) { addExecutionInputs(id: $id, inputs: $e) { id } }',
    variables: async (fx) => ({ id: await freshExecution(fx), e: [{ artifact: fx.dataset }] }),
  },
  addExecutionOutputs: {
    rule: 'write',
    document: 'mutation($id: ID!, $e: [EventInput!]!) { addExecutionOutputs(id: $id, outputs: $e) { id } }',
    variables: async (fx) => ({ id: await freshExecution(fx), e: [{ artifact: await freshArtifact(fx) }] }),
  },
  updateExecution: {
    rule: 'write',
    document: 'mutation($id: ID!) { updateExecution(id: $id, changes: { description: "d" }) { id } }',
    variables: (fx) => ({ id: fx.execution }),
  },

  // Mutations on artifacts and bodies
  logArtifact: {
    rule: 'write',
    document: 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }',
    variables: (fx) => ({ i: { workspace: fx.ws, key: uniqueName('a'), kind: 'DATASET' } }),
  },
  tagArtifact: {
    rule: 'write',
    document: 'mutation($r: String!) { tagArtifact(ref: $r, tag: "candidate") { uid } }',
    variables: async (fx) => ({ r: await freshArtifact(fx) }),
  },
  untagArtifact: {
    rule: 'write',
    document: 'mutation($r: String!) { untagArtifact(ref: $r, tag: "old") { uid } }',
    variables: async (fx) => ({ r: await freshArtifact(fx, ['old']) }),
  },
  updateArtifact: {
    rule: 'write',
    document: 'mutation($r: String!) { updateArtifact(ref: $r, changes: { description: "d" }) { uid } }',
    variables: (fx) => ({ r: fx.model }),
  },
  deleteArtifact: {
    rule: 'write',
    document: 'mutation($r: String!) { deleteArtifact(ref: $r, allVersions: false) { uid } }',
    variables: async (fx) => ({ r: await freshArtifact(fx) }),
  },
  restoreArtifact: {
    rule: 'write',
    document: 'mutation($r: String!) { restoreArtifact(ref: $r, allVersions: false) { uid } }',
    variables: async (fx) => {
      const r = await freshArtifact(fx);
      return deleted('mutation($r: String!) { deleteArtifact(ref: $r, allVersions: false) { uid } }', { r }, { r });
    },
  },
  createUpload: {
    rule: 'write',
    document: 'mutation($i: CreateUploadInput!) { createUpload(input: $i) { artifact { uid } } }',
    variables: (fx) => {
      const bytes = randomBytes(32);
      return {
        i: {
          artifact: { workspace: fx.ws, key: uniqueName('u'), kind: 'MODEL' },
          body: { sha256: sha(bytes), size: 32 },
        },
      };
    },
  },
  completeUpload: {
    rule: 'write',
    document: 'mutation($r: String!) { completeUpload(ref: $r) { uid } }',
    variables: async (fx) => ({ r: await pendingUpload(fx, true) }),
  },
  abortUpload: {
    rule: 'write',
    document: 'mutation($r: String!) { abortUpload(ref: $r) { uid } }',
    variables: async (fx) => ({ r: await pendingUpload(fx) }),
  },
  renewUpload: {
    rule: 'write',
    document: 'mutation($r: String!) { renewUpload(ref: $r) { expiresAt } }',
    variables: async (fx) => ({ r: await pendingUpload(fx) }),
  },
  setArtifactPathTemplate: {
    rule: 'write',
    document: 'mutation($w: String!) { setArtifactPathTemplate(workspace: $w, template: null) { template } }',
    variables: (fx) => ({ w: fx.ws }),
  },

  // Identities: tokens and grants
  viewer: { rule: 'public', document: '{ viewer { kind } }', variables: () => ({}) },
  tokens: {
    rule: 'own',
    document: 'query($w: String) { tokens(workspace: $w) { edges { node { tokenId } } } }',
    variables: (fx) => ({ w: fx.ws }),
  },
  createToken: {
    rule: 'own',
    document: 'mutation($i: CreateTokenInput!) { createToken(input: $i) { info { tokenId } } }',
    variables: (fx) => ({ i: { workspace: fx.ws, role: 'VIEWER', name: uniqueName('t') } }),
  },
  revokeToken: {
    rule: 'own',
    document: 'mutation($id: String!) { revokeToken(tokenId: $id) { tokenId } }',
    variables: async (fx) => {
      const d = await asAdmin<{ createToken: { info: { tokenId: string } } }>(
        'mutation($i: CreateTokenInput!) { createToken(input: $i) { info { tokenId } } }',
        { i: { workspace: fx.ws, role: 'VIEWER', name: uniqueName('t') } },
      );
      return { id: d.createToken.info.tokenId };
    },
  },
  workspaceGrants: {
    rule: 'own',
    document: 'query($w: String!) { workspaceGrants(workspace: $w) { edges { node { subject } } } }',
    variables: (fx) => ({ w: fx.ws }),
  },
  grantRole: {
    rule: 'own',
    document: 'mutation($i: GrantRoleInput!) { grantRole(input: $i) { subject } }',
    variables: (fx) => ({ i: { workspace: fx.ws, subject: `group:${uniqueName('g')}`, role: 'VIEWER' } }),
  },
  revokeRole: {
    rule: 'own',
    document: 'mutation($w: String!, $s: String!) { revokeRole(workspace: $w, subject: $s) { subject } }',
    variables: async (fx) => {
      const s = `group:${uniqueName('g')}`;
      await asAdmin('mutation($i: GrantRoleInput!) { grantRole(input: $i) { subject } }', {
        i: { workspace: fx.ws, subject: s, role: 'VIEWER' },
      });
      return { w: fx.ws, s };
    },
  },

  // Webhooks: the change feed delivered to URLs (deliveries here fail: nothing listens on port 9)
  webhooks: {
    rule: 'own',
    document: 'query($w: String!) { webhooks(workspace: $w) { edges { node { id } } } }',
    variables: (fx) => ({ w: fx.ws }),
  },
  createWebhook: {
    rule: 'own',
    document: 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }',
    variables: (fx) => ({ i: { workspace: fx.ws, url: 'http://127.0.0.1:9/skein' } }),
  },
  deleteWebhook: {
    rule: 'own',
    document: 'mutation($id: ID!) { deleteWebhook(id: $id) { id } }',
    variables: async (fx) => {
      const d = await asAdmin<{ createWebhook: { webhook: { id: string } } }>(
        'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }',
        { i: { workspace: fx.ws, url: 'http://127.0.0.1:9/skein' } },
      );
      return { id: d.createWebhook.webhook.id };
    },
  },

  // Workspaces and the server
  createWorkspace: {
    rule: 'admin',
    document: 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }',
    variables: () => ({ i: { name: uniqueName('made').toLowerCase() } }),
  },
  updateWorkspace: {
    rule: 'own',
    document: 'mutation($n: String!) { updateWorkspace(name: $n, input: { description: "d" }) { name } }',
    variables: (fx) => ({ n: fx.ws }),
  },
  deleteWorkspace: {
    rule: 'own',
    document: 'mutation($n: String!) { deleteWorkspace(name: $n) { name } }',
    variables: (fx) => ({ n: fx.ws }),
    after: restoreWorkspace,
  },
  restoreWorkspace: {
    rule: 'own',
    document: 'mutation($n: String!) { restoreWorkspace(name: $n) { name } }',
    variables: (fx) =>
      deleted('mutation($n: String!) { deleteWorkspace(name: $n) { name } }', { n: fx.ws }, { n: fx.ws }),
    after: restoreWorkspace,
  },
  purgeDeleted: {
    rule: 'admin',
    document: 'mutation($w: String) { purgeDeleted(workspace: $w) { __typename } }',
    variables: (fx) => ({ w: fx.ws }),
  },
};

/** Every query and mutation the schema has: the test fails when one has no case (and no rule). */
function schemaOperations(): string[] {
  const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
  const fields = (t: GraphQLObjectType | null | undefined) => Object.keys(t?.getFields() ?? {});
  return [...fields(schema.getQueryType()), ...fields(schema.getMutationType())].sort();
}

describe('access matrix: every operation x every kind of caller', () => {
  const ADMIN_TOKEN = mintToken().text;
  let provider: TestOidcProvider | undefined;
  const t = useTestSkein({
    start: async (env) => {
      provider = await startOidcProvider();
      return startTestSkein({
        ...env,
        SKEIN_AUTH: 'on',
        SKEIN_ADMIN_TOKEN: ADMIN_TOKEN,
        SKEIN_OIDC_ISSUER: provider.issuer,
        SKEIN_OIDC_AUDIENCE: 'skein',
        // Every request of the matrix comes from this one address: no rate limit gets in the way.
        SKEIN_RATE_LIMIT: '0',
      });
    },
  });
  afterAll(() => provider?.stop());
  const fx = {} as Fixture;
  const tokens = {} as Record<Caller, string | null>;
  const refusals: Array<{ op: string; caller: Caller; requestId: string | null; status: number }> = [];

  beforeAll(async () => {
    graphqlUrl = t.url;
    adminToken = ADMIN_TOKEN;
    await buildFixture(fx);
    Object.assign(tokens, await mintTokens(fx.ws), { expiredSso: await provider!.token('expired-user') });
  });

  it('has a rule for every query and mutation in the schema, and none for operations it lacks', () => {
    expect(Object.keys(CASES).sort()).toEqual(schemaOperations());
  });

  for (const caller of CALLERS) {
    it(`${caller}: allowed calls succeed, others are refused with the right code`, async () => {
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const [op, c] of Object.entries(CASES)) {
        const reply = await call(tokens[caller], c.document, await c.variables(fx));
        const outcome = reply.status === 401 ? 'UNAUTHENTICATED' : (reply.body.errors?.[0]?.extensions?.code ?? 'ok');
        got[op] =
          outcome === 'ok'
            ? 'ok'
            : `${outcome}${outcome === 'BAD_USER_INPUT' ? `: ${reply.body.errors?.[0]?.message}` : ''}`;
        want[op] = expected(c.rule, caller);
        if (outcome !== 'ok') refusals.push({ op, caller, requestId: reply.requestId, status: reply.status });
        await c.after?.(fx);
      }
      expect(got).toEqual(want);
    });
  }

  it('wrote every refusal to the audit trail', async () => {
    const ids = refusals.map((r) => r.requestId).filter((id): id is string => id !== null);
    expect(ids.length).toBe(refusals.length);
    const seen = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const d: {
        auditEvents: {
          edges: Array<{ node: { requestId: string | null; outcome: string } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      } = await asAdmin(
        'query($a: String) { auditEvents(first: 1000, after: $a) { edges { node { requestId outcome } } pageInfo { hasNextPage endCursor } } }',
        { a: after },
      );
      for (const e of d.auditEvents.edges)
        if (e.node.outcome === 'DENIED' && e.node.requestId) seen.add(e.node.requestId);
      if (!d.auditEvents.pageInfo.hasNextPage) break;
      after = d.auditEvents.pageInfo.endCursor;
    }
    expect(ids.filter((id) => !seen.has(id))).toEqual([]);
  });
});

async function buildFixture(fx: Fixture): Promise<void> {
  fx.ws = uniqueName('matrix').toLowerCase();
  await asAdmin('mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', { i: { name: fx.ws } });
  fx.parentRun = await freshRun(fx);
  const child = await asAdmin<{ startRun: { id: string } }>(
    'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
    { i: { workspace: fx.ws, name: 'child', parent: fx.parentRun, iteration: 1 } },
  );
  fx.childRun = child.startRun.id;
  await asAdmin('mutation($id: ID!) { logResults(id: $id, results: [{ key: "accuracy", value: 0.8 }]) { id } }', {
    id: fx.childRun,
  });
  fx.dataset = await freshArtifact(fx);
  const exec = await asAdmin<{
    recordExecution: { id: string; outputs: { edges: Array<{ node: { artifact: { uid: string } } }> } };
  }>(
    'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { id outputs { edges { node { artifact { uid } } } } } }',
    {
      i: {
        run: fx.parentRun,
        name: 'train',
        inputs: [{ artifact: fx.dataset }],
        outputs: [{ artifact: { key: 'model', kind: 'MODEL' } }],
      },
    },
  );
  fx.execution = exec.recordExecution.id;
  fx.model = exec.recordExecution.outputs.edges[0]!.node.artifact.uid;
  const uid = await pendingUpload(fx, true);
  await asAdmin('mutation($r: String!) { completeUpload(ref: $r) { uid } }', { r: uid });
  fx.withBody = uid;
}

/** A token per role in the fixture's workspace, and one revoked. */
async function mintTokens(ws: string): Promise<Omit<Record<Caller, string | null>, 'expiredSso'>> {
  const mint = async (role: string) => {
    const d = await asAdmin<{ createToken: { token: string; info: { tokenId: string } } }>(
      'mutation($i: CreateTokenInput!) { createToken(input: $i) { token info { tokenId } } }',
      { i: { workspace: ws, role, name: uniqueName(role) } },
    );
    return d.createToken;
  };
  const revoked = await mint('EDITOR');
  await asAdmin('mutation($id: String!) { revokeToken(tokenId: $id) { tokenId } }', { id: revoked.info.tokenId });
  return {
    anonymous: null,
    viewer: (await mint('VIEWER')).token,
    editor: (await mint('EDITOR')).token,
    owner: (await mint('OWNER')).token,
    admin: adminToken,
    revoked: revoked.token,
  };
}
