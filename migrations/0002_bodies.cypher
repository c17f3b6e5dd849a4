// Bodies: one (:Body {store, key}) per stored object, keyed by its content address in one store
// (see src/graph/body.cypher.ts). Append-only: never edit this file once applied; add the next one.

CREATE CONSTRAINT body_store_key IF NOT EXISTS FOR (b:Body) REQUIRE (b.store, b.key) IS UNIQUE;
// Deduplication by a whole-body SHA-256 the store verified.
CREATE INDEX body_store_sha256 IF NOT EXISTS FOR (b:Body) ON (b.store, b.sha256);
// The sweep of PENDING uploads older than the TTL.
CREATE INDEX artifact_state_created IF NOT EXISTS FOR (a:Artifact) ON (a.state, a.createdAt);
