import { v7 } from 'uuid';

/** UUIDv7: unique and time-ordered, so "order by uid" is creation order and a cheap cursor. */
export const newUid = (): string => v7();
