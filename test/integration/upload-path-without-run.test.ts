import { createUpload, sha256, startLocalSkein, tryCreateUpload, uniqueBody } from '../helpers/bodies';
import { startRun } from '../helpers/pipeline';
import { createWorkspace, gqlOk, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * An upload that names no run, under a path template with a run variable (issue 14: its
 * `{{run.uid}}` segment silently dropped out). It is refused, saying where that template was set
 * and what to do; only the built-in server default has a run-less form, `{{workspace}}/{{key}}`.
 */
describe('an upload without a run under a template that needs one', () => {
  const t = useTestSkein({ start: startLocalSkein, workspace: 'path-no-run' });

  const input = (workspace: string, key: string, extra: Record<string, unknown> = {}) => {
    const body = uniqueBody(key);
    return { artifact: { workspace, key, kind: 'MODEL' }, body: { size: body.length, sha256: sha256(body) }, ...extra };
  };
  const setTemplate = (workspace: string, template: string | null) =>
    gqlOk(
      t.url,
      'mutation($w: String!, $t: String) { setArtifactPathTemplate(workspace: $w, template: $t) { source } }',
      {
        w: workspace,
        t: template,
      },
    );
  const refusal = (res: GraphQLResponse) => {
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return res.errors![0]!;
  };

  it("refuses a workspace's template with {{run.uid}}, naming the workspace, and records nothing", async () => {
    const ws = await createWorkspace(t.url, 'path-no-run');
    await setTemplate(ws, 'runs/{{run.uid}}/{{key}}');
    const error = refusal(await tryCreateUpload(t.url, input(ws, 'model.pkl')));
    expect(error.message).toBe(
      `The artifact path template "runs/{{run.uid}}/{{key}}", set on workspace "${ws}", uses {{run.uid}}, ` +
        `but this upload names no run. Pass "artifact.run" (the run's id or uid), or set another with ` +
        `setArtifactPathTemplate(workspace: "${ws}", template: …).`,
    );
    expect(error.extensions).toMatchObject({ field: 'artifact.run', source: 'WORKSPACE' });
    const listed = await gqlOk<{ artifacts: { edges: unknown[] } }>(
      t.url,
      'query($w: String!) { artifacts(workspace: $w) { edges { cursor } } }',
      { w: ws },
    );
    expect(listed.artifacts.edges).toHaveLength(0);

    // With the run, the same template renders it.
    const runId = await startRun(t.url, ws, 'train');
    const runUid = Buffer.from(runId, 'base64url').toString().split(':')[1];
    const up = await createUpload(t.url, {
      ...input(ws, 'model.pkl'),
      artifact: { ...input(ws, 'model.pkl').artifact, run: runId },
    });
    expect(up.artifact.path).toBe(`runs/${runUid}/model.pkl`);
  });

  it("refuses a call's artifactPath with {{run.name}}", async () => {
    const error = refusal(await tryCreateUpload(t.url, input(t.ws, 'x.bin', { artifactPath: 'by-run/{{run.name}}' })));
    expect(error.message).toMatch(
      /^The artifact path template "by-run\/\{\{run.name\}\}", set by this call's "artifactPath", uses \{\{run.name\}\}/,
    );
    expect(error.extensions).toMatchObject({ field: 'artifactPath', source: 'CALL' });
  });

  it('takes a template without run variables, and the built-in default as {{workspace}}/{{key}}', async () => {
    const ws = await createWorkspace(t.url, 'path-no-run');
    expect((await createUpload(t.url, input(ws, 'a/b.txt'))).artifact.path).toBe(`${ws}/a/b.txt`);
    await setTemplate(ws, 'plain/{{key}}');
    expect((await createUpload(t.url, input(ws, 'c.txt'))).artifact.path).toBe('plain/c.txt');
  });
});

describe('an upload without a run under a server template that needs one', () => {
  const t = useTestSkein({
    start: startLocalSkein,
    env: { SKEIN_ARTIFACT_PATH: 'team/{{run.uid}}/{{key}}' },
    workspace: 'path-no-run-server',
  });

  it('is refused, naming SKEIN_ARTIFACT_PATH', async () => {
    const body = uniqueBody('server');
    const res = await tryCreateUpload(t.url, {
      artifact: { workspace: t.ws, key: 'k', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body) },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', source: 'SERVER' });
    expect(res.errors![0]!.message).toContain('set on the server (SKEIN_ARTIFACT_PATH), uses {{run.uid}}');
  });
});
