/** Cypher for the migrator's own bookkeeping (not part of the model; created before 0001). */

export const BOOTSTRAP = [
  'CREATE CONSTRAINT skein_migration_version IF NOT EXISTS FOR (m:SkeinMigration) REQUIRE (m.ledger, m.version) IS UNIQUE',
  'CREATE CONSTRAINT skein_lock_name IF NOT EXISTS FOR (l:SkeinLock) REQUIRE l.name IS UNIQUE',
];

/** Takes the lease when it is free or expired; returns the holder either way. */
export const ACQUIRE_LOCK = `
MERGE (l:SkeinLock {name: $name})
WITH l
CALL (l) {
  WITH l WHERE l.holder IS NULL OR l.expiresAt < $now
  SET l.holder = $holder, l.expiresAt = $expiresAt
}
RETURN l.holder AS holder`;

export const RELEASE_LOCK = `
MATCH (l:SkeinLock {name: $name, holder: $holder})
SET l.holder = null, l.expiresAt = null`;

export const APPLIED_MIGRATIONS = `
MATCH (m:SkeinMigration {ledger: $ledger})
RETURN m.version AS version, m.name AS name, m.checksum AS checksum, m.appliedAt AS appliedAt
ORDER BY m.version`;

export const RECORD_MIGRATION = `
CREATE (m:SkeinMigration {ledger: $ledger, version: $version, name: $name, checksum: $checksum, appliedAt: $appliedAt})`;
