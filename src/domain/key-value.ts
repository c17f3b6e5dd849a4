import { type EntryValue } from './scalar';

export interface KeyValue<V = EntryValue> {
  key: string;
  value: V;
}

/** The maps a node carries (params, results, labels, annotations, properties), each its own key space. */
export type MapKind = 'param' | 'result' | 'label' | 'annotation' | 'property';
