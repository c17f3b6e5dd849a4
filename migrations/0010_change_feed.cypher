// The change feed (issue 17). Append-only: never edit this file once applied; add the next one.
//
// Each OK audit entry a mutation writes gets `seq`, its position in its workspace's feed (1, 2, 3…
// in commit order, gap-free), from the workspace's (:FeedCounter {workspace, seq}), incremented in
// the mutation's own transaction (src/graph/audit.cypher.ts). The counter is a node of its own, not
// the Workspace, so the feed's lock meets no other write; it is never deleted (a workspace purged
// and made again under its name continues its feed, whose old entries are still in the trail).
// Entries written before this migration keep no seq: the feed starts here.
CREATE CONSTRAINT feed_counter_workspace IF NOT EXISTS FOR (c:FeedCounter) REQUIRE c.workspace IS UNIQUE;
// A feed read: one workspace's entries after a seq, in seq order (src/graph/change-feed.cypher.ts).
CREATE INDEX audit_event_feed IF NOT EXISTS FOR (a:AuditEvent) ON (a.workspace, a.seq);
