import { type ManifestEntryRecord } from '../../domain/body';
import { bodyRepository, type BodySummary, type ManifestRow } from '../../graph/body.repository';
import type { GraphExecutor } from '../../graph/executor';

/**
 * What artifacts' bodies are, read in batches for field resolvers (through loaders): the path and
 * single body of each, or each directory's files. Only the graph is read, never the store.
 */

export function bodySummaries(graph: GraphExecutor, uids: readonly string[]): Promise<Array<BodySummary | null>> {
  return graph.read((tx) => bodyRepository.summaries(tx, uids));
}

/** The files of many directory artifacts at once, in path order. */
export async function manifests(graph: GraphExecutor, uids: readonly string[]): Promise<ManifestEntryRecord[][]> {
  const rows = await graph.read((tx) => bodyRepository.manifests(tx, uids));
  return rows.map((list) => list.map(toManifestEntry));
}

function toManifestEntry(row: ManifestRow): ManifestEntryRecord {
  return {
    path: row.path,
    size: row.size,
    sha256: row.sha256,
    contentType: row.contentType,
    digestVerified: row.verifiedSha256 === row.sha256,
  };
}
