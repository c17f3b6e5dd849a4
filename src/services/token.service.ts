import { badInput, notFound, quoted } from '../errors';
import { accessChanged } from './identity-cache';
import { hashSecret, mintToken } from '../auth/token-secret';
import { ROLES, type Role } from '../auth/principal';
import { tokenRepository as repo } from '../graph/token.repository';
import { workspaceRepository } from '../graph/workspace.repository';
import { DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS, type ApiTokenRecord } from '../domain/token';
import { refuseDeleted } from './lifecycle-guard';
import { pageWindow, toPage, type Page, type PageRequest } from './pagination';
import { checkText, nowIso } from './validate';
import type { ServiceDeps } from './deps';

export interface CreateToken {
  /** The workspace the token acts in; null (with `admin`) for an admin token. */
  workspace?: string | null;
  /** Its role there (EDITOR when absent); admin tokens are OWNER everywhere. */
  role?: Role | null;
  /** A server admin token (only admins may create one). */
  admin?: boolean | null;
  /** What it is for: shown in lists. */
  name: string;
  /** Seconds until it expires: DEFAULT_TOKEN_TTL_SECONDS when absent, at most the server's maximum. */
  expiresIn?: number | null;
}

export interface CreatedToken {
  /** The whole `skn_<id>_<secret>` text: shown now, never again (only its hash is kept). */
  text: string;
  token: ApiTokenRecord;
}

const NAME_MAX = 100;

/** API tokens: created by a workspace's owners (or admins), listed without secrets, revoked at once. */
export class TokenService {
  constructor(private readonly deps: ServiceDeps) {}

  private get maxTtl(): number {
    return this.deps.tokenMaxTtlSeconds ?? MAX_TOKEN_TTL_SECONDS;
  }

  async create(input: CreateToken): Promise<CreatedToken> {
    const minted = mintToken();
    // The audit entry names the new token; a refusal names the workspace asked for.
    this.deps.audit.target({ workspace: input.workspace ?? null, objectType: 'Token', objectId: minted.id });
    if (input.admin) {
      if (input.workspace) throw badInput('An admin token acts in every workspace: leave "workspace" out.');
      await this.deps.access.requireAdmin({ workspace: null, objectType: 'Token', objectId: minted.id });
    } else {
      const workspace = input.workspace;
      if (!workspace) {
        throw badInput('Name the workspace the token acts in ("workspace"), or ask for an admin token.', {
          field: 'workspace',
        });
      }
      await this.deps.access.require('own', { workspace, objectType: 'Workspace', objectId: workspace });
    }
    const name = input.name.trim();
    if (!name) throw badInput('Give the token a name that says what it is for, e.g. "ci-upload".', { field: 'name' });
    checkText('name', name, NAME_MAX);
    const role = this.checkRole(input);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.checkTtl(input.expiresIn) * 1000).toISOString();
    const hash = await hashSecret(minted.secret);
    const token = await this.deps.graph.write(async (tx) => {
      if (input.workspace) await this.mustBeLive(tx, input.workspace);
      return repo.create(tx, {
        id: minted.id,
        name,
        hash,
        workspace: input.workspace ?? null,
        role,
        admin: input.admin === true,
        owner: this.deps.caller.id,
        createdAt: now.toISOString(),
        expiresAt,
      });
    });
    return { text: minted.text, token };
  }

  /** Revokes a token: the next request that carries it is refused, on every instance. */
  async revoke(id: string): Promise<ApiTokenRecord> {
    const found = await this.deps.graph.read((tx) => repo.byId(tx, id));
    const target = { workspace: found?.workspace ?? null, objectType: 'Token', objectId: id };
    if (found?.workspace) {
      await this.deps.access.require('own', { ...target, workspace: found.workspace });
    } else if (!found || !this.deps.access.caller.admin) {
      // No such token, or an admin token asked for by someone else: the same answer, so token
      // ids do not leak (anonymous callers are told to sign in first).
      await this.deps.access.requireSignedIn(target);
      if (found) await this.deps.audit.deny(this.deps.audit.actionOr('revokeToken'), target, 'NOT_FOUND');
      throw notFound('Token', id);
    }
    const revoked = await this.deps.graph.write((tx) => repo.revoke(tx, id, nowIso()), { oneStatement: true });
    accessChanged();
    if (!revoked) throw notFound('Token', id);
    return revoked;
  }

  /** A workspace's tokens (its owners and admins), or every token (admins), newest first. */
  async list(
    req: PageRequest & { workspace?: string | null; includeRevoked?: boolean | null },
  ): Promise<Page<ApiTokenRecord>> {
    const workspace = req.workspace ?? null;
    if (workspace) {
      await this.deps.access.require(
        'own',
        { workspace, objectType: 'Workspace', objectId: workspace },
        { action: 'tokens' },
      );
    } else {
      await this.deps.access.requireAdmin({ workspace: null, objectType: 'Token' }, { action: 'tokens' });
    }
    const window = pageWindow(req, tokenCursor);
    const rows = await this.deps.graph.read((tx) =>
      repo.list(tx, {
        workspace,
        includeRevoked: req.includeRevoked ?? false,
        after: window.after,
        limit: window.limit,
      }),
    );
    return toPage(rows, window, (t) => [t.createdAt, t.id]);
  }

  private checkRole(input: CreateToken): Role {
    if (input.admin) return 'OWNER';
    const role = input.role ?? 'EDITOR';
    if (!ROLES.includes(role))
      throw badInput(`Role ${quoted(role)} is not one of ${ROLES.join(', ')}.`, { field: 'role' });
    return role;
  }

  private checkTtl(expiresIn: number | null | undefined): number {
    const ttl = expiresIn ?? Math.min(DEFAULT_TOKEN_TTL_SECONDS, this.maxTtl);
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > this.maxTtl) {
      throw badInput(
        `"expiresIn" must be a whole number of seconds from 60 to ${this.maxTtl} (${Math.floor(this.maxTtl / 86400)} days, SKEIN_TOKEN_MAX_TTL); got ${ttl}.`,
        { field: 'expiresIn' },
      );
    }
    return ttl;
  }

  private async mustBeLive(tx: Parameters<typeof refuseDeleted>[0], workspace: string): Promise<void> {
    const [found] = await workspaceRepository.getMany(tx, [workspace]);
    if (!found) throw notFound('Workspace', workspace);
    await refuseDeleted(tx, { workspace });
  }
}

function tokenCursor(raw: unknown): [string, string] {
  if (Array.isArray(raw) && raw.length === 2 && raw.every((k) => typeof k === 'string')) return raw as [string, string];
  throw badInput('That "after" cursor does not belong to this list.', { field: 'after' });
}
