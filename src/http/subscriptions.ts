import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { isSignedIn, type Principal } from '../auth/principal';
import type { RequestOrigin } from '../auth/authenticator';
import type { Context } from '../graphql/context';
import { formatError } from '../graphql/apollo';
import { SubscriptionRules, type SubscribePayload } from '../graphql/subscription-operation';
import type { LimitsConfig } from '../graphql/limits';
import type { IntrospectionPolicy } from '../graphql/introspection';
import type { HostPolicy } from './host-check';
import type { Drain } from './drain';
import type { Logger } from '../logger';
import { badInput, ErrorCode, SkeinError } from '../errors';
import { asRequestError } from '../graphql/limits/errors';

export interface SubscriptionDeps {
  schema: GraphQLSchema;
  limits: LimitsConfig;
  introspection: IntrospectionPolicy;
  logger: Logger;
  /** The caller a connection's `authorization` names (as HTTP's Authorization header would); a SkeinError refuses. */
  authenticate: (authorization: string | undefined, origin: RequestOrigin) => Promise<Principal>;
  /** A request context for the caller (one per page a subscription reads). */
  contextFor: (caller: Principal, origin: RequestOrigin & { requestId: string }) => Context;
  /** Which Host headers are served (DNS rebinding); every host when absent. */
  hosts?: HostPolicy;
  /** SKEIN_CORS_ORIGINS: the other sites whose pages may open a socket (a page of this origin always may). */
  allowedOrigins: readonly string[];
  drain: Drain;
  /** Operations one connection may hold at once. */
  maxPerConnection?: number;
}

/** What a connection carries between graphql-ws's callbacks. */
interface ConnectionState {
  caller?: Principal;
  origin?: RequestOrigin & { requestId: string };
  running: Set<string>;
}

/** SKEIN's default cap on one connection's subscriptions at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;
const GOING_AWAY = 1001;

/**
 * GraphQL subscriptions over graphql-ws (protocol `graphql-transport-ws`) on the HTTP server's
 * /graphql: the same Host and origin policy as HTTP (a browser's Origin must be this site or listed
 * in SKEIN_CORS_ORIGINS: sockets know no CORS, and an auth-off server must not stream to any page),
 * the same authentication (`connectionParams.authorization: 'Bearer …'`), the same validation and
 * limits (SubscriptionRules), a cap on subscriptions per connection. `close()` closes every socket
 * with 1001 (going away); clients reconnect elsewhere with their last cursor.
 */
export function attachSubscriptions(server: Server, deps: SubscriptionDeps): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true });
  const rules = new SubscriptionRules(deps.schema, deps.limits, deps.introspection);
  const max = deps.maxPerConnection ?? MAX_SUBSCRIPTIONS_PER_CONNECTION;
  const states = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object) => {
    let state = states.get(extra);
    if (!state) states.set(extra, (state = { running: new Set() }));
    return state;
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(req, deps);
    if (refusal) return refuseUpgrade(socket, refusal.status, refusal.message);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const served = useServer<Record<string, unknown> | undefined>(
    {
      schema: deps.schema,
      onConnect: async (ctx) => {
        const origin = { ip: ctx.extra.request.socket.remoteAddress ?? null, requestId: randomUUID() };
        const authorization = ctx.connectionParams?.authorization;
        try {
          const caller = await deps.authenticate(typeof authorization === 'string' ? authorization : undefined, origin);
          // With auth on, a socket without credentials could subscribe to nothing: refused at once.
          if (!isSignedIn(caller)) return false;
          Object.assign(stateOf(ctx.extra), { caller, origin });
          return true;
        } catch (err) {
          if (err instanceof SkeinError) return false; // bad credentials: 4403 Forbidden
          throw err;
        }
      },
      onSubscribe: (ctx, id, payload) => {
        const state = stateOf(ctx.extra);
        if (state.running.size >= max) {
          const refusal = badInput(`At most ${max} subscriptions may run on one connection; complete one first.`);
          return [asRequestError(refusal)];
        }
        const checked = rules.check(payload as SubscribePayload, state.caller!);
        if (Array.isArray(checked)) return checked as readonly GraphQLError[];
        state.running.add(id);
        const make = () => deps.contextFor(state.caller!, { ...state.origin!, requestId: randomUUID() });
        const contextValue: Context = { ...make(), fresh: make };
        return {
          schema: deps.schema,
          document: checked as Exclude<typeof checked, readonly GraphQLError[]>,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onComplete: (ctx, id) => void stateOf(ctx.extra).running.delete(id),
      // Errors are shown as over HTTP: user errors with their code, anything else masked (and logged).
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: shown(result.errors, deps.logger) } : undefined,
      onError: (_ctx, _id, _payload, errors) => shown(errors, deps.logger),
    },
    wss,
  );
  return {
    async close() {
      for (const ws of wss.clients)
        ws.close(GOING_AWAY, 'The server is shutting down; reconnect with your last cursor.');
      await served.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Errors as a client may see them (apollo.ts formatError); internal ones are logged with their cause. */
function shown(errors: readonly GraphQLError[], logger: Logger): GraphQLFormattedError[] {
  return errors.map((e) => {
    const formatted = formatError(e.toJSON(), e);
    if (formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) {
      logger.error({ err: e.originalError ?? e, path: e.path }, 'internal error in a subscription');
    }
    return formatted;
  });
}

/** Why an upgrade is not served (as /graphql would answer an HTTP request), or null. */
function upgradeRefusal(req: IncomingMessage, deps: SubscriptionDeps): { status: number; message: string } | null {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/graphql') return { status: 404, message: 'Subscriptions are served at /graphql.' };
  const wrongHost = deps.hosts?.check(req);
  if (wrongHost) return { status: 421, message: wrongHost };
  if (!originAllowed(req, deps.allowedOrigins)) {
    return {
      status: 403,
      message: "This page's origin may not open a socket here; SKEIN_CORS_ORIGINS lists those that may.",
    };
  }
  if (deps.drain.draining) return { status: 503, message: 'This Skein instance is shutting down; connect again.' };
  return null;
}

/** No Origin (not a browser), this server's own origin, or one SKEIN_CORS_ORIGINS lists. */
function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const normalized = origin.replace(/\/+$/, '').toLowerCase();
  if (allowed.includes(normalized)) return true;
  try {
    return new URL(normalized).host === req.headers.host?.toLowerCase();
  } catch {
    return false;
  }
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ errors: [{ message }] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  503: 'Service Unavailable',
};
