import { Field, InputType, ObjectType } from 'type-graphql';
import { JSONScalar } from './scalars';
import type { EntryValue } from '../../domain/scalar';

const VALUE_OUT =
  'The value: a string, a number, a boolean, or a list or object (keys sorted), e.g. {"layers": [10, 3, 1]}.';
const LIMITS_IN =
  'A list or an object is at most 64 KiB as JSON and 16 levels deep, a string at most 4,096 characters; run ' +
  'filters and orders compare strings, numbers and booleans only.';
const VALUE_IN = `A string, a number, a boolean, or a JSON list or object such as {"layers": [10, 3, 1]}. ${LIMITS_IN}`;

@ObjectType({ simpleResolvers: true, description: 'A named value: a param, a result or a property.' })
export class Entry {
  @Field({ description: 'The name, e.g. "learning_rate".' })
  key!: string;

  @Field(() => JSONScalar, { description: VALUE_OUT })
  value!: EntryValue;
}

@ObjectType({ simpleResolvers: true, description: 'A key=value label used to find things, e.g. team=nlp.' })
export class Label {
  @Field({ description: 'The label name.' })
  key!: string;

  @Field(() => JSONScalar, {
    description: 'The label value: usually a string; a number, a boolean, a list or an object (keys sorted) too.',
  })
  value!: EntryValue;
}

@InputType({ description: 'A named value: a param, a result or a property.' })
export class EntryInput {
  @Field({ description: 'The name, e.g. "learning_rate".' })
  key!: string;

  @Field(() => JSONScalar, { description: VALUE_IN })
  value!: EntryValue;
}

@InputType({ description: 'A key=value label.' })
export class LabelInput {
  @Field({ description: 'The label name.' })
  key!: string;

  @Field(() => JSONScalar, { description: `The label value, usually a string. ${LIMITS_IN}` })
  value!: EntryValue;
}

/** A stored map as the sorted list the API returns. */
export function toEntries<V>(map: Record<string, V>): Array<{ key: string; value: V }> {
  return Object.keys(map)
    .sort()
    .map((key) => ({ key, value: map[key]! }));
}
