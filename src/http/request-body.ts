import type { IncomingMessage } from 'node:http';
import { ErrorCode, SkeinError, badInput } from '../errors';

/** Reads a JSON request body, refusing more than `limit` bytes before buffering them all. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badInput('The request body is not valid JSON.');
  }
}

const tooLarge = (limit: number) =>
  new SkeinError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `The request body is larger than the ${limit}-byte limit (SKEIN_MAX_BODY_BYTES).`,
  );
