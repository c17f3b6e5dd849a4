import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Kind,
  parse,
  specifiedRules,
  validate,
  getIntrospectionQuery,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import ts from 'typescript';
import { apolloLimits, LIMIT_DEFAULTS, operationCost } from '../../src/graphql/limits';
import { EXAMPLE_TABS } from '../../src/playground/examples';
import { getSchema } from '../../src/graphql/schema';

/**
 * Every GraphQL document Skein's own clients send (the README, the playground's example tabs,
 * the CLI and its client library, the demo) passes every request limit at its default, priced
 * with the largest sizes the API accepts for each size variable: the limits refuse attacks, never
 * what the documentation tells people to send.
 */

const ROOT = path.resolve(__dirname, '../..');

interface Found {
  source: string;
  text: string;
}

/** ```graphql blocks of the README. */
function readmeDocuments(): Found[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m, i) => ({
    source: `README.md block ${i + 1}`,
    text: m[1]!,
  }));
}

/**
 * String literals of a TypeScript file that parse as GraphQL operations. Templates are folded
 * with the file's own string constants (`${TICKET}`); a literal that does not fold or parse is
 * not a document.
 */
function sourceDocuments(file: string): Found[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const constants = new Map<string, ts.Expression>();
  const visitConsts = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      constants.set(node.name.text, node.initializer);
    }
    ts.forEachChild(node, visitConsts);
  };
  visitConsts(sf);
  const fold = (e: ts.Expression, seen = new Set<string>()): string | undefined => {
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (ts.isTemplateExpression(e)) {
      let out = e.head.text;
      for (const span of e.templateSpans) {
        const part = fold(span.expression, seen);
        if (part === undefined) return undefined;
        out += part + span.literal.text;
      }
      return out;
    }
    if (ts.isIdentifier(e) && !seen.has(e.text) && constants.has(e.text)) {
      return fold(constants.get(e.text)!, new Set([...seen, e.text]));
    }
    return undefined;
  };
  const found: Found[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const folded = fold(node);
      if (folded && /^\s*(query|mutation|\{)/.test(folded) && isOperationDocument(folded)) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        found.push({ source: `${path.relative(ROOT, file)}:${line}`, text: folded });
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function isOperationDocument(text: string): boolean {
  try {
    return parse(text).definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    return false;
  }
}

const tsFiles = (dir: string) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(ROOT, dir, f));

function allDocuments(): Found[] {
  return [
    ...readmeDocuments(),
    ...EXAMPLE_TABS.map((t, i) => ({ source: `playground tab ${i + 1}`, text: t.query })),
    // What the playground's docs explorer asks first (GraphiQL sends this query, options and all).
    {
      source: 'playground introspection',
      text: getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      }),
    },
    ...['src/client', 'src/cli', 'src/demo'].flatMap(tsFiles).flatMap(sourceDocuments),
  ];
}

/** Every Int variable at 10,000: the cost model caps each size at its maximum (first 1,000, maxNodes 10,000). */
function largestSizes(operation: OperationDefinitionNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of operation.variableDefinitions ?? []) {
    const type = v.type.kind === Kind.NON_NULL_TYPE ? v.type.type : v.type;
    if (type.kind === Kind.NAMED_TYPE && type.name.value === 'Int') out[v.variable.name.value] = 10_000;
  }
  return out;
}

function refusals(schema: GraphQLSchema, found: Found): string[] {
  const limits = apolloLimits(LIMIT_DEFAULTS, { introspection: true });
  let document: DocumentNode;
  try {
    document = parse(found.text, limits.parseOptions);
  } catch (err) {
    return [(err as Error).message];
  }
  const errors = validate(schema, document, [...specifiedRules, ...limits.validationRules]).map((e) => e.message);
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const cost = operationCost({ schema, document, operation, variables: largestSizes(operation) });
    if (cost > LIMIT_DEFAULTS.maxCost) errors.push(`${operation.name?.value ?? 'operation'} costs ${cost}`);
  }
  return errors;
}

describe('request limits and the documents Skein itself sends', () => {
  let schema: GraphQLSchema;
  const documents = allDocuments();

  beforeAll(async () => {
    schema = await getSchema();
  });

  it('finds the documents of every source (the extraction itself works)', () => {
    const sources = new Set(documents.map((d) => d.source.split(/[ :]/)[0]));
    expect([...sources].sort()).toEqual(
      expect.arrayContaining([
        'README.md',
        'playground',
        'src/cli/tables.ts',
        'src/client/lineage.ts',
        'src/client/upload.ts',
      ]),
    );
    expect(documents.some((d) => d.source.startsWith('src/demo/'))).toBe(true);
    expect(documents.length).toBeGreaterThan(25);
  });

  it('refuses none of them, priced with the largest page and node counts', () => {
    const refused = documents
      .map((d) => ({ source: d.source, errors: refusals(schema, d) }))
      .filter((r) => r.errors.length > 0);
    expect(refused).toEqual([]);
  });
});
