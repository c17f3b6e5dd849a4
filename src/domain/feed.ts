/**
 * One change in a workspace's feed: an OK audit entry of a mutation, numbered `seq` 1, 2, 3… in
 * commit order (gap-free per workspace). (Contract of issue 17; helper feed owns this file.)
 */
export interface FeedChange {
  seq: number;
  workspace: string;
  at: string;
  actor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
}
