import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { WebhookRecord } from '../../domain/webhook';
import type { CreatedWebhook as CreatedWebhookRecord } from '../../services/webhook.service';
import { Connection } from './connection';
import { DateTimeScalar } from './scalars';

@ObjectType({
  simpleResolvers: true,
  description:
    "A URL that receives a workspace's changes (its `changes` feed) as signed JSON POSTs, in order, at least once. Its secret is never shown again after creation.",
})
export class Webhook {
  @Field(() => ID, {
    description: "The webhook's id (also the `webhook` field of each delivery); `deleteWebhook` takes it.",
  })
  id!: string;

  @Field({ description: 'The workspace whose changes it receives.' })
  workspace!: string;

  @Field({ description: 'Where the changes are POSTed.' })
  url!: string;

  @Field(() => String, { nullable: true, description: 'What it is for.' })
  description!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: string;

  @Field({ description: 'Who created it (`user:<subject>`, `token:<id>`).' })
  createdBy!: string;

  @Field(() => Int, {
    description:
      'The feed position (`seq`) of the last change the receiver acknowledged; deliveries go on from the change after it.',
  })
  deliveredThrough!: number;

  @Field(() => Int, { description: 'Failed deliveries in a row; 0 when the last one was acknowledged.' })
  failures!: number;

  @Field(() => DateTimeScalar, {
    description: 'When the next delivery may be tried: at once when healthy, later while failures back off.',
  })
  nextAttemptAt!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last delivery failed (an HTTP status, a network error, a timeout); null after a success.',
  })
  lastError!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When a delivery was last acknowledged; null before the first.',
  })
  lastDeliveredAt!: string | null;
}

export const WebhookConnection = Connection(Webhook, 'Webhook', 'webhook');

@ObjectType({
  simpleResolvers: true,
  description: 'A new webhook, with its signing secret: shown this once, never again.',
})
export class CreatedWebhook {
  @Field(() => Webhook, { description: 'The webhook as lists will show it.' })
  webhook!: Webhook;

  @Field({
    description:
      'The secret each delivery is signed with (the `Skein-Signature` header, HMAC-SHA256): keep it now, it is never shown again.',
  })
  secret!: string;
}

export function toWebhook(w: WebhookRecord): Webhook {
  return {
    id: w.uid,
    workspace: w.workspace,
    url: w.url,
    description: w.description,
    createdAt: w.createdAt,
    createdBy: w.createdBy,
    deliveredThrough: w.cursor,
    failures: w.failures,
    nextAttemptAt: w.nextAttemptAt,
    lastError: w.lastError,
    lastDeliveredAt: w.lastDeliveredAt,
  };
}

export function toCreatedWebhook(c: CreatedWebhookRecord): CreatedWebhook {
  return { webhook: toWebhook(c.webhook), secret: c.secret };
}
