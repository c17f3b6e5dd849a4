/**
 * Who may introspect the schema (SKEIN_INTROSPECTION); src/graphql/introspection.ts applies it
 * per request:
 *
 * - `authenticated` (the default): signed-in callers, and the single user while auth is off;
 * - `on`: everyone, anonymous callers too;
 * - `off`: no one.
 */
export type IntrospectionPolicy = 'authenticated' | 'on' | 'off';
