// Idempotency keys expire (SKEIN_IDEMPOTENCY_TTL) and are swept by age: the sweep finds old records
// by createdAt. Append-only: never edit this file once applied; add the next one.

CREATE INDEX idempotency_created IF NOT EXISTS FOR (i:IdempotencyRecord) ON (i.createdAt);
