/**
 * The grammar of run search queries (peggy 5), MLflow's search syntax as Skein reads it:
 *
 *     params.lr = '0.01' and metrics.accuracy > 0.9 and tags.team = 'nlp' order by metrics.accuracy desc
 *
 * It only gives a query its shape: a tree of `and` / `or` / `not` over predicates (a field, an
 * operator, a value or a list of values), and an optional `order by`, each node carrying the offset
 * where it starts so that every later refusal can point at its column. What a field means and which
 * operators it takes is decided afterwards, in TypeScript (build.ts), where the messages can
 * say what to write instead; the grammar refuses only what cannot be read at all.
 *
 * Fields (the scope words and keywords are case-insensitive; keys are not):
 *   - `params.<key>` / `param.<key>`: a run's params.
 *   - `metrics.<key>` / `metric.<key>` / `results.<key>` / `result.<key>`: a run's results. Skein's
 *     results are what MLflow calls a run's (final) metric values; the metric series themselves are
 *     not searched.
 *   - `tags.<key>` / `tag.<key>` / `labels.<key>` / `label.<key>`: a run's labels (text).
 *   - `status` / `state`, `name` / `run_name`, `started` / `start_time`, `parent`, each also as
 *     `attributes.<that>`.
 *   A key with characters beyond letters, digits and `_ . - /` is quoted: params.`my key` (backticks,
 *   as MLflow writes it) or params."my key".
 *
 * Predicates: `field op value` with op one of `= != <> > >= < <=`; `field [NOT] IN (v, …)`;
 * `field IS [NOT] NULL`; `field [NOT] LIKE|ILIKE 'pattern'`.
 * Values: 'single' or "double" quoted text (inside any quotes, a doubled quote or a backslash
 * escapes the next character: 'it''s', 'it\'s'), numbers (`3`, `-1.5e-3`), `true` and `false`.
 * Combined with `not`, `and`, `or` (binding in that order: NOT before AND before OR) and parentheses.
 * At the end, `order by <params.k | metrics.k> [asc|desc]`: ascending unless `desc` is written, as in MLflow.
 *
 * What it means (build.ts turns the tree into the filter tree of RunFilterSpec):
 *   - MLflow keeps params as text, Skein keeps their type: a quoted number compared with =, != or
 *     IN on a param matches both forms (`params.lr = '0.01'` finds lr 0.01 and lr "0.01"); an
 *     unquoted number only the number; ranges compare as written.
 *   - `!=` and `NOT IN` on a param, metric or tag hold for runs that have the key with another
 *     value, as in SQL; `not (params.lr = 1)` also takes the runs without lr.
 *   - Tags are text: =, !=, IN, NOT IN, IS [NOT] NULL; a number or boolean is taken as written.
 *   - `status` takes MLflow's FINISHED (COMPLETED) and KILLED (ABORTED); SCHEDULED is refused.
 *   - `name LIKE '%text%'` (or ILIKE) finds the text anywhere in the name, in any case; it is the
 *     only pattern (an `_` is a plain character).
 *   - Start times are kept to the millisecond: `started > T` is `started >= T + 1 ms`. A time is
 *     ISO text ('2026-03-01', '2026-03-01T12:00:00Z') or milliseconds since 1970 as MLflow's start_time.
 *   - `parent = '<run id or uid>'`: the child runs of that run.
 *
 * Nodes (all with `at`, the 0-based offset of their first character):
 *   { kind: 'or' | 'and', of: Node[] }, { kind: 'not', of: Node },
 *   { kind: 'compare', field, op, value, opAt }, { kind: 'in', field, negated, values, opAt },
 *   { kind: 'null', field, negated, opAt }, { kind: 'like', field, negated, op, value, opAt }
 *   Field: { scope: string | null, name: string, at } (`params.lr`: scope "params", name "lr";
 *   `status`: scope null, name "status").
 *   Value: { type: 'string' | 'number' | 'boolean', value, raw, at } (`raw` is the text as written).
 *
 * Rules with a quoted name ("a value") are what a syntax error says was expected there; the
 * parser's own recursion is bounded before it runs (parse.ts checks the nesting of parentheses).
 */
