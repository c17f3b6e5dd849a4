import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiError } from '../client/errors';
import type { SkeinClient } from '../client/graphql';
import { noProgress, type Progress } from '../client/progress';
import { uploadArtifact, type UploadOutcome, type UploadRequest } from '../client/upload';
import {
  clean,
  CLEAN_COLUMNS,
  evaluate,
  generateCustomers,
  parseCsv,
  RAW_COLUMNS,
  split,
  toCsv,
  train,
  type Fit,
  type Model,
} from './data';

/**
 * `skein demo`: a small but realistic churn-model pipeline, recorded through the public API the
 * way pipeline code would record it, with real bodies uploaded by the CLI's own upload engine:
 *
 *   ingest   -> customers-raw     DIRECTORY (4 CSV shards)
 *   clean    -> customers-clean   DATASET (CSV)
 *   split    -> churn-train, churn-test   DATASET (CSV)
 *   train x3 -> churn-model       MODEL (JSON), one child run per learning rate, metric history,
 *                                 the best iteration marked on the parent run
 *   evaluate -> churn-eval        METRICS (JSON), on the test set
 *   register -> churn-model-card  FILE (Markdown); the best model tagged "production"
 *
 * Run it again and it records a new pipeline run (new versions; the bodies are the same bytes, so
 * nothing is uploaded twice) and moves the production tag.
 */

export interface DemoOptions {
  workspace: string;
  /** Progress lines for the person watching ("ingest: uploaded customers-raw:v1"). */
  log?: (line: string) => void;
  progress?: Progress;
}

export interface DemoOutcome {
  workspace: string;
  run: { id: string; uid: string; name: string };
  /** What each step recorded, for the summary. */
  steps: Array<{ step: string; outputs: string[]; note?: string }>;
  modelUri: string;
  modelLabel: string;
  uploads: { bodies: number; sent: number; alreadyStored: number; bytesSent: number };
}

const SEED = 42;
const CUSTOMERS = 480;
const SHARDS = 4;
const TEST_FRACTION = 0.2;
const CODE_VERSION = 'skein-demo@1';
const LEARNING_RATES = [1.0, 0.3, 0.03];
const EPOCHS = 60;
const L2 = 0.001;

type Entry = { key: string; value: number | string | boolean };
const entries = (o: Record<string, number | string | boolean>): Entry[] =>
  Object.entries(o).map(([key, value]) => ({ key, value }));

