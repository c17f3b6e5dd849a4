// A model's training dataset as a property of its Artifact node (issue 14). Append-only.
//
// Until now it was named only inside the JSON `spec`, which the purge cannot see cheaply: it purged
// a deleted dataset that a live model was trained on. New models store `trainingDatasetUid` when
// created; this copies it out of the spec of the ones already stored, and indexes it for the purge.
CREATE INDEX artifact_training_dataset IF NOT EXISTS FOR (a:Artifact) ON (a.trainingDatasetUid);
MATCH (a:Artifact)
WHERE a.trainingDatasetUid IS NULL AND a.spec CONTAINS '"trainingDatasetUid":"'
SET a.trainingDatasetUid = split(split(a.spec, '"trainingDatasetUid":"')[1], '"')[0];
