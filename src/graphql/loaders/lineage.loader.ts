import DataLoader from 'dataloader';
import type { LineageRecord, NodeFields, NodeRef } from '../../domain/lineage';
import type { LineageService } from '../../services/lineage.service';

/**
 * Batches `artifact { upstream(depth:) downstream(depth:) }` across a list of artifacts: keys
 * asking the same question (direction, depth, cap) share one query for all their start nodes.
 */
export interface LineageKey {
  ref: NodeRef;
  direction: 'UPSTREAM' | 'DOWNSTREAM';
  depth: number | null;
  maxNodes: number | null;
  fields: NodeFields;
}

const fieldsOf = (f: NodeFields) => `${+f.detail}${+f.spec}${+f.maps}${+f.tags}${+f.paths}`;
const questionOf = (k: LineageKey) => `${k.direction}:${k.depth}:${k.maxNodes}:${fieldsOf(k.fields)}`;
const cacheKey = (k: LineageKey) => `${k.ref.label}:${k.ref.uid}:${questionOf(k)}`;

export function lineageLoader(service: LineageService): DataLoader<LineageKey, LineageRecord | null, string> {
  return new DataLoader<LineageKey, LineageRecord | null, string>(
    async (keys) => {
      const byQuestion = new Map<string, LineageKey[]>();
      for (const k of keys) byQuestion.set(questionOf(k), [...(byQuestion.get(questionOf(k)) ?? []), k]);
      const answers = new Map<string, LineageRecord | null>();
      await Promise.all(
        [...byQuestion.values()].map(async (group) => {
          const { direction, depth, maxNodes, fields } = group[0]!;
          const found = await service.lineageOf(
            group.map((k) => k.ref),
            { direction, depth, maxNodes, fields },
          );
          group.forEach((k, i) => answers.set(cacheKey(k), found[i] ?? null));
        }),
      );
      return keys.map((k) => answers.get(cacheKey(k)) ?? null);
    },
    { cacheKeyFn: cacheKey },
  );
}
