import { type BodySummaryRecord, type ManifestEntryRecord } from '../../domain/body';
import { bodyRepository, type BodySummaryRow, type ManifestRow } from '../../graph/body.repository';
import type { GraphExecutor } from '../../graph/executor';

/**
 * What artifacts' bodies are, read in batches for field resolvers (through loaders): the path and
 * single body of each, or each directory's files. Only the graph is read, never the store. The
 * caller's read scope filters in the query itself: an artifact they may not read reads as missing.
 */

/** The path and single body of many artifacts at once (null for an artifact that does not exist). */
export async function bodySummaries(
  graph: GraphExecutor,
  uids: readonly string[],
  readScope: readonly string[] | null,
): Promise<Array<BodySummaryRecord | null>> {
  const rows = await graph.read((tx) => bodyRepository.summaries(tx, uids, readScope));
  return rows.map((row) => row && toBodySummary(row));
}

/** The files of many directory artifacts at once, in path order. */
export async function manifests(
  graph: GraphExecutor,
  uids: readonly string[],
  readScope: readonly string[] | null,
): Promise<ManifestEntryRecord[][]> {
  const rows = await graph.read((tx) => bodyRepository.manifests(tx, uids, readScope));
  return rows.map((list) => list.map(toManifestEntry));
}

/**
 * The store verified a body's whole SHA-256 itself when it recorded one and it is the declared one
 * (a multipart body in S3 has none: only its parts were verified).
 */
function storeVerified(verifiedSha256: string | null, declaredSha256: string): boolean {
  return verifiedSha256 !== null && verifiedSha256 === declaredSha256;
}

function toBodySummary({ path, body }: BodySummaryRow): BodySummaryRecord {
  return {
    path,
    digestVerified: body !== null && storeVerified(body.verifiedSha256, body.sha256),
    body: body && { store: body.store, key: body.key, contentType: body.contentType },
  };
}

function toManifestEntry(row: ManifestRow): ManifestEntryRecord {
  return {
    path: row.path,
    size: row.size,
    sha256: row.sha256,
    contentType: row.contentType,
    digestVerified: storeVerified(row.verifiedSha256, row.sha256),
  };
}
