/**
 * The demo's data and "training": a synthetic customer-churn table, cleaned, split, and a real
 * (tiny) logistic regression fitted by gradient descent. Everything is seeded, so the same demo
 * produces the same bytes every time (a second run finds its bodies already stored).
 */

/** A small, fast, seeded PRNG (mulberry32): the same seed, the same numbers, on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export const CONTRACTS = ['month-to-month', 'one-year', 'two-year'] as const;

export interface RawCustomer {
  customer_id: string;
  tenure_months: number | null;
  monthly_charges: number | null;
  support_calls: number;
  contract: (typeof CONTRACTS)[number];
  churned: 0 | 1;
}

export const RAW_COLUMNS = ['customer_id', 'tenure_months', 'monthly_charges', 'support_calls', 'contract', 'churned'];

/** `n` customers; about 3% have a missing value (the cleaning step drops them). */
export function generateCustomers(n: number, seed: number): RawCustomer[] {
  const r = rng(seed);
  const out: RawCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const contract = CONTRACTS[r() < 0.55 ? 0 : r() < 0.6 ? 1 : 2]!;
    const tenure = Math.max(1, Math.round(contract === 'month-to-month' ? r() * 30 : 12 + r() * 60));
    const monthly = round(20 + r() * 100, 2);
    const calls = Math.floor(r() * r() * 9);
    const z =
      -0.6 -
      0.06 * tenure +
      0.022 * monthly +
      0.5 * calls -
      (contract === 'one-year' ? 1.1 : 0) -
      (contract === 'two-year' ? 2.2 : 0) +
      (r() - 0.5);
    const missing = r();
    out.push({
      customer_id: `C${String(10_000 + i)}`,
      tenure_months: missing < 0.015 ? null : tenure,
      monthly_charges: missing > 0.985 ? null : monthly,
      support_calls: calls,
      contract,
      churned: r() < sigmoid(z) ? 1 : 0,
    });
  }
  return out;
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\n') + '\n';
}

