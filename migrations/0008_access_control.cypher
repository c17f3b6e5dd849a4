// Access control (issue 15). Append-only: never edit this file once applied; add the next one.
//
// API tokens are found by their public id (the `skn_<id>_…` part), never by their secret, which is
// stored only as a slow hash. Grants give a subject (a user or an SSO group) a role in a workspace,
// one per (workspace, subject). The audit trail is read per workspace, newest first, and exported
// in order: its ids are UUIDv7, so (workspace, id) is both the filter and the order.
CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE;
CREATE INDEX api_token_workspace IF NOT EXISTS FOR (t:ApiToken) ON (t.workspace);
CREATE CONSTRAINT grant_key IF NOT EXISTS FOR (g:Grant) REQUIRE (g.workspace, g.subject) IS UNIQUE;
CREATE INDEX grant_subject IF NOT EXISTS FOR (g:Grant) ON (g.subject);
CREATE CONSTRAINT audit_event_id IF NOT EXISTS FOR (a:AuditEvent) REQUIRE a.id IS UNIQUE;
CREATE INDEX audit_event_workspace IF NOT EXISTS FOR (a:AuditEvent) ON (a.workspace, a.id);
