import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, MetricValueScalar, StepScalar } from './scalars';
import { type MetricPointRecord } from '../../domain/metric';

const STEP = 'The step (epoch, batch, iteration) the value was measured at: a whole number within ±(2^53 − 1).';

@ObjectType({ simpleResolvers: true, description: 'One measurement of a metric: its value at a training step.' })
export class MetricPoint {
  @Field(() => StepScalar, { description: STEP })
  step!: number;

  @Field(() => MetricValueScalar, { description: 'The measured value (NaN and ±Infinity as strings).' })
  value!: number;

  @Field(() => DateTimeScalar, { description: 'When it was measured.' })
  time!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: "A metric's latest point in a run: the one at the highest step (the newest one on a tie).",
})
export class LatestMetric {
  @Field({ description: 'The metric name, e.g. "loss".' })
  key!: string;

  @Field(() => StepScalar, { description: 'Its highest step.' })
  step!: number;

  @Field(() => MetricValueScalar, { description: 'The value at that step (NaN and ±Infinity as strings).' })
  value!: number;

  @Field(() => DateTimeScalar, { description: 'When that value was measured.' })
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

  @Field(() => MetricValueScalar, {
    description: 'The value: a finite number, or "NaN", "Infinity" or "-Infinity" (as MLflow logs them).',
  })
  value!: number;

  @Field(() => StepScalar, { description: STEP })
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
