import type { parser as peggyParser } from 'peggy';
import { badInput, quoted, type SkeinError } from '../../errors';

/**
 * Refusals: BAD_USER_INPUT pointing at a column of the query, with the query's line and a caret
 * under the column; and the tokens around an error that a syntax error names.
 */

export const FIELD_HINT = 'params.<key>, metrics.<key>, tags.<key>, status, name, started or parent';
const OPERATOR_WORDS = new Set(['NOT', 'IN', 'IS', 'LIKE', 'ILIKE']);

/** peggy's "Expected …" list as a short phrase, from what the grammar's rules are named. */
function expectedPhrase(expected: peggyParser.Expectation[] | null): string {
  const names = new Set<string>();
  for (const e of expected ?? []) {
    if (e.type === 'other') names.add(e.description);
    else if (e.type === 'literal') names.add(quoted(e.text));
    else if (e.type === 'end') names.add('the end of the query');
  }
  // At the start of a condition: NOT, "(" and ORDER BY are possible too, but a field is what is missing.
  if (names.has('a field')) return `a field (${FIELD_HINT})`;
  if (names.has('an operator')) {
    for (const word of OPERATOR_WORDS) names.delete(word);
    names.delete('an operator');
    names.add('an operator (=, !=, <, <=, >, >=, IN, NOT IN, IS [NOT] NULL, LIKE)');
  }
  if (names.has('a value')) return "a value ('text', a number, true or false)";
  const list = [...names];
  return list.length <= 1 ? (list[0] ?? 'something else') : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

export function syntaxRefusal(text: string, err: peggyParser.SyntaxError): SkeinError {
  const at = err.location.start.offset;
  const before = lastTokenBefore(text, at);
  const found = tokenAt(text, at);
  const what =
    `expected ${expectedPhrase(err.expected)}` +
    (before ? ` after ${quotedToken(before)}` : '') +
    (found ? `, found ${quotedToken(found)}.` : '.');
  return refusal(text, at, what);
}

/**
 * BAD_USER_INPUT pointing at `offset` of the query: the message says where and what, then shows
 * the query's line with a caret under the column.
 */
export function refusal(text: string, offset: number, what: string): SkeinError {
  const { line, column } = positionOf(text, offset);
  const where = line > 1 ? `line ${line}, column ${column}` : `column ${column}`;
  return badInput(`The query has an error at ${where}: ${what}\n${caretUnder(text, offset)}`, {
    field: 'query',
    column,
    line,
  });
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const upTo = text.slice(0, offset);
  const lineStart = upTo.lastIndexOf('\n') + 1;
  return { line: upTo.split('\n').length, column: offset - lineStart + 1 };
}

/** Columns of the query's line shown around the error (a message stays short whatever the query). */
const SHOWN_BEFORE = 50;
const SHOWN_AFTER = 30;

/** The line holding `offset`, cut to a window around it, and a caret under `offset`. */
function caretUnder(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset);
  const from = Math.max(lineStart, offset - SHOWN_BEFORE);
  const to = Math.min(lineEnd, offset + SHOWN_AFTER);
  const head = from > lineStart ? '…' : '';
  const tail = to < lineEnd ? '…' : '';
  // Tabs and other control characters become spaces so the caret lines up.
  const shown = Array.from(text.slice(from, to), (c) => (c < ' ' ? ' ' : c)).join('');
  return `  ${head}${shown}${tail}\n  ${' '.repeat(head.length + offset - from)}^`;
}

/** A token as a message quotes it: short, in double quotes. */
const quotedToken = (token: string) => quoted(token.length > 30 ? `${token.slice(0, 30)}…` : token);

const WORD_CHAR = /[A-Za-z0-9_.\-/]/;
const OPERATOR_CHAR = /[=<>!]/;

export const QUOTES = new Set(["'", '"', '`']);

/** The index of the quote closing the one at `open`, or -1 when it is never closed. */
export function closingQuote(text: string, open: number): number {
  const q = text[open];
  for (let i = open + 1; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') i += 1;
    else if (c === q) {
      if (text[i + 1] !== q) return i;
      i += 1; // a doubled quote stands for one
    }
  }
  return -1;
}

/** Where the token starting at `i` ends: a quoted text, a word (or dotted field, or number), an operator, or one character. */
function tokenEnd(text: string, i: number): number {
  const c = text[i]!;
  if (QUOTES.has(c)) {
    const close = closingQuote(text, i);
    return close < 0 ? text.length : close + 1;
  }
  const run = WORD_CHAR.test(c) ? WORD_CHAR : OPERATOR_CHAR.test(c) ? OPERATOR_CHAR : null;
  if (!run) return i + 1;
  let j = i + 1;
  while (j < text.length && run.test(text[j]!)) j += 1;
  return j;
}

/** The last token that ends at or before `offset`, if any (what an error comes "after"). */
function lastTokenBefore(text: string, offset: number): string | null {
  let last: string | null = null;
  for (let i = 0; i < offset;) {
    if (/\s/.test(text[i]!)) {
      i += 1;
      continue;
    }
    const end = tokenEnd(text, i);
    if (end > offset) break;
    last = text.slice(i, end);
    i = end;
  }
  return last;
}

/** The token starting at `offset`; null at the end of the query. */
function tokenAt(text: string, offset: number): string | null {
  return offset < text.length ? text.slice(offset, tokenEnd(text, offset)) : null;
}
