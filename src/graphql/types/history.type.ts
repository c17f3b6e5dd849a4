import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ChangeField, type ChangeRecord } from '../../domain/change';
import { Connection } from './connection';
import { DateTimeScalar, JSONScalar } from './scalars';

registerEnumType(ChangeField, {
  name: 'ChangeField',
  description: 'What a change after the fact changed.',
  valuesConfig: {
    DESCRIPTION: { description: 'The description (`key` is null).' },
    PARAM: { description: 'A param (`key` names it).' },
    RESULT: { description: 'A result (`key` names it).' },
    LABEL: { description: 'A label (`key` names it).' },
    ANNOTATION: { description: 'An annotation (`key` names it).' },
    PROPERTY: { description: "An artifact version's property (`key` names it)." },
    TAG: {
      description:
        'A tag of an artifact version (`key` is the tag); the values are the uids of the versions it pointed at ' +
        'before and after the move (null: on no version).',
    },
  },
});

@ObjectType({
  simpleResolvers: true,
  description:
    'One change made after the fact to a run, an execution or an artifact version: which entry, its value before ' +
    'and after, when and by whom. Creating the thing is not a change; setting a value it already has records nothing.',
})
export class Change {
  @Field(() => ChangeField, { description: 'What was changed.' })
  field!: ChangeField;

  @Field(() => String, {
    nullable: true,
    description: 'The name of the changed entry (a param, a label, a tag…); null for the description.',
  })
  key!: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'The value before the change; null when it was added.' })
  oldValue!: unknown;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'The value after the change; null when it was removed (or the description cleared).',
  })
  newValue!: unknown;

  @Field(() => DateTimeScalar, { description: 'When the change was made.' })
  at!: string;

  @Field({
    description:
      'Who made it: the caller\'s principal id (`token:<id>`, `user:<subject>`, or "anonymous" while auth is off).',
  })
  by!: string;
}

export const ChangeConnection = Connection(Change, 'Change', 'change');

export function toChange(c: ChangeRecord): Change {
  return { field: c.field, key: c.key, oldValue: c.oldValue, newValue: c.newValue, at: c.at, by: c.by };
}
