// Webhooks (issue 17): a workspace's change feed delivered to URLs. Append-only: never edit this
// file once applied; add the next one.
//
// A webhook is found by its uid (deleteWebhook), listed per workspace in creation order (its uids
// are UUIDv7, so (workspace, uid) is both the filter and the order), and claimed by the dispatcher
// when its next attempt is due: a range seek on nextAttemptAt, so an instance polling every second
// reads only the hooks that are due, however many wait out a backoff.
CREATE CONSTRAINT webhook_uid IF NOT EXISTS FOR (w:Webhook) REQUIRE w.uid IS UNIQUE;
CREATE INDEX webhook_workspace IF NOT EXISTS FOR (w:Webhook) ON (w.workspace, w.uid);
CREATE INDEX webhook_due IF NOT EXISTS FOR (w:Webhook) ON (w.nextAttemptAt);
