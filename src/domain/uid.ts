import { v7 } from 'uuid';

/** UUIDv7: unique and time-ordered, so "order by uid" is creation order and a cheap cursor. */
export const newUid = (): string => v7();

const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A bare uid as Skein hands them out (what `skein runs --json` prints, what MLRun users hold),
 * as opposed to a global id or a URI. Any case; uids are stored lower-case.
 */
export const isUid = (ref: string): boolean => UID.test(ref);
