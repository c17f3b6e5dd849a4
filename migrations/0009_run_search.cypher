// Run search that follows the answer, not the workspace (issue 16). Append-only: never edit this
// file once applied; add the next one.
//
// Params, results and labels get their (workspace, key) indexes on demand, when a key is first
// searched (src/graph/search-index.ts), so nothing here names a key. What every graph needs:
//
// A run's name in lower case, for `nameContains`, under a text index (trigram-backed CONTAINS).
// Runs written before this migration get it in batches of 10,000, each its own transaction; the
// statement picks up only runs still without it, so a migration cut short resumes where it stopped.
CREATE TEXT INDEX run_name_text IF NOT EXISTS FOR (r:Run) ON (r.searchName);
MATCH (r:Run) WHERE r.searchName IS NULL AND r.name IS NOT NULL
CALL (r) {
  SET r.searchName = toLower(r.name)
} IN TRANSACTIONS OF 10000 ROWS;
