import { badInput } from '../../errors';

/** How long signed URLs live: what a client may ask for, and when they stop working. */

/** Requested lifetime of URLs: 1 s up to the configured one (the default). */
export function expiry(requested: number | null | undefined, max: number, field: string): number {
  if (requested == null) return max;
  if (!Number.isInteger(requested) || requested < 1 || requested > max) {
    throw badInput(`"${field}" must be between 1 and ${max} seconds; got ${requested}.`, { field });
  }
  return requested;
}

/** When URLs signed now for `seconds` stop working. */
export const expiresAtAfter = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();
