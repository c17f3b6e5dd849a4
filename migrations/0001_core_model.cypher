// The core model: uniqueness of every identifier, and the indexes that list queries sort and filter by.
// Community edition: uniqueness constraints only (no node keys, no existence constraints).
// Append-only: never edit this file once applied; add 0002_… instead.

CREATE CONSTRAINT workspace_name IF NOT EXISTS FOR (w:Workspace) REQUIRE w.name IS UNIQUE;
CREATE CONSTRAINT run_uid IF NOT EXISTS FOR (r:Run) REQUIRE r.uid IS UNIQUE;
CREATE CONSTRAINT execution_uid IF NOT EXISTS FOR (e:Execution) REQUIRE e.uid IS UNIQUE;
CREATE CONSTRAINT artifact_uid IF NOT EXISTS FOR (a:Artifact) REQUIRE a.uid IS UNIQUE;
CREATE CONSTRAINT artifact_version IF NOT EXISTS FOR (a:Artifact) REQUIRE (a.workspace, a.key, a.version) IS UNIQUE;
CREATE CONSTRAINT artifact_key IF NOT EXISTS FOR (k:ArtifactKey) REQUIRE (k.workspace, k.key) IS UNIQUE;
CREATE CONSTRAINT idempotency_key IF NOT EXISTS FOR (i:IdempotencyRecord) REQUIRE i.key IS UNIQUE;
CREATE CONSTRAINT metric_chunk_uid IF NOT EXISTS FOR (c:MetricChunk) REQUIRE c.uid IS UNIQUE;

CREATE INDEX run_workspace IF NOT EXISTS FOR (r:Run) ON (r.workspace, r.uid);
CREATE INDEX run_state IF NOT EXISTS FOR (r:Run) ON (r.state);
CREATE INDEX run_started IF NOT EXISTS FOR (r:Run) ON (r.startedAt);
CREATE INDEX execution_run IF NOT EXISTS FOR (e:Execution) ON (e.runUid, e.uid);
CREATE INDEX artifact_workspace_kind IF NOT EXISTS FOR (a:Artifact) ON (a.workspace, a.kind);
CREATE INDEX artifact_created IF NOT EXISTS FOR (a:Artifact) ON (a.createdAt);
CREATE INDEX artifact_digest IF NOT EXISTS FOR (a:Artifact) ON (a.digest);
CREATE INDEX metric_chunk_run IF NOT EXISTS FOR (c:MetricChunk) ON (c.runUid, c.key);
CREATE INDEX input_at IF NOT EXISTS FOR ()-[e:INPUT]-() ON (e.at);
CREATE INDEX output_at IF NOT EXISTS FOR ()-[e:OUTPUT]-() ON (e.at);
