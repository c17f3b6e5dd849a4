import { randomBytes } from 'node:crypto';
import { badInput, notFound, quoted } from '../errors';
import { webhookRepository as repo } from '../graph/webhook.repository';
import { workspaceRepository } from '../graph/workspace.repository';
import { newUid } from '../domain/uid';
import type { WebhookRecord } from '../domain/webhook';
import { refuseDeleted } from './lifecycle-guard';
import { pageWindow, stringKey, toPage, type Page, type PageRequest } from './pagination';
import { checkText, nowIso } from './validate';
import type { ServiceDeps } from './deps';

export interface CreateWebhook {
  workspace: string;
  /** An absolute http(s) URL the changes are POSTed to. */
  url: string;
  description?: string | null;
  /** The signing secret; one is generated when absent. */
  secret?: string | null;
}

export interface CreatedWebhook {
  webhook: WebhookRecord;
  /** The signing secret: answered now, never again. */
  secret: string;
}

const URL_MAX = 2048;
const DESCRIPTION_MAX = 500;
const SECRET_MIN = 16;
const SECRET_MAX = 256;

/**
 * Webhooks: a workspace's owners (and admins) point its change feed at URLs. Each mutation is one
 * write transaction, so it is in the audit trail, and therefore in the feed, with its change.
 */
export class WebhookService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Creates a webhook that receives the workspace's changes from now on: its cursor starts at the
   * feed's latest change, so its first delivery is its own creation.
   */
  async create(input: CreateWebhook): Promise<CreatedWebhook> {
    const { workspace } = input;
    const uid = newUid();
    this.deps.audit.target({ workspace, objectType: 'Webhook', objectId: uid });
    await this.deps.access.require('own', { workspace, objectType: 'Workspace', objectId: workspace });
    const url = checkUrl(input.url);
    const description = input.description?.trim() || null;
    checkText('description', description, DESCRIPTION_MAX);
    const secret = input.secret == null ? randomBytes(32).toString('base64url') : checkSecret(input.secret);
    const now = nowIso();
    const webhook = await this.deps.graph.write(async (tx) => {
      const [found] = await workspaceRepository.getMany(tx, [workspace]);
      if (!found) throw notFound('Workspace', workspace);
      await refuseDeleted(tx, { workspace });
      const cursor = await repo.feedHead(tx, workspace);
      return repo.create(tx, {
        uid,
        workspace,
        workspaceCreatedAt: found.createdAt,
        url,
        secret,
        description,
        createdAt: now,
        createdBy: this.deps.caller.id,
        cursor,
        failures: 0,
        nextAttemptAt: now,
      });
    });
    return { webhook, secret };
  }

  /** Deletes a webhook: nothing more is delivered to it (a delivery under way may still arrive). */
  async delete(uid: string): Promise<WebhookRecord> {
    const found = await this.deps.graph.read((tx) => repo.byUid(tx, uid));
    const target = { objectType: 'Webhook', objectId: uid };
    if (!found) {
      await this.deps.access.requireSignedIn({ workspace: null, ...target });
      throw notFound('Webhook', uid);
    }
    await this.deps.access.require('own', { workspace: found.workspace, ...target });
    const removed = await this.deps.graph.write((tx) => repo.remove(tx, uid), { oneStatement: true });
    if (!removed) throw notFound('Webhook', uid);
    return removed;
  }

  /** A workspace's webhooks in creation order, without their secrets (its owners and admins). */
  async list(workspace: string, req: PageRequest): Promise<Page<WebhookRecord>> {
    await this.deps.access.require(
      'own',
      { workspace, objectType: 'Workspace', objectId: workspace },
      { action: 'webhooks' },
    );
    const window = pageWindow(req, stringKey);
    const rows = await this.deps.graph.read((tx) =>
      repo.list(tx, { workspace, after: window.after, limit: window.limit }),
    );
    return toPage(rows, window, (w) => w.uid);
  }
}

/** An absolute http(s) URL without credentials in it (they would travel in every delivery's URL). */
function checkUrl(raw: string): string {
  const value = raw.trim();
  checkText('url', value, URL_MAX);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(`${quoted(value)} is not an absolute URL; give one such as "https://hooks.example.com/skein".`, {
      field: 'url',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badInput(`A webhook URL must start with http:// or https://, not ${quoted(url.protocol)}.`, { field: 'url' });
  }
  if (url.username || url.password) {
    throw badInput(
      'A webhook URL may not carry a user name or password: receivers check the Skein-Signature header instead.',
      { field: 'url' },
    );
  }
  return url.toString();
}

function checkSecret(secret: string): string {
  if (secret.length < SECRET_MIN || secret.length > SECRET_MAX || /\s/.test(secret)) {
    throw badInput(
      `A webhook secret must be ${SECRET_MIN} to ${SECRET_MAX} characters without spaces; leave it out and Skein makes one.`,
      { field: 'secret' },
    );
  }
  return secret;
}
