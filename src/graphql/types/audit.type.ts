import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { AuditOutcome, type AuditRecord } from '../../domain/audit';
import { Connection } from './connection';

registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  description: 'Whether an audited request was carried out or refused.',
  valuesConfig: {
    OK: { description: 'It was done (a change, a signed URL handed out, a token created).' },
    DENIED: { description: 'It was refused: no or bad credentials, or a role that does not allow it.' },
  },
});

@ObjectType({
  simpleResolvers: true,
  description: 'One line of the audit trail: who did or was refused what, where and when.',
})
export class AuditEvent {
  @Field({ description: 'Unique and time-ordered; the trail is in this order.' })
  id!: string;

  @Field({ description: 'When it happened (ISO 8601, UTC).' })
  at!: string;

  @Field({ description: 'Who: `token:<prefix>`, `user:<subject>` (SSO), `anonymous`, or `system`.' })
  actor!: string;

  @Field({
    description:
      "What: the mutation's name (`startRun`, `tagArtifact`, `createToken`…), `downloadUrl` for a signed download handed out, `authenticate` for refused credentials, or the query refused.",
  })
  action!: string;

  @Field(() => AuditOutcome, { description: 'Done or refused.' })
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true, description: 'The workspace it was in; null for server-wide actions.' })
  workspace!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'What kind of object it acted on (`Run`, `Artifact`, `Token`…).',
  })
  objectType!: string | null;

  @Field(() => String, { nullable: true, description: 'Which object, as it was named (a uid, a URI, a token prefix).' })
  objectId!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was refused (an error code); null when it was done.' })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: "The client's address as the server saw it." })
  ip!: string | null;

  @Field(() => String, { nullable: true, description: 'The request id (the `x-request-id` header of the answer).' })
  requestId!: string | null;
}

export const AuditEventConnection = Connection(AuditEvent, 'AuditEvent', 'audit event');

export const toAuditEvent = (r: AuditRecord): AuditEvent => r;
