import { Field, ObjectType } from 'type-graphql';
import { Artifact, toArtifact } from './artifact.type';
import { Connection } from './connection';
import { DateTimeScalar } from './scalars';
import { type EventRecord, EventType } from '../../domain/execution';

@ObjectType({ simpleResolvers: true, description: 'An input or output event: an execution read or wrote an artifact.' })
export class Event {
  @Field(() => EventType, { description: 'INPUT (read) or OUTPUT (written).' })
  type!: EventType;

  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  at!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Where the execution saw it, e.g. "data/train.csv" or an argument name.',
  })
  path!: string | null;

  @Field(() => Artifact, { description: 'The artifact version read or written.' })
  artifact!: Artifact;
}

export const EventConnection = Connection(Event, 'Event', 'event');

export function toEvent(e: EventRecord): Event {
  return { ...e, type: e.type as EventType, artifact: toArtifact(e.artifact) };
}