export const RUN_QUERY_GRAMMAR = String.raw`
{{
  // Left-associative lists: one node when there is one operand.
  function group(kind, head, tail, at) {
    return tail.length === 0 ? head : { kind, of: [head, ...tail], at };
  }
}}

Query
  = _ filter:Expression? _ orderBy:OrderBy? _ { return { filter: filter ?? null, orderBy: orderBy ?? null }; }

Expression
  = Or

Or
  = head:And tail:(_ OrKw _ @And)* { return group('or', head, tail, offset()); }

And
  = head:Not tail:(_ AndKw _ @Not)* { return group('and', head, tail, offset()); }

// NOT binds tighter than AND: "not a and b" is "(not a) and b".
Not
  = NotKw _ of:Not { return { kind: 'not', of, at: offset() }; }
  / Primary

Primary
  = "(" _ @Expression _ ")"
  / Predicate

Predicate
  = field:Field _ test:Test { return { ...test, field, at: field.at }; }

Test
  = op:CompareOp _ value:Value
    { return { kind: 'compare', op, value, opAt: offset() }; }
  / negated:(NotKw _)? InKw _ values:List
    { return { kind: 'in', negated: negated !== null, values, opAt: offset() }; }
  / IsKw _ negated:(NotKw _)? NullKw
    { return { kind: 'null', negated: negated !== null, opAt: offset() }; }
  / negated:(NotKw _)? op:LikeOp _ value:Value
    { return { kind: 'like', negated: negated !== null, op, value, opAt: offset() }; }

CompareOp "an operator"
  = "!=" / "<>" { return '!='; } / ">=" / "<=" / "=" / ">" / "<"

LikeOp
  = LikeKw { return 'LIKE'; }
  / IlikeKw { return 'ILIKE'; }

List
  = "(" _ head:Value tail:(_ "," _ @Value)* _ ")" { return [head, ...tail]; }

OrderBy
  = OrderKw _ ByKw _ field:Field direction:(_ @Direction)? { return { field, direction, at: offset() }; }

Direction
  = AscKw { return 'ASC'; }
  / DescKw { return 'DESC'; }

// ---- Fields ----------------------------------------------------------------------------------

Field "a field"
  = !Keyword scope:Word "." name:Key { return { scope, name, at: offset() }; }
  / !Keyword name:Word { return { scope: null, name, at: offset() }; }

Word
  = $([A-Za-z_] [A-Za-z0-9_]*)

Key
  = $[A-Za-z0-9_.\-/]+
  / Quoted

// ---- Values ----------------------------------------------------------------------------------

Value "a value"
  = value:Quoted { return { type: 'string', value, raw: text(), at: offset() }; }
  / Number
  / TrueKw { return { type: 'boolean', value: true, raw: text(), at: offset() }; }
  / FalseKw { return { type: 'boolean', value: false, raw: text(), at: offset() }; }

Number
  = $("-"? ([0-9]+ ("." [0-9]*)? / "." [0-9]+) ([eE] [+\-]? [0-9]+)?) !WordChar
    { return { type: 'number', value: Number(text()), raw: text(), at: offset() }; }

// Inside any quotes, a doubled quote or a backslash escapes the next character (\x60 is the backtick).
Quoted
  = "'" chars:("''" { return "'"; } / "\\" @. / [^'\\])* "'" { return chars.join(''); }
  / '"' chars:('""' { return '"'; } / "\\" @. / [^"\\])* '"' { return chars.join(''); }
  / "\x60" chars:("\x60\x60" { return "\x60"; } / "\\" @. / [^\x60\\])* "\x60" { return chars.join(''); }

// ---- Keywords (case-insensitive, whole words) ---------------------------------------------

Keyword
  = (AndKw / OrKw / NotKw / InKw / IsKw / NullKw / LikeKw / IlikeKw / OrderKw / TrueKw / FalseKw)

AndKw "AND" = "and"i !WordChar
OrKw "OR" = "or"i !WordChar
NotKw "NOT" = "not"i !WordChar
InKw "IN" = "in"i !WordChar
IsKw "IS" = "is"i !WordChar
NullKw "NULL" = "null"i !WordChar
LikeKw "LIKE" = "like"i !WordChar
IlikeKw "ILIKE" = "ilike"i !WordChar
OrderKw "ORDER BY" = "order"i !WordChar
ByKw "BY" = "by"i !WordChar
AscKw "ASC" = "asc"i !WordChar
DescKw "DESC" = "desc"i !WordChar
TrueKw "true" = "true"i !WordChar
FalseKw "false" = "false"i !WordChar

WordChar
  = [A-Za-z0-9_]

_ "whitespace"
  = [ \t\r\n]*
`;
