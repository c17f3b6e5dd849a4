import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { badInput, ErrorCode, SkeinError } from '../errors';
import type { EventProblem } from './openlineage-validate';
import { readRawBody, tooLarge } from './request-body';

/**
 * The events of a POST /api/v1/lineage body: one event (a JSON object), a JSON array of events, or
 * NDJSON (one event a line: Content-Type application/x-ndjson, or any body that is not one JSON
 * text but whose lines each are). A gzip body (openlineage-python's `compression: gzip`) is
 * unpacked first, to at most the same byte limit.
 */
export type LineageBody = { events: unknown[] } | { problems: EventProblem[] };

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
]);

/** Throws PAYLOAD_TOO_LARGE past `limit` bytes (sent or unpacked), BAD_USER_INPUT for no events at all. */
export async function readLineageBody(req: IncomingMessage, limit: number): Promise<LineageBody> {
  const raw = await readRawBody(req, limit);
  const bytes = raw && unpack(raw, req.headers['content-encoding'], limit);
  const text = bytes?.toString('utf8').trim() ?? '';
  if (text === '')
    throw badInput('The request body is empty; send an OpenLineage event, a JSON array of them, or NDJSON.');
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (NDJSON_TYPES.has(mediaType)) return ndjson(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not one JSON text: NDJSON sent as application/json (or a body that is simply broken).
    if (text.includes('\n')) return ndjson(text);
    return { problems: [{ index: 0, path: '', message: 'is not valid JSON' }] };
  }
  return { events: Array.isArray(parsed) ? parsed : [parsed] };
}

/** One event a non-blank line; the index of an event counts events, its line is named in messages. */
function ndjson(text: string): LineageBody {
  const events: unknown[] = [];
  const problems: EventProblem[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      problems.push({ index: events.length + problems.length, path: '', message: `line ${i + 1} is not valid JSON` });
    }
  }
  return problems.length > 0 ? { problems } : { events };
}

function unpack(raw: Buffer, encoding: string | string[] | undefined, limit: number): Buffer {
  const coding = String(encoding ?? 'identity')
    .trim()
    .toLowerCase();
  if (coding === 'identity' || coding === '') return raw;
  if (coding !== 'gzip' && coding !== 'x-gzip')
    throw new SkeinError(
      ErrorCode.BAD_USER_INPUT,
      `Content-Encoding ${JSON.stringify(coding)} is not supported; send the body as it is, or gzip it.`,
      { status: 415 },
    );
  try {
    return gunzipSync(raw, { maxOutputLength: limit });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw badInput('The request body is not valid gzip (Content-Encoding: gzip).');
  }
}
