import type { AuditRecord } from '../domain/audit';
import type { SkeinClient } from './graphql';

/** The audit trail over the API, streamed page by page (oldest first) so an export never holds it all. */

/** An audit event as the API answers it: the domain's record, field for field. */
export type AuditEventView = AuditRecord;

const FIELDS = 'id at actor action outcome workspace objectType objectId reason ip requestId';

interface AuditPage {
  edges: Array<{ node: AuditEventView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Every event of `workspace` (every event when null, admins only) after the cursor `after`, one
 * page per request; yields each page's events, then the cursor to resume from.
 */
export async function* auditPages(
  client: SkeinClient,
  options: { workspace: string | null; after?: string | null; pageSize: number },
): AsyncGenerator<{ events: AuditEventView[]; endCursor: string | null }> {
  let after = options.after ?? null;
  for (;;) {
    const { auditEvents }: { auditEvents: AuditPage } = await client.request<{ auditEvents: AuditPage }>(
      `query($w: String, $n: Int, $a: String) {
        auditEvents(workspace: $w, first: $n, after: $a) {
          edges { node { ${FIELDS} } }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { w: options.workspace, n: options.pageSize, a: after },
    );
    const endCursor = auditEvents.pageInfo.endCursor ?? after;
    yield { events: auditEvents.edges.map((e) => e.node), endCursor };
    if (!auditEvents.pageInfo.hasNextPage || !auditEvents.pageInfo.endCursor) return;
    after = auditEvents.pageInfo.endCursor;
  }
}
