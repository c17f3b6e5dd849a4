import DataLoader from 'dataloader';
import {
  ALL_FIELDS,
  type LineageRecord,
  type NodeFields,
  type NodeRef,
  type WalkDirection,
} from '../../domain/lineage';
import type { LineageService } from '../../services/lineage.service';

/**
 * Batches `artifact { upstream(depth:) downstream(depth:) }` across a list of artifacts: keys
 * asking the same question (direction, depth, cap) share one query for all their start nodes.
 */
export interface LineageKey {
  ref: NodeRef;
  direction: WalkDirection;
  depth: number | null;
  maxNodes: number | null;
  fields: NodeFields;
}

/** Every NodeFields flag (ALL_FIELDS has them all), so no two selections share a cache entry. */
const FIELD_FLAGS = Object.keys(ALL_FIELDS) as Array<keyof NodeFields>;
const fieldsOf = (f: NodeFields) => FIELD_FLAGS.map((flag) => +f[flag]).join('');
const questionOf = (k: LineageKey) => `${k.direction}:${k.depth}:${k.maxNodes}:${fieldsOf(k.fields)}`;
const cacheKey = (k: LineageKey) => `${k.ref.label}:${k.ref.uid}:${questionOf(k)}`;

export function lineageLoader(service: LineageService): DataLoader<LineageKey, LineageRecord | null, string> {
  return new DataLoader<LineageKey, LineageRecord | null, string>(
    async (keys) => {
      const byQuestion = new Map<string, LineageKey[]>();
      for (const k of keys) {
        const question = questionOf(k);
        const group = byQuestion.get(question);
        if (group) group.push(k);
        else byQuestion.set(question, [k]);
      }
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
