import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The Host header check that stops DNS rebinding: a web page on evil.example whose name later
 * resolves to 127.0.0.1 can make a developer's browser send requests to a local Skein, but the
 * browser still sends `Host: evil.example`. So a Skein bound to loopback serves only the loopback
 * names (and SKEIN_ALLOWED_HOSTS). Bound to another interface (production behind a load balancer,
 * where the Host is whatever name clients use) the check is off unless SKEIN_ALLOWED_HOSTS is set.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

export interface HostPolicy {
  /** Answers null when the request's Host may be served, else why not. */
  check(req: IncomingMessage): string | null;
}

export function hostPolicy(options: { bindHost: string; allowedHosts?: string[]; publicUrl?: string }): HostPolicy {
  const bind = normalize(options.bindHost);
  const loopback = isLoopback(bind);
  if (!loopback && !options.allowedHosts?.length) return { check: () => null };
  const allowed = new Set([...LOOPBACK_NAMES, ...(options.allowedHosts ?? []).map(normalize)]);
  if (!isWildcard(bind)) allowed.add(bind);
  if (options.publicUrl) allowed.add(normalize(new URL(options.publicUrl).hostname));
  return {
    check(req) {
      const host = hostnameOf(req.headers.host);
      if (host !== null && allowed.has(host)) return null;
      return (
        `This Skein does not serve the host "${(req.headers.host ?? '').slice(0, 100)}". ` +
        'Use http://localhost or http://127.0.0.1, or add the name to SKEIN_ALLOWED_HOSTS.'
      );
    },
  };
}

/** The Host header without its port, lower-case, IPv6 without brackets; null when malformed. */
function hostnameOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(header.trim());
  return m ? normalize(m[1]!) : null;
}

function normalize(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
