import { aPipeline, logArtifact } from '../helpers/pipeline';
import { gql, gqlOk, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * Event times inside their execution's window (issue 14: inputs could be dated before their
 * execution started, outputs after it finished). An input is dated at or after the start; an
 * output at or after the start and, once finished, at or before the finish. A time left out
 * defaults to one inside the window.
 */
describe("event times inside their execution's window", () => {
  const t = useTestSkein({ workspace: 'event-times' });

  const START = '2026-03-01T10:00:00.000Z';
  const FINISH = '2026-03-01T11:00:00.000Z';
  const EVENTS = `inputs { edges { node { at artifact { uid } } } } outputs { edges { node { at artifact { uid } } } }`;
  type Events = Record<'inputs' | 'outputs', { edges: Array<{ node: { at: string; artifact: { uid: string } } }> }>;

  const record = (input: Record<string, unknown>) =>
    gql<{ recordExecution: Events & { id: string } }>(
      t.url,
      `mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { id ${EVENTS} } }`,
      { i: input },
    );
  const add = (which: 'addExecutionInputs' | 'addExecutionOutputs', id: string, events: unknown[]) =>
    gql(
      t.url,
      `mutation($id: ID!, $e: [EventInput!]!) { ${which}(id: $id, ${which === 'addExecutionInputs' ? 'inputs' : 'outputs'}: $e) { uid } }`,
      { id, e: events },
    );
  const badInput = (res: GraphQLResponse) => {
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return res.errors![0]!.message;
  };
  const setUp = async () => {
    const p = await aPipeline(t.url, 'event-times');
    const a = await logArtifact(t.url, { workspace: p.workspace, key: 'in', kind: 'DATASET' });
    return { p, a };
  };

  it('refuses an input dated before the execution started, naming the event, its time and the window', async () => {
    const { p, a } = await setUp();
    const early = '2026-03-01T09:59:59.999Z';
    const message = badInput(
      await record({
        run: p.runId,
        name: 'train',
        startedAt: START,
        finishedAt: FINISH,
        inputs: [{ artifact: a.uri, at: early }],
      }),
    );
    expect(message).toBe(
      `inputs[0] (artifact "${a.uri}") is dated ${early}, before execution "train" (` +
        message.match(/\(([0-9a-f-]{36})\)/)![1] +
        `) started at ${START} and finished at ${FINISH}: an input is dated at or after its execution started. ` +
        'Give an `at` inside that window, or leave it out (it defaults to a time inside it).',
    );
    // Nothing was recorded: the execution is refused whole.
    const runs = await gqlOk<{ run: { executions: { edges: unknown[] } } }>(
      t.url,
      'query($id: ID!) { run(id: $id) { executions(first: 10) { edges { cursor } } } }',
      { id: p.runId },
    );
    expect(runs.run.executions.edges).toHaveLength(0);
  });

  it('takes inputs dated at the start, and outputs dated at the start or the finish', async () => {
    const { p, a } = await setUp();
    const done = await record({
      run: p.runId,
      name: 'train',
      startedAt: START,
      finishedAt: FINISH,
      inputs: [{ artifact: a.uri, at: START }],
    });
    expect(done.errors).toBeUndefined();
    const id = done.data!.recordExecution.id;
    const out1 = await logArtifact(t.url, { workspace: p.workspace, key: 'o1', kind: 'MODEL' });
    const out2 = await logArtifact(t.url, { workspace: p.workspace, key: 'o2', kind: 'MODEL' });
    expect(
      (
        await add('addExecutionOutputs', id, [
          { artifact: out1.uri, at: START },
          { artifact: out2.uri, at: FINISH },
        ])
      ).errors,
    ).toBeUndefined();
  });

  it('refuses an output dated after the execution finished, or before it started', async () => {
    const { p } = await setUp();
    const done = await record({ run: p.runId, name: 'train', startedAt: START, finishedAt: FINISH });
    const id = done.data!.recordExecution.id;
    const out = await logArtifact(t.url, { workspace: p.workspace, key: 'late', kind: 'MODEL' });
    const late = badInput(
      await add('addExecutionOutputs', id, [{ artifact: out.uri, at: '2026-03-01T11:00:00.001Z' }]),
    );
    expect(late).toMatch(
      /^outputs\[0\] \(artifact "store:\/\/\S+"\) is dated 2026-03-01T11:00:00\.001Z, after execution "train"/,
    );
    expect(late).toContain(`started at ${START} and finished at ${FINISH}`);
    const early = badInput(await add('addExecutionOutputs', id, [{ artifact: out.uri, at: '2026-03-01T09:00:00Z' }]));
    expect(early).toMatch(/is dated 2026-03-01T09:00:00\.000Z, before execution "train"/);
  });

  it('bounds a running execution only by its start', async () => {
    const { p, a } = await setUp();
    const started = await gqlOk<{ startExecution: { id: string } }>(
      t.url,
      'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }',
      { i: { run: p.runId, name: 'eval', startedAt: START } },
    );
    const id = started.startExecution.id;
    expect(badInput(await add('addExecutionInputs', id, [{ artifact: a.uri, at: '2026-02-01T00:00:00Z' }]))).toContain(
      `started at ${START} and has not finished`,
    );
    expect(
      (await add('addExecutionInputs', id, [{ artifact: a.uri, at: '2026-03-02T00:00:00Z' }])).errors,
    ).toBeUndefined();
  });

  it('dates events given no time inside the window: inputs at the start, outputs at the finish, not now', async () => {
    const { p, a } = await setUp();
    const done = await record({
      run: p.runId,
      name: 'after the fact',
      startedAt: START,
      finishedAt: FINISH,
      inputs: [{ artifact: a.uri }],
      outputs: [{ artifact: { key: 'made', kind: 'MODEL' } }],
    });
    expect(done.errors).toBeUndefined();
    const { inputs, outputs } = done.data!.recordExecution;
    expect(outputs.edges[0]!.node.at).toBe(FINISH);
    expect(inputs.edges[0]!.node.at).toBe(START); // read when it started
    const extra = await logArtifact(t.url, { workspace: p.workspace, key: 'extra', kind: 'MODEL' });
    expect(
      (await add('addExecutionOutputs', done.data!.recordExecution.id, [{ artifact: extra.uri }])).errors,
    ).toBeUndefined();
  });

  it('refuses to finish a running execution before an output dated ahead of now, or before its start', async () => {
    const { p } = await setUp();
    const start = (startedAt?: string) =>
      gqlOk<{ startExecution: { id: string } }>(
        t.url,
        'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }',
        { i: { run: p.runId, name: 'ahead', ...(startedAt ? { startedAt } : {}) } },
      );
    const finish = (id: string) =>
      gql<{ finishExecution: { state: string } }>(
        t.url,
        'mutation($id: ID!) { finishExecution(id: $id, state: COMPLETED) { state } }',
        { id },
      );
    const future = '2999-01-01T00:00:00.000Z';

    const running = (await start()).startExecution.id;
    const out = await logArtifact(t.url, { workspace: p.workspace, key: 'ahead', kind: 'MODEL' });
    expect((await add('addExecutionOutputs', running, [{ artifact: out.uri, at: future }])).errors).toBeUndefined();
    const early = badInput(await finish(running));
    expect(early).toMatch(
      /^Finishing execution "ahead" \([0-9a-f-]{36}\) now \(\S+\) would end it before its output "store:\/\/artifacts\/\S+\/ahead@[0-9a-f-]{36}", dated 2999-01-01T00:00:00\.000Z: an output is dated at or before its execution finished\. Finish it at or after that time\.$/,
    );
    const state = await gqlOk<{ execution: { state: string } }>(
      t.url,
      'query($id: ID!) { execution(id: $id) { state } }',
      {
        id: running,
      },
    );
    expect(state.execution.state).toBe('RUNNING'); // nothing changed

    const notYetStarted = (await start(future)).startExecution.id;
    expect(badInput(await finish(notYetStarted))).toMatch(
      /would end it before it started \(2999-01-01T00:00:00\.000Z\)/,
    );

    // A finished one still answers PRECONDITION_FAILED, not a time error.
    const fine = (await start()).startExecution.id;
    expect((await finish(fine)).data?.finishExecution.state).toBe('COMPLETED');
    expect((await finish(fine)).errors?.[0]?.extensions?.code).toBe('PRECONDITION_FAILED');
  });

  it('refuses an execution that finished before it started', async () => {
    const { p } = await setUp();
    const message = badInput(await record({ run: p.runId, name: 'x', startedAt: FINISH, finishedAt: START }));
    expect(message).toBe(
      `finishedAt ${START} is before the execution started (startedAt ${FINISH}, which defaults to now); give a startedAt at or before finishedAt.`,
    );
  });
});
