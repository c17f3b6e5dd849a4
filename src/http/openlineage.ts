import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpenLineageEvent } from '../domain/openlineage';
import { isSignedIn } from '../auth/principal';
import { ErrorCode, SkeinError, boundMessage, unauthenticated } from '../errors';
import { requestIdFrom, type Context } from '../graphql/context';
import { OPEN_LINEAGE_ACTION } from '../services/openlineage';
import { readLineageBody } from './openlineage-body';
import { openLineageValidator, type EventProblem } from './openlineage-validate';
import { refusalHeaders, sendJson, statusOf } from './respond';

/**
 * POST /api/v1/lineage (a trailing slash too): OpenLineage events in, at Marquez's path, so a
 * client's existing OPENLINEAGE_URL works unchanged. The body is one event, a JSON array of events,
 * or NDJSON. Every event is validated against the vendored spec first; one invalid event refuses
 * the whole request (400, each problem with its event's index and JSON Pointer) and nothing is
 * applied. Then the events are applied in order, RunEvents a group of up to 100 per
 * transaction, each with its own audit entry (services.openLineage.ingestMany).
 */
export const OPENLINEAGE_PATH = '/api/v1/lineage';

/** Events one request may carry; a longer stream is sent as several requests. */
export const MAX_EVENTS_PER_REQUEST = 1000;

export interface OpenLineageHandlerDeps {
  maxBodyBytes: number;
  /** Authenticates the caller (and counts the request against its rate limit); builds its services. */
  makeContext: (req: IncomingMessage, requestId: string) => Promise<Context>;
}

/** One problem of a refused request; `index` and `path` when it is about one event. */
interface ProblemBody {
  message: string;
  index?: number;
  path?: string;
  extensions: { code: string };
}

export async function handleOpenLineage(
  deps: OpenLineageHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    const message = `${req.method} is not served at /api/v1/lineage; POST OpenLineage events to it.`;
    return sendLineageError(res, 405, ErrorCode.BAD_USER_INPUT, message);
  }
  const requestId = requestIdFrom(req.headers['x-request-id'] as string | undefined);
  res.setHeader('x-request-id', requestId);
  let body: Awaited<ReturnType<typeof readLineageBody>>;
  let context: Context;
  try {
    body = await readLineageBody(req, deps.maxBodyBytes);
    context = await deps.makeContext(req, requestId);
  } catch (err) {
    if (!(err instanceof SkeinError)) throw err;
    return sendRefused(res, err);
  }
  if (!isSignedIn(context.caller)) return refuseAnonymous(context, res);
  if ('problems' in body) return refuseInvalid(context, res, body.problems);
  const { events } = body;
  if (events.length === 0)
    return sendLineageError(res, 400, ErrorCode.BAD_USER_INPUT, 'The array holds no events; send at least one.');
  if (events.length > MAX_EVENTS_PER_REQUEST) {
    const message = `The request holds ${events.length} events; at most ${MAX_EVENTS_PER_REQUEST} are taken at once. Send them in batches of ${MAX_EVENTS_PER_REQUEST} or fewer.`;
    return sendLineageError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, message);
  }
  const validator = openLineageValidator();
  const problems = events.flatMap((event, index) => validator.problems(event, index));
  if (problems.length > 0) return refuseInvalid(context, res, problems);
  return apply(context, res, events as OpenLineageEvent[]);
}

/**
 * Applies the events in order (RunEvents grouped into few transactions: services.openLineage
 * .ingestMany); the first failure stops the rest and says how many were applied.
 */
async function apply(context: Context, res: ServerResponse, events: OpenLineageEvent[]): Promise<void> {
  // Each event is a mutation of its own: the service opens its audit entry, which commits with it.
  const { results, failure } = await context.services.openLineage.ingestMany(events);
  if (failure) return failed(context, res, failure.error, failure.index);
  sendJson(res, 200, { applied: results.length, results });
}

/**
 * An event that could not be applied. The events before it stay applied (each committed on its
 * own); applying an event again changes nothing, so the client may resend the whole request.
 */
function failed(context: Context, res: ServerResponse, err: unknown, index: number): void {
  const applied = index;
  if (!(err instanceof SkeinError)) {
    context.logger.error({ err, index, applied }, 'internal error while applying an OpenLineage event');
    const message = 'Internal server error.';
    const problem = { message, index, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    const requestId = context.requestId;
    return sendJson(res, 500, {
      code: ErrorCode.INTERNAL_SERVER_ERROR,
      message,
      requestId,
      applied,
      errors: [problem],
    });
  }
  const status = statusOf(err.code);
  refusalHeaders(res, err, status);
  const reason = boundMessage(err.message);
  context.logger.info({ code: err.code, index, applied, message: reason }, 'OpenLineage event refused');
  const resend = applied > 0 ? ` The ${applied} event(s) before it were applied; resending them changes nothing.` : '';
  const message = `Event ${index} was not applied: ${reason}${resend}`;
  const problem = { message: reason, index, path: '', extensions: { code: err.code } };
  sendJson(res, status, { code: err.code, message, applied, errors: [problem] });
}

/**
 * Auth on and no credentials: refused before the events are looked at, as GraphQL's outer guard
 * refuses (src/graphql/auth-checker.ts), and recorded in the audit trail.
 */
async function refuseAnonymous(context: Context, res: ServerResponse): Promise<void> {
  const err = unauthenticated(
    'This Skein requires credentials: send "Authorization: Bearer <token>" (an API token from `skein token create`). openlineage-python sends OPENLINEAGE_API_KEY as one.',
  );
  await context.audit.deny(OPEN_LINEAGE_ACTION, { workspace: null }, err.code);
  sendRefused(res, err);
}

/** 400 for invalid events: every problem found (each event's first few), nothing applied. */
function refuseInvalid(context: Context, res: ServerResponse, problems: EventProblem[]): void {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const events = new Set(problems.map((p) => p.index)).size;
  const first = shown[0]!;
  context.logger.info({ events, problems: shown.slice(0, 5) }, 'OpenLineage request refused: invalid events');
  const message =
    `${events} event(s) are not valid OpenLineage ${openLineageValidator().specVersion} events; nothing was applied. ` +
    `First: event ${first.index} at ${first.path || '(the event)'} ${first.message}.`;
  const errors = shown.map((p) => ({ ...p, message: boundMessage(p.message), extensions: { code: BAD } }));
  sendJson(res, 400, { code: BAD, message, errors });
}

const BAD = ErrorCode.BAD_USER_INPUT;
const MAX_PROBLEMS = 100;

/** A request refused before any event is looked at: its body, its credentials, its rate. */
function sendRefused(res: ServerResponse, err: SkeinError): void {
  const status = typeof err.details.status === 'number' ? err.details.status : statusOf(err.code);
  refusalHeaders(res, err, status);
  const advice =
    err.code === ErrorCode.PAYLOAD_TOO_LARGE ? ' Send fewer events per request (several smaller batches).' : '';
  sendLineageError(res, status, err.code, `${boundMessage(err.message)}${advice}`);
}

/**
 * An error answer of this endpoint: `code` and `message` at the top (what OpenLineage clients log),
 * and `errors` in the shape the API's other HTTP errors have.
 */
function sendLineageError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const problem: ProblemBody = { message, extensions: { code } };
  sendJson(res, status, { code, message, errors: [problem] });
}