export async function recordDemo(client: SkeinClient, options: DemoOptions): Promise<DemoOutcome> {
  const log = options.log ?? (() => undefined);
  const progress = options.progress ?? noProgress;
  const { workspace } = options;
  const work = await mkdtemp(path.join(tmpdir(), 'skein-demo-'));
  const uploads = { bodies: 0, sent: 0, alreadyStored: 0, bytesSent: 0 };
  const steps: DemoOutcome['steps'] = [];

  const gql = <T>(query: string, variables: Record<string, unknown> = {}) => client.request<T>(query, variables);
  const write = async (rel: string, text: string) => {
    const file = path.join(work, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    return file;
  };
  const upload = async (req: Omit<UploadRequest, 'workspace'>): Promise<UploadOutcome> => {
    const out = await uploadArtifact(client, { ...req, workspace }, { progress });
    uploads.bodies += out.bodies;
    uploads.sent += out.sent;
    uploads.alreadyStored += out.alreadyStored;
    uploads.bytesSent += out.bytesSent;
    const a = out.artifact;
    log(
      `  ${a.key}:v${a.version} (${a.kind}) ${out.sent ? `uploaded ${out.sent} of ${out.bodies} bodies` : 'already stored'}`,
    );
    return out;
  };
  const label = (o: UploadOutcome) => `${o.artifact.key}:v${o.artifact.version}`;

  /** An execution as pipeline code records one: start, inputs, the work (which uploads outputs), outputs, finish. */
  const step = async <T extends { outputs: UploadOutcome[]; results?: Entry[] }>(
    run: string,
    name: string,
    kind: string,
    inputs: UploadOutcome[],
    params: Entry[],
    body: () => Promise<T>,
  ): Promise<T> => {
    log(`${name}`);
    const { startExecution } = await gql<{ startExecution: { id: string } }>(
      'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }',
      { i: { run, name, kind, codeVersion: CODE_VERSION, params } },
    );
    const id = startExecution.id;
    try {
      if (inputs.length) {
        await gql('mutation($id: ID!, $e: [EventInput!]!) { addExecutionInputs(id: $id, inputs: $e) { id } }', {
          id,
          e: inputs.map((o) => ({ artifact: o.artifact.uri, path: o.artifact.key })),
        });
      }
      const result = await body();
      await gql('mutation($id: ID!, $e: [EventInput!]!) { addExecutionOutputs(id: $id, outputs: $e) { id } }', {
        id,
        e: result.outputs.map((o) => ({ artifact: o.artifact.uri, path: o.artifact.key })),
      });
      await gql(
        'mutation($id: ID!, $r: [EntryInput!]) { finishExecution(id: $id, state: COMPLETED, results: $r) { id } }',
        { id, r: result.results ?? [] },
      );
      return result;
    } catch (err) {
      await gql('mutation($id: ID!) { finishExecution(id: $id, state: FAILED) { id } }', { id }).catch(() => undefined);
      throw err;
    }
  };

  const startRun = async (input: Record<string, unknown>) =>
    (
      await gql<{ startRun: { id: string; uid: string; name: string } }>(
        'mutation($i: StartRunInput!) { startRun(input: $i) { id uid name } }',
        { i: { workspace, ...input } },
      )
    ).startRun;
  const finishRun = (id: string, state: string, results: Entry[] = [], error?: string) =>
    gql(
      'mutation($id: ID!, $s: FinishedRunState!, $r: [EntryInput!], $e: String) { finishRun(id: $id, state: $s, results: $r, error: $e) { id } }',
      { id, s: state, r: results, e: error ?? null },
    );

  await ensureWorkspace(client, workspace);
  const parent = await startRun({
    name: 'churn-pipeline',
    params: entries({ seed: SEED, customers: CUSTOMERS, test_fraction: TEST_FRACTION }),
    labels: [
      { key: 'pipeline', value: 'churn' },
      { key: 'source', value: 'skein demo' },
    ],
  });
  log(`Recording the demo pipeline in workspace "${workspace}" (run churn-pipeline ${parent.uid})`);
  const running = new Set([parent.id]);

  try {
    // ingest: a raw export in shards, as a DIRECTORY artifact.
    const raw = generateCustomers(CUSTOMERS, SEED);
    const ingest = await step(
      parent.id,
      'ingest',
      'INGEST',
      [],
      entries({ source: 'crm-export', shards: SHARDS }),
      async () => {
        const per = Math.ceil(raw.length / SHARDS);
        for (let s = 0; s < SHARDS; s++) {
          const rows = raw.slice(s * per, (s + 1) * per) as unknown as Array<Record<string, unknown>>;
          await write(`raw/part-${String(s).padStart(4, '0')}.csv`, toCsv(RAW_COLUMNS, rows));
        }
        const out = await upload({
          source: path.join(work, 'raw'),
          key: 'customers-raw',
          run: parent.id,
          artifact: { description: 'Customer export from the CRM, one CSV shard per region.' },
        });
        return { outputs: [out], results: entries({ rows: raw.length }) };
      },
    );
    const rawOut = ingest.outputs[0]!;
    steps.push({ step: 'ingest', outputs: [`${label(rawOut)} (DIRECTORY, ${SHARDS} files)`] });

    // clean: read the shards back, drop incomplete rows, standardize.
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, s) =>
        readFile(path.join(work, 'raw', `part-${String(s).padStart(4, '0')}.csv`), 'utf8'),
      ),
    );
    const cleaned = clean(shards.flatMap(parseCsv));
    const cleanStep = await step(
      parent.id,
      'clean',
      'TRANSFORM',
      [rawOut],
      entries({ drop: 'incomplete-rows', scale: 'standard' }),
      async () => {
        const out = await upload({
          source: await write('customers-clean.csv', toCsv(CLEAN_COLUMNS, cleaned.rows)),
          key: 'customers-clean',
          kind: 'DATASET',
          run: parent.id,
          artifact: {
            description: 'Complete rows only; numbers standardized, contract one-hot encoded.',
            dataset: {
              format: 'csv',
              rowCount: cleaned.rows.length,
              labelColumn: 'churned',
              schema: CLEAN_COLUMNS.map((name) => ({ name, type: name === 'customer_id' ? 'string' : 'float64' })),
              stats: cleaned.rawStats.map(({ column, count, nullCount, mean, std, min, max }) => ({
                column,
                count,
                nullCount,
                mean,
                std,
                min,
                max,
              })),
              preview: cleaned.rows.slice(0, 5),
            },
          },
        });
        return { outputs: [out], results: entries({ rows: cleaned.rows.length, dropped: cleaned.dropped }) };
      },
    );
    const cleanOut = cleanStep.outputs[0]!;
    steps.push({
      step: 'clean',
      outputs: [`${label(cleanOut)} (DATASET, ${cleaned.rows.length} rows)`],
      note: `${cleaned.dropped} incomplete rows dropped`,
    });

    // split: train and test sets.
    const { train: trainRows, test: testRows } = split(cleaned.rows, TEST_FRACTION, SEED);
    const dataset = (rows: unknown[]) => ({
      format: 'csv',
      rowCount: rows.length,
      labelColumn: 'churned',
      schema: CLEAN_COLUMNS.map((name) => ({ name, type: name === 'customer_id' ? 'string' : 'float64' })),
    });
    const splitStep = await step(
      parent.id,
      'split',
      'SPLIT',
      [cleanOut],
      entries({ test_fraction: TEST_FRACTION, seed: SEED }),
      async () => {
        const trainOut = await upload({
          source: await write('split/train.csv', toCsv(CLEAN_COLUMNS, trainRows)),
          key: 'churn-train',
          kind: 'DATASET',
          run: parent.id,
          artifact: { dataset: dataset(trainRows) },
        });
        const testOut = await upload({
          source: await write('split/test.csv', toCsv(CLEAN_COLUMNS, testRows)),
          key: 'churn-test',
          kind: 'DATASET',
          run: parent.id,
          artifact: { dataset: dataset(testRows) },
        });
        return {
          outputs: [trainOut, testOut],
          results: entries({ train_rows: trainRows.length, test_rows: testRows.length }),
        };
      },
    );
    const [trainOut, testOut] = splitStep.outputs as [UploadOutcome, UploadOutcome];
    steps.push({
      step: 'split',
      outputs: [`${label(trainOut)} (${trainRows.length} rows)`, `${label(testOut)} (${testRows.length} rows)`],
    });

    // train x3: one child run (iteration) per learning rate, with its loss curve; the best is marked.
    const tries: Array<{ run: { id: string; uid: string }; fit: Fit; model: UploadOutcome }> = [];
    for (const lr of LEARNING_RATES) {
      const hp: Model['hyperparameters'] = { learning_rate: lr, epochs: EPOCHS, l2: L2 };
      const child = await startRun({ name: 'train-logreg', parent: parent.id, params: entries(hp) });
      running.add(child.id);
      const fit = train(trainRows, hp, cleaned.scaling);
      const trained = await step(child.id, 'train', 'TRAINER', [trainOut], entries(hp), async () => {
        const points = fit.history.flatMap((h) => [
          { key: 'loss', step: h.epoch, value: h.loss },
          { key: 'val_loss', step: h.epoch, value: h.valLoss },
          { key: 'val_accuracy', step: h.epoch, value: h.valAccuracy },
        ]);
        await gql('mutation($r: ID!, $p: [MetricPointInput!]!) { logMetrics(run: $r, points: $p) { id } }', {
          r: child.id,
          p: points,
        });
        const out = await upload({
          source: await write(`models/lr-${lr}/model.json`, `${JSON.stringify(fit.model, null, 2)}\n`),
          key: 'churn-model',
          kind: 'MODEL',
          run: child.id,
          artifact: {
            description: `Logistic regression, learning rate ${lr}.`,
            trainingDataset: trainOut.artifact.uri,
            model: {
              framework: 'skein-demo',
              algorithm: 'logistic-regression',
              parameters: entries(hp),
              metrics: entries({ val_accuracy: fit.valAccuracy, val_loss: fit.valLoss }),
              inputFeatures: fit.model.features.map((name) => ({ name, type: 'float64' })),
              outputFeatures: [{ name: 'churn_probability', type: 'float64' }],
            },
          },
        });
        return {
          outputs: [out],
          results: entries({ val_accuracy: fit.valAccuracy, val_loss: fit.valLoss, train_loss: fit.trainLoss }),
        };
      });
      await finishRun(
        child.id,
        'COMPLETED',
        entries({ val_accuracy: fit.valAccuracy, val_loss: fit.valLoss, train_loss: fit.trainLoss }),
      );
      running.delete(child.id);
      tries.push({ run: child, fit, model: trained.outputs[0]! });
    }
    const best = tries.reduce((a, b) => (b.fit.valLoss < a.fit.valLoss ? b : a));
    await gql('mutation($p: ID!, $c: ID!) { markBestChild(parent: $p, child: $c) { id } }', {
      p: parent.id,
      c: best.run.id,
    });
    steps.push({
      step: 'train x3',
      outputs: tries.map(
        (t) =>
          `${label(t.model)} (lr=${t.fit.model.hyperparameters.learning_rate}, val_loss ${t.fit.valLoss}, val_accuracy ${t.fit.valAccuracy})${t === best ? ' best' : ''}`,
      ),
    });

    // evaluate: the best model on the held-out test set.
    const evaluation = evaluate(best.fit.model, testRows);
    const evalStep = await step(
      parent.id,
      'evaluate',
      'EVALUATOR',
      [best.model, testOut],
      entries({ threshold: 0.5 }),
      async () => {
        const { rows, ...values } = evaluation;
        const out = await upload({
          source: await write('eval/metrics.json', `${JSON.stringify({ ...values, rows }, null, 2)}\n`),
          key: 'churn-eval',
          kind: 'METRICS',
          run: parent.id,
          artifact: { metrics: { values: entries(values) } },
        });
        return { outputs: [out], results: entries({ accuracy: evaluation.accuracy, auc: evaluation.auc }) };
      },
    );
    const evalOut = evalStep.outputs[0]!;
    steps.push({
      step: 'evaluate',
      outputs: [`${label(evalOut)} (accuracy ${evaluation.accuracy}, AUC ${evaluation.auc}, F1 ${evaluation.f1})`],
    });

    // register: a model card, and the production tag on the best model.
    const registerStep = await step(
      parent.id,
      'register',
      'PUSHER',
      [best.model, evalOut],
      entries({ tag: 'production' }),
      async () => {
        await gql('mutation($r: String!) { tagArtifact(ref: $r, tag: "production") { id } }', {
          r: best.model.artifact.uri,
        });
        const out = await upload({
          source: await write('MODEL_CARD.md', modelCard(best.fit, evaluation)),
          key: 'churn-model-card',
          kind: 'FILE',
          run: parent.id,
          contentType: 'text/markdown',
        });
        return { outputs: [out], results: entries({ registered: label(best.model) }) };
      },
    );
    steps.push({
      step: 'register',
      outputs: [`${label(best.model)} tagged production`, label(registerStep.outputs[0]!)],
    });

    await finishRun(parent.id, 'COMPLETED', entries({ test_accuracy: evaluation.accuracy, test_auc: evaluation.auc }));
    running.delete(parent.id);
    return {
      workspace,
      run: parent,
      steps,
      modelUri: best.model.artifact.uri,
      modelLabel: label(best.model),
      uploads,
    };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    for (const id of running) await finishRun(id, 'FAILED', [], why.slice(0, 1000)).catch(() => undefined);
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The workspace, created on the first run (a second run, or another one racing, finds it there). */
async function ensureWorkspace(client: SkeinClient, name: string): Promise<void> {
  try {
    await client.request('query($n: String!) { workspace(name: $n) { name } }', { n: name });
    return;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'NOT_FOUND')) throw err;
  }
  try {
    await client.request('mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
      i: { name, description: 'The Skein demo: a churn model, from raw export to production (`skein demo`).' },
    });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'CONFLICT')) throw err;
  }
}

function modelCard(fit: Fit, e: ReturnType<typeof evaluate>): string {
  const hp = fit.model.hyperparameters;
  return `# Churn model

Logistic regression predicting whether a customer leaves, from tenure, monthly charges, support
calls and contract type (recorded by \`skein demo\`).

| Hyperparameter | Value |
| -------------- | ----- |
| learning_rate  | ${hp.learning_rate} |
| epochs         | ${hp.epochs} |
| l2             | ${hp.l2} |

| Test metric | Value |
| ----------- | ----- |
| accuracy    | ${e.accuracy} |
| precision   | ${e.precision} |
| recall      | ${e.recall} |
| F1          | ${e.f1} |
| AUC         | ${e.auc} |
| log loss    | ${e.log_loss} |

Evaluated on ${e.rows} held-out customers. Weights: ${fit.model.features
    .map((f, i) => `${f} ${fit.model.weights[i]}`)
    .join(', ')}; bias ${fit.model.bias}.
`;
}
