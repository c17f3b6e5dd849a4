import { type Scalar } from './scalar';

export interface KeyValue<V = Scalar> {
  key: string;
  value: V;
}
