// Version names and "latest" (issue 14). Append-only: never edit this file once applied; add the next one.
//
// Version names are unique per (workspace, key). The service enforces it in the creating
// transaction, after the create has taken the key's write lock (so concurrent creators of a key
// serialise and the later one sees the earlier name), and names the version that holds it; this
// index makes that check, and resolving store://…:<version-name>, an index seek instead of a scan
// of the key's versions. (A uniqueness constraint would refuse at write time with a driver error
// that names no version, and would not see the tags the name must not repeat either.)
CREATE INDEX artifact_version_name IF NOT EXISTS FOR (a:Artifact) ON (a.workspace, a.key, a.versionName);

// The key's latest pointer: the newest AVAILABLE version that is not deleted (null: none). New
// versions and completed uploads maintain it; this backfills keys logged before it existed.
MATCH (k:ArtifactKey)
CALL (k) {
  OPTIONAL MATCH (k)<-[:VERSION_OF]-(a:Artifact {state: 'AVAILABLE'})
  WHERE a.deletedAt IS NULL
  RETURN max(a.version) AS latest
}
SET k.latestVersion = latest;
