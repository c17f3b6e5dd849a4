// Soft delete and purge (issue 14). Append-only: never edit this file once applied; add the next one.
//
// The purge looks for what was deleted before its cutoff, a batch at a time; these let each batch
// seek the deleted nodes instead of scanning every artifact, execution and run, and let the body
// collector find the bodies it marked for collection (gcAt) after a crash.
CREATE INDEX artifact_deleted IF NOT EXISTS FOR (a:Artifact) ON (a.deletedAt);
CREATE INDEX execution_deleted IF NOT EXISTS FOR (e:Execution) ON (e.deletedAt);
CREATE INDEX run_deleted IF NOT EXISTS FOR (r:Run) ON (r.deletedAt);
CREATE INDEX body_gc IF NOT EXISTS FOR (b:Body) ON (b.gcAt);
