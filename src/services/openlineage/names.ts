import { createHash } from 'node:crypto';
import { isKey, isName } from '../validate';

/**
 * How OpenLineage's names become Skein's. Both rules are deterministic (the same namespace or
 * dataset always maps to the same workspace or key, on every instance) and keep a name that is
 * already valid as it is. A name that had to change gets a short digest of the original, so two
 * namespaces (or datasets) that read alike after the change still map apart. The originals are
 * kept on the nodes (`olNamespace`, `olName`), and datasets are looked up by them first.
 */

const WORKSPACE_MAX = 63;
const KEY_MAX = 255;
/** Namespaces are few: 8 hex digits (32 bits) keep them apart. */
const WORKSPACE_DIGEST = 8;
/** A workspace may hold many thousands of datasets: 12 hex digits (48 bits) keep their keys apart. */
const KEY_DIGEST = 12;

/** The first `chars` hex digits of the SHA-256 of the parts (joined by a newline, which no part holds). */
function digest(chars: number, ...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, chars);
}

/**
 * The workspace of a job namespace: the namespace itself when it is a valid workspace name
 * (`airflow-prod`); otherwise lower-cased, every run of other characters made one "-", cut to
 * fit, and suffixed with "-" and 8 hex digits of its SHA-256 (`Spark://Prod` -> `spark-prod-1a2b3c4d`).
 */
export function workspaceForNamespace(namespace: string): string {
  if (isName(namespace)) return namespace;
  const slug = namespace
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, WORKSPACE_MAX - WORKSPACE_DIGEST - 1)
    .replace(/-+$/, '');
  return `${slug || 'ol'}-${digest(WORKSPACE_DIGEST, namespace)}`;
}

/**
 * The artifact key of a dataset: `<namespace>/<name>` when that is a valid key; otherwise the
 * namespace's scheme separator "://" made "/", every other character outside `A-Za-z0-9_.-/` made
 * "_", ".." made "_.", cut to fit, and suffixed with "-" and 12 hex digits of the SHA-256 of the
 * namespace and name (`postgres://db:5432` + `public.orders` -> `postgres/db_5432/public.orders-1a2b3c4d5e6f`).
 */
export function datasetKey(namespace: string, name: string): string {
  const plain = `${namespace}/${name}`;
  if (isKey(plain)) return plain;
  const readable = `${namespace.replace('://', '/')}/${name}`
    .replace(/[^A-Za-z0-9_.\-/]/g, '_')
    .replace(/\.\./g, '_.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, KEY_MAX - KEY_DIGEST - 1);
  return `${readable || 'dataset'}-${digest(KEY_DIGEST, namespace, name)}`;
}
