import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from './scalars';
import { type MetricPointRecord } from '../../domain/metric';

@ObjectType({ simpleResolvers: true, description: 'One measurement of a metric: its value at a training step.' })
export class MetricPoint {
  @Field(() => Int, { description: 'The step (epoch, batch, iteration) the value was measured at.' })
  step!: number;

  @Field(() => Float, { description: 'The measured value.' })
  value!: number;

  @Field(() => DateTimeScalar, { description: 'When it was measured.' })
  time!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: "One metric's history in a run, e.g. the training loss at every step.",
})
export class MetricSeries {
  @Field({ description: 'The metric name, e.g. "loss".' })
  key!: string;

  @Field(() => [MetricPoint], {
    description: 'The points in step order; points logged at the same step keep the order they were logged in.',
  })
  points!: MetricPoint[];

  @Field(() => Int, { description: 'How many points `points` holds.' })
  count!: number;

  @Field(() => MetricPoint, { nullable: true, description: 'The point at the highest step; null when there is none.' })
  last!: MetricPoint | null;
}

@InputType({ description: 'One measurement to append to a metric history.' })
export class MetricPointInput {
  @Field({ description: 'The metric name, e.g. "loss" or "val/accuracy".' })
  key!: string;

  @Field(() => Float, { description: 'The value: a finite number.' })
  value!: number;

  @Field(() => Int, { description: 'The step (epoch, batch, iteration) it was measured at.' })
  step!: number;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When it was measured; the time of the call when left out.',
  })
  time?: string | null;
}

export function toMetricSeries(key: string, points: MetricPointRecord[]): MetricSeries {
  return { key, points, count: points.length, last: points.at(-1) ?? null };
}
