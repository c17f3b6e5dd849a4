/**
 * What a query selects below a field, so a resolver fetches only what the answer shows: the run
 * search asks `selectsAny`, lineage asks `fieldsWanted`. Both read the selection through
 * `forEachSelectedField`.
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { NodeFields, NodeLabel } from '../domain/lineage';

type DocumentInfo = Pick<GraphQLResolveInfo, 'fragments' | 'schema'>;
type SelectionInfo = DocumentInfo & Pick<GraphQLResolveInfo, 'fieldNodes' | 'returnType'>;

/**
 * Calls `visit` with each field selected in `set` and the type it is selected on (`on`, or the
 * condition of the fragment it sits in), looking through inline and named fragments. A named
 * fragment is looked through once per `seen`: it selects the same fields wherever it is spread.
 * Returns false when a named fragment is not in the document (impossible once validated), so a
 * caller can assume the worst.
 */
function forEachSelectedField(
  info: DocumentInfo,
  set: SelectionSetNode | undefined,
  on: GraphQLNamedType | undefined,
  visit: (field: FieldNode, on: GraphQLNamedType | undefined) => void,
  seen = new Set<string>(),
): boolean {
  let complete = true;
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      visit(selection, on);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      const type = condition ? info.schema.getType(condition) : on;
      complete = forEachSelectedField(info, selection.selectionSet, type, visit, seen) && complete;
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = info.fragments[selection.name.value];
      if (!fragment) {
        complete = false;
        continue;
      }
      const type = info.schema.getType(fragment.typeCondition.name.value);
      complete = forEachSelectedField(info, fragment.selectionSet, type, visit, seen) && complete;
    }
  }
  return complete;
}

// ---------------------------------------------------------------------------------------------
// Does the query select any of these fields?

/**
 * Whether the query selects any of `names` under `path` (e.g. runs { edges { node { params } } }),
 * looking through fragments. When unsure (a fragment it cannot find) it answers yes: reading
 * too much is slow, reading too little would be wrong.
 */
export function selectsAny(info: GraphQLResolveInfo, path: readonly string[], names: ReadonlySet<string>): boolean {
  let level: readonly FieldNode[] = info.fieldNodes;
  for (const step of path) {
    const under = fieldsUnder(info, level);
    if (!under) return true;
    level = under.filter((f) => f.name.value === step);
  }
  const leaves = fieldsUnder(info, level);
  return !leaves || leaves.some((f) => names.has(f.name.value));
}

/** The fields selected directly under these fields, fragments flattened; null when unsure. */
function fieldsUnder(info: DocumentInfo, fields: readonly FieldNode[]): FieldNode[] | null {
  const out: FieldNode[] = [];
  for (const field of fields) {
    if (!forEachSelectedField(info, field.selectionSet, undefined, (f) => out.push(f))) return null;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Which parts of a lineage node to fetch: the heavier ones only when a selected field is made from them

const SPEC_FIELDS = new Set([
  'format',
  'schema',
  'rowCount',
  'preview',
  'stats',
  'labelColumn',
  'framework',
  'algorithm',
  'metrics',
  'parameters',
  'inputFeatures',
  'outputFeatures',
  'trainingDatasetId',
  'trainingDataset',
  'values',
]);
const MAP_FIELDS = new Set(['labels', 'properties', 'params', 'results', 'annotations']);
const TAG_FIELDS = new Set(['tags', 'isLatest', 'latestVersion']);

/** Node fields a lineage row answers without its detail properties (see `NodeFields.detail`). */
const WITHOUT_DETAIL: Record<NodeLabel, ReadonlySet<string>> = {
  Artifact: new Set([
    ...['__typename', 'id', 'uid', 'uri', 'workspace', 'key', 'version', 'kind', 'state', 'digest', 'createdAt'],
    'deletedAt', // lifecycle: a core property
    ...SPEC_FIELDS,
    ...MAP_FIELDS,
    ...TAG_FIELDS,
  ]),
  Execution: new Set([
    ...['__typename', 'id', 'uid', 'workspace', 'name', 'kind', 'state', 'codeVersion', 'startedAt', 'createdAt'],
    'deletedAt', // lifecycle: a core property
    ...MAP_FIELDS,
  ]),
};

/**
 * Which parts of each node the selection below this field needs. Spec, maps and tags go by name,
 * over-inclusive by design (a field of that name anywhere below counts): a field made from any of
 * them must be named in SPEC_FIELDS, MAP_FIELDS or TAG_FIELDS, or lineage answers it from a node
 * fetched without them. The detail properties go by type, the other way round: any field of an
 * artifact or execution not in WITHOUT_DETAIL asks for them, so a new field read from them is
 * right before it is fast.
 */
export function fieldsWanted(info: SelectionInfo): NodeFields {
  const names = new Set<string>();
  const seenFragments = new Set<string>();
  let detail = false;
  let paths = false;
  const visit = (field: FieldNode, parent: GraphQLNamedType | undefined): void => {
    const name = field.name.value;
    names.add(name);
    // Lost track of the type (cannot happen in a validated document): fetch the detail to be safe.
    if (!parent) detail = true;
    const node = nodeKindOf(parent);
    if (node && !WITHOUT_DETAIL[node].has(name)) detail = true;
    if (parent?.name === 'LineageEdge' && name === 'path') paths = true;
    forEachSelectedField(info, field.selectionSet, fieldTypeOf(parent, name), visit, seenFragments);
  };
  const root = getNamedType(info.returnType);
  for (const node of info.fieldNodes) forEachSelectedField(info, node.selectionSet, root, visit, seenFragments);
  const any = (set: Set<string>) => [...set].some((n) => names.has(n));
  return { detail, spec: any(SPEC_FIELDS), maps: any(MAP_FIELDS), tags: any(TAG_FIELDS), paths };
}

/** 'Artifact' for the Artifact interface and its kinds, 'Execution' for executions, else null. */
function nodeKindOf(type: GraphQLNamedType | undefined): NodeLabel | null {
  if (!type) return null;
  if (type.name === 'Execution') return 'Execution';
  if (type.name === 'Artifact') return 'Artifact';
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Artifact') ? 'Artifact' : null;
}

function fieldTypeOf(parent: GraphQLNamedType | undefined, name: string): GraphQLNamedType | undefined {
  if (!isObjectType(parent) && !isInterfaceType(parent)) return undefined;
  const field = parent.getFields()[name];
  return field ? getNamedType(field.type) : undefined;
}
