import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { PROJECT_ROOT } from '../paths';

/**
 * Validation of OpenLineage events against the vendored spec (vendor/openlineage/README.md says
 * where it comes from and how to update it). The schemas are read from the checkout at run time
 * (tsc does not copy JSON into dist/) and compiled once per process.
 */
export const SPEC_DIR = path.join(PROJECT_ROOT, 'vendor', 'openlineage', 'spec-2-0-2');

/** One thing wrong with one event of a request: which event, where in it (a JSON Pointer), what. */
export interface EventProblem {
  index: number;
  path: string;
  message: string;
}

export interface OpenLineageValidator {
  /** The spec version validated against, e.g. `2-0-2`. */
  readonly specVersion: string;
  /** What is wrong with `event` (the `index`th of its request); empty when it is a valid event. */
  problems(event: unknown, index: number): EventProblem[];
}

/** Problems reported per event: enough to fix it, not a wall of every consequence. */
const PROBLEMS_PER_EVENT = 10;

let shared: OpenLineageValidator | undefined;

/** The process's validator, compiled on first use (the event schema: ~0.3 s on a busy machine). */
export function openLineageValidator(): OpenLineageValidator {
  return (shared ??= compileValidator(SPEC_DIR));
}

export function compileValidator(specDir: string): OpenLineageValidator {
  // strict off: the spec uses keywords Ajv does not know ("example", "deprecated" in places) and
  // types it leaves implicit; formats on: run ids are uuids, times date-times, producers URIs.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const spec = readJson(path.join(specDir, 'OpenLineage.json')) as { $id: string; $defs: Record<string, unknown> };
  ajv.addSchema(spec);
  const event = ajv.getSchema(spec.$id)!;
  const kinds = {
    RunEvent: ajv.getSchema(`${spec.$id}#/$defs/RunEvent`)!,
    DatasetEvent: ajv.getSchema(`${spec.$id}#/$defs/DatasetEvent`)!,
    JobEvent: ajv.getSchema(`${spec.$id}#/$defs/JobEvent`)!,
  };
  const facets = compileFacets(ajv, path.join(specDir, 'facets'));
  return {
    specVersion: /\/spec\/([^/]+)\/OpenLineage\.json$/.exec(spec.$id)?.[1] ?? spec.$id,
    problems(value, index) {
      const found = event(value) ? [] : eventProblems(value, event, kinds);
      if (found.length === 0) found.push(...facetProblems(value, facets));
      return found.slice(0, PROBLEMS_PER_EVENT).map((p) => ({ index, ...p }));
    },
  };
}

/**
 * Each facet a facet schema file defines, by the `_schemaURL` a producer names it with
 * (`<$id>#/$defs/<Name>`, as openlineage-python and the Java client write it). A file's facets are
 * the definitions its top-level `properties` refer to (the others are parts of them). Each is
 * compiled when an event first carries it (Ajv keeps it): compiling all 38 up front took most of a
 * second of every start.
 */
function compileFacets(ajv: Ajv2020, dir: string): (url: string) => ValidateFunction | undefined {
  const known = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const schema = readJson(path.join(dir, file)) as { $id: string; properties?: Record<string, { $ref?: string }> };
    ajv.addSchema(schema);
    for (const property of Object.values(schema.properties ?? {})) {
      const ref = property.$ref;
      if (ref?.startsWith('#/$defs/')) known.add(`${schema.$id}${ref}`);
    }
  }
  return (url) => (known.has(url) ? ajv.getSchema(url) : undefined);
}

type Kinds = Record<'RunEvent' | 'DatasetEvent' | 'JobEvent', ValidateFunction>;

/**
 * The spec's top level is oneOf(RunEvent, DatasetEvent, JobEvent): Ajv's errors for it name every
 * branch. The event is checked again against the kind it evidently meant (a `run`: a RunEvent; a
 * `dataset`: a DatasetEvent; a `job`: a JobEvent), so the problems are about that kind only.
 */
function eventProblems(value: unknown, whole: ValidateFunction, kinds: Kinds): Omit<EventProblem, 'index'>[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [{ path: '', message: 'must be an OpenLineage event (a JSON object)' }];
  const has = (key: string) => key in value;
  const kind = has('run') ? 'RunEvent' : has('dataset') ? 'DatasetEvent' : has('job') ? 'JobEvent' : null;
  if (kind === null)
    return [
      {
        path: '',
        message:
          'must be a RunEvent (with "run" and "job"), a DatasetEvent (with "dataset") or a JobEvent (with "job")',
      },
    ];
  if (!kinds[kind](value)) return fromAjv(kinds[kind].errors ?? [], kind);
  // Valid as that kind, yet not exactly one kind: a "job" and a "dataset" without a "run".
  return fromAjv(whole.errors ?? [], kind).concat(
    whole.errors?.length ? [] : [{ path: '', message: 'must be exactly one of RunEvent, DatasetEvent, JobEvent' }],
  );
}

