// Changes after the fact: one (:Change {uid, subjectUid, workspace, field, key, oldValue, newValue, at, by})
// per changed entry of a run, an execution or an artifact version (src/graph/history.cypher.ts). A
// subject's history is read newest first by (subjectUid, uid), and a purge deletes a subject's
// changes by subjectUid. Append-only: never edit this file once applied; add the next one.

CREATE INDEX change_subject IF NOT EXISTS FOR (c:Change) ON (c.subjectUid, c.uid);
