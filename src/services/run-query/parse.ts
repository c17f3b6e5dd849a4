import { generate, type Parser } from 'peggy';
import { FILTER_LIMITS } from '../../domain/run';
import { RUN_QUERY_GRAMMAR } from './grammar';
import { closingQuote, QUOTES, refusal, syntaxRefusal } from './refusal';
import type { QueryTree } from './tree';

/**
 * Parsing: the query's text -> the parse tree (tree.ts), with the nesting of parentheses checked
 * before the parser runs. What cannot be read is refused at its column (refusal.ts).
 */

let parser: Parser | null = null;

/** The parser, generated from the grammar once, at first use (a few milliseconds). */
function queryParser(): Parser {
  parser ??= generate(RUN_QUERY_GRAMMAR);
  return parser;
}

export function parseTree(text: string): QueryTree {
  const p = queryParser();
  try {
    return p.parse(text) as QueryTree;
  } catch (err) {
    if (err instanceof p.SyntaxError) throw syntaxRefusal(text, err);
    throw err;
  }
}

/**
 * Refuses an unclosed quote, and parentheses nested deeper than FILTER_LIMITS.depth, before the
 * parser sees the text (it recurses once per level of parentheses). Quotes are skipped by the
 * grammar's rules: inside them, a doubled quote or a backslash escapes the next character.
 */
export function checkNesting(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (QUOTES.has(c)) {
      const end = closingQuote(text, i);
      if (end < 0) throw refusal(text, i, `the quote ${c} here is never closed.`);
      i = end;
    } else if (c === '(') {
      depth += 1;
      if (depth > FILTER_LIMITS.depth) {
        throw refusal(
          text,
          i,
          `parentheses nest deeper than ${FILTER_LIMITS.depth} levels here; take some of them out.`,
        );
      }
    } else if (c === ')') {
      depth = Math.max(0, depth - 1); // an unmatched ")" is the parser's to point at
    }
  }
}