/**
 * Ajv's errors as problems. Those of the combinators (allOf/anyOf/oneOf, a failed `if`) only
 * repeat that something beneath them failed, so they are dropped when a precise one remains.
 */
function fromAjv(errors: ErrorObject[], kind: string): Omit<EventProblem, 'index'>[] {
  const precise = errors.filter((e) => !COMBINATORS.has(e.keyword));
  const shown = precise.length > 0 ? precise : errors;
  const seen = new Set<string>();
  const out: Omit<EventProblem, 'index'>[] = [];
  for (const e of shown) {
    const problem = e.keyword === 'required' ? missing(e, kind) : { path: e.instancePath, message: said(e, kind) };
    const key = `${problem.path} ${problem.message}`;
    if (seen.has(key)) continue; // the same failure reached through two branches of a schema
    seen.add(key);
    out.push(problem);
  }
  return out;
}

/** Ajv's message, completed; at the top it names the kind of event ("RunEvent must …"). */
function said(e: ErrorObject, kind: string): string {
  const message = `${e.message ?? 'is invalid'}${detail(e)}`;
  return e.instancePath === '' ? `${kind} ${message}` : message;
}

/** A missing property is pointed at where it should be (`/job`, `/run/runId`), not at its parent. */
function missing(e: ErrorObject, kind: string): Omit<EventProblem, 'index'> {
  const property = (e.params as { missingProperty: string }).missingProperty;
  const where = e.instancePath === '' ? ` (a ${kind} needs it)` : '';
  return { path: `${e.instancePath}/${escapePointer(property)}`, message: `is required${where}` };
}

const COMBINATORS = new Set(['allOf', 'anyOf', 'oneOf', 'if', 'not']);

/** What Ajv's message leaves out: which values are allowed, which property is unknown. */
function detail(e: ErrorObject): string {
  const params = e.params as { allowedValues?: unknown[]; additionalProperty?: string; format?: string };
  if (e.keyword === 'format' && params.format === 'date-time')
    return ' (RFC 3339 with a time zone, e.g. 2026-01-31T12:00:00.000Z)';
  if (e.keyword === 'enum' && params.allowedValues) return `: ${params.allowedValues.join(', ')}`;
  if (e.keyword === 'additionalProperties' && params.additionalProperty) return ` ("${params.additionalProperty}")`;
  return '';
}

/**
 * Facets that name a facet schema the spec defines (their `_schemaURL`) are checked against it;
 * the spec's own event schema only checks a facet's `_producer` and `_schemaURL`. Custom facets,
 * and facets of other versions, pass as the spec allows. A facet marked `_deleted` carries no
 * content to check.
 */
function facetProblems(
  event: unknown,
  facets: (url: string) => ValidateFunction | undefined,
): Omit<EventProblem, 'index'>[] {
  const out: Omit<EventProblem, 'index'>[] = [];
  for (const [pointer, facet] of facetsOf(event)) {
    const validate = typeof facet._schemaURL === 'string' ? facets(facet._schemaURL) : undefined;
    if (!validate || facet._deleted === true || validate(facet)) continue;
    for (const p of fromAjv(validate.errors ?? [], 'facet')) out.push({ ...p, path: `${pointer}${p.path}` });
  }
  return out;
}

type Facet = Record<string, unknown>;

/** Every facet of a (schema-valid) event, with the JSON Pointer of where it is. */
function* facetsOf(event: unknown): Generator<[string, Facet]> {
  const e = event as {
    run?: { facets?: unknown };
    job?: { facets?: unknown };
    dataset?: { facets?: unknown };
    inputs?: Array<{ facets?: unknown; inputFacets?: unknown }>;
    outputs?: Array<{ facets?: unknown; outputFacets?: unknown }>;
  };
  yield* facetMap('/run/facets', e.run?.facets);
  yield* facetMap('/job/facets', e.job?.facets);
  yield* facetMap('/dataset/facets', e.dataset?.facets);
  for (const [i, input] of (e.inputs ?? []).entries()) {
    yield* facetMap(`/inputs/${i}/facets`, input.facets);
    yield* facetMap(`/inputs/${i}/inputFacets`, input.inputFacets);
  }
  for (const [i, output] of (e.outputs ?? []).entries()) {
    yield* facetMap(`/outputs/${i}/facets`, output.facets);
    yield* facetMap(`/outputs/${i}/outputFacets`, output.outputFacets);
  }
}

function* facetMap(pointer: string, facets: unknown): Generator<[string, Facet]> {
  if (typeof facets !== 'object' || facets === null) return;
  for (const [name, facet] of Object.entries(facets)) {
    if (typeof facet === 'object' && facet !== null) yield [`${pointer}/${escapePointer(name)}`, facet as Facet];
  }
}

/** RFC 6901: "~" and "/" in a key are written "~0" and "~1". */
const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
