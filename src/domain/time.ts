/**
 * A client's ISO-8601 time in the stored format (UTC, milliseconds: `2026-11-23T16:36:00.000Z`),
 * which compares with stored times as text; null when `value` is not such a time. The date must
 * lead (`new Date` alone would also take "March 7" or a bare number).
 */
export function parseIsoTime(value: unknown): string | null {
  const date = typeof value === 'string' && /^\d{4}-\d\d-\d\d/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return null;
  return date.toISOString();
}
