import { Field, InputType, ObjectType } from 'type-graphql';
import { ScalarValue } from './scalars';
import type { Scalar } from '../../domain/scalar';

@ObjectType({ simpleResolvers: true, description: 'A named value: a param, a result or a property.' })
export class Entry {
  @Field({ description: 'The name, e.g. "learning_rate".' })
  key!: string;

  @Field(() => ScalarValue, { description: 'The value: a string, a number or a boolean.' })
  value!: Scalar;
}

@ObjectType({ simpleResolvers: true, description: 'A key=value label used to find things, e.g. team=nlp.' })
export class Label {
  @Field({ description: 'The label name.' })
  key!: string;

  @Field({ description: 'The label value.' })
  value!: string;
}

@InputType({ description: 'A named value: a param, a result or a property.' })
export class EntryInput {
  @Field({ description: 'The name, e.g. "learning_rate".' })
  key!: string;

  @Field(() => ScalarValue, { description: 'A string, a number or a boolean.' })
  value!: Scalar;
}

@InputType({ description: 'A key=value label.' })
export class LabelInput {
  @Field({ description: 'The label name.' })
  key!: string;

  @Field({ description: 'The label value.' })
  value!: string;
}

/** A stored map as the sorted list the API returns. */
export function toEntries<V>(map: Record<string, V>): Array<{ key: string; value: V }> {
  return Object.keys(map)
    .sort()
    .map((key) => ({ key, value: map[key]! }));
}