export function parseCsv(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

// ---------------------------------------------------------------------------------------------
// clean: drop incomplete rows, one-hot the contract, standardize the numbers

export const FEATURES = ['tenure', 'monthly_charges', 'support_calls', 'contract_one_year', 'contract_two_year'];
export const CLEAN_COLUMNS = ['customer_id', ...FEATURES, 'churned'];

export interface NumericColumnStats {
  column: string;
  count: number;
  nullCount: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface CleanResult {
  rows: Array<Record<string, number | string>>;
  dropped: number;
  /** Mean and standard deviation used to standardize each numeric input (kept with the model). */
  scaling: Record<string, { mean: number; std: number }>;
  rawStats: NumericColumnStats[];
}

export function clean(raw: ReadonlyArray<Record<string, string>>): CleanResult {
  const numeric = ['tenure_months', 'monthly_charges', 'support_calls'] as const;
  const rawStats = numeric.map((column) =>
    stats(
      column,
      raw.map((r) => r[column] ?? ''),
    ),
  );
  const complete = raw.filter((r) => numeric.every((c) => r[c] !== ''));
  const scaling: CleanResult['scaling'] = {};
  for (const s of rawStats) scaling[s.column] = { mean: s.mean, std: s.std || 1 };
  const z = (column: (typeof numeric)[number], v: string) =>
    round((Number(v) - scaling[column]!.mean) / scaling[column]!.std);
  const rows = complete.map((r) => ({
    customer_id: r.customer_id!,
    tenure: z('tenure_months', r.tenure_months!),
    monthly_charges: z('monthly_charges', r.monthly_charges!),
    support_calls: z('support_calls', r.support_calls!),
    contract_one_year: r.contract === 'one-year' ? 1 : 0,
    contract_two_year: r.contract === 'two-year' ? 1 : 0,
    churned: Number(r.churned),
  }));
  return { rows, dropped: raw.length - complete.length, scaling, rawStats };
}

function stats(column: string, values: string[]): NumericColumnStats {
  const xs = values.filter((v) => v !== '').map(Number);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return {
    column,
    count: xs.length,
    nullCount: values.length - xs.length,
    mean: round(mean),
    std: round(std),
    min: Math.min(...xs),
    max: Math.max(...xs),
  };
}

/** A seeded shuffle, then the last `testFraction` of rows as the test set. */
export function split<T>(rows: readonly T[], testFraction: number, seed: number): { train: T[]; test: T[] } {
  const r = rng(seed);
  const shuffled = [...rows];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const cut = Math.round(shuffled.length * (1 - testFraction));
  return { train: shuffled.slice(0, cut), test: shuffled.slice(cut) };
}

// ---------------------------------------------------------------------------------------------
// train and evaluate: logistic regression by full-batch gradient descent with L2

export interface Model {
  format: 'skein-demo/logistic-regression@1';
  features: string[];
  weights: number[];
  bias: number;
  hyperparameters: { learning_rate: number; epochs: number; l2: number };
  scaling: Record<string, { mean: number; std: number }>;
}

export interface Fit {
  model: Model;
  /** One point per epoch. */
  history: Array<{ epoch: number; loss: number; valLoss: number; valAccuracy: number }>;
  valAccuracy: number;
  valLoss: number;
  trainLoss: number;
}

const xy = (rows: ReadonlyArray<Record<string, number | string>>) => ({
  x: rows.map((r) => FEATURES.map((f) => Number(r[f]))),
  y: rows.map((r) => Number(r.churned)),
});

const predict = (m: Pick<Model, 'weights' | 'bias'>, x: number[]) =>
  sigmoid(m.bias + x.reduce((s, v, i) => s + v * m.weights[i]!, 0));

function logLoss(m: Pick<Model, 'weights' | 'bias'>, x: number[][], y: number[]): number {
  const eps = 1e-12;
  return (
    -x.reduce((s, xi, i) => {
      const p = Math.min(1 - eps, Math.max(eps, predict(m, xi)));
      return s + (y[i]! * Math.log(p) + (1 - y[i]!) * Math.log(1 - p));
    }, 0) / x.length
  );
}

const accuracy = (m: Pick<Model, 'weights' | 'bias'>, x: number[][], y: number[]) =>
  x.filter((xi, i) => (predict(m, xi) >= 0.5 ? 1 : 0) === y[i]).length / x.length;

/** Fits on the first 80% of `rows`, validating on the rest after every epoch. */
export function train(
  rows: ReadonlyArray<Record<string, number | string>>,
  hp: Model['hyperparameters'],
  scaling: Model['scaling'],
): Fit {
  const cut = Math.round(rows.length * 0.8);
  const fit = xy(rows.slice(0, cut));
  const val = xy(rows.slice(cut));
  const m = { weights: FEATURES.map(() => 0), bias: 0 };
  const history: Fit['history'] = [];
  for (let epoch = 1; epoch <= hp.epochs; epoch++) {
    const grad = FEATURES.map(() => 0);
    let gradBias = 0;
    fit.x.forEach((xi, i) => {
      const err = predict(m, xi) - fit.y[i]!;
      xi.forEach((v, j) => (grad[j]! += err * v));
      gradBias += err;
    });
    m.weights = m.weights.map((w, j) => w - hp.learning_rate * (grad[j]! / fit.x.length + hp.l2 * w));
    m.bias -= hp.learning_rate * (gradBias / fit.x.length);
    history.push({
      epoch,
      loss: round(logLoss(m, fit.x, fit.y)),
      valLoss: round(logLoss(m, val.x, val.y)),
      valAccuracy: round(accuracy(m, val.x, val.y)),
    });
  }
  const last = history[history.length - 1]!;
  return {
    model: {
      format: 'skein-demo/logistic-regression@1',
      features: FEATURES,
      weights: m.weights.map((w) => round(w, 6)),
      bias: round(m.bias, 6),
      hyperparameters: hp,
      scaling,
    },
    history,
    valAccuracy: last.valAccuracy,
    valLoss: last.valLoss,
    trainLoss: last.loss,
  };
}

export interface Evaluation {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  log_loss: number;
  rows: number;
}

export function evaluate(model: Model, rows: ReadonlyArray<Record<string, number | string>>): Evaluation {
  const { x, y } = xy(rows);
  const p = x.map((xi) => predict(model, xi));
  const tp = p.filter((pi, i) => pi >= 0.5 && y[i] === 1).length;
  const fp = p.filter((pi, i) => pi >= 0.5 && y[i] === 0).length;
  const fn = p.filter((pi, i) => pi < 0.5 && y[i] === 1).length;
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  // AUC: the chance a random churner scores above a random stayer.
  const pos = p.filter((_, i) => y[i] === 1);
  const neg = p.filter((_, i) => y[i] === 0);
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return {
    accuracy: round(accuracy(model, x, y)),
    precision: round(precision),
    recall: round(recall),
    f1: round(precision + recall ? (2 * precision * recall) / (precision + recall) : 0),
    auc: round(pos.length && neg.length ? wins / (pos.length * neg.length) : 0),
    log_loss: round(logLoss(model, x, y)),
    rows: rows.length,
  };
}
