// OpenLineage ingest (issue 17). Append-only: never edit this file once applied; add the next one.
//
// Every event of an OpenLineage run finds its execution, and the Skein run holding it, in one seek
// by the run's OpenLineage runId (`olRunId`; a run made for a parent-run facet carries the parent's).
// Uniqueness also makes concurrent first events of one run MERGE onto one node.
CREATE CONSTRAINT execution_openlineage_run IF NOT EXISTS FOR (e:Execution) REQUIRE e.olRunId IS UNIQUE;
CREATE CONSTRAINT run_openlineage_run IF NOT EXISTS FOR (r:Run) REQUIRE r.olRunId IS UNIQUE;
// A dataset is found by its OpenLineage namespace and name in its workspace, never by its derived
// key, so two names never meet on one key; keys without them (Skein's own artifacts) are exempt.
CREATE CONSTRAINT artifact_key_openlineage IF NOT EXISTS FOR (k:ArtifactKey) REQUIRE (k.workspace, k.olNamespace, k.olName) IS UNIQUE;
// A DatasetEvent names a dataset without a workspace: it is looked up in all of them.
CREATE INDEX artifact_key_openlineage_name IF NOT EXISTS FOR (k:ArtifactKey) ON (k.olNamespace, k.olName);
// A JobEvent's job, one per (workspace, name).
CREATE CONSTRAINT openlineage_job IF NOT EXISTS FOR (j:OpenLineageJob) REQUIRE (j.workspace, j.name) IS UNIQUE;
