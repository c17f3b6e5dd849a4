import { Field, ObjectType } from 'type-graphql';
import { GrantRole } from '../../domain/grant';
import type { ApiTokenRecord } from '../../domain/token';
import type { CreatedToken } from '../../services/token.service';
import { Connection } from './connection';
import { DateTimeScalar } from './scalars';

@ObjectType({
  simpleResolvers: true,
  description:
    'An API token, without its secret (shown only when it is created). Send it as "Authorization: Bearer skn_<tokenId>_<secret>".',
})
export class ApiToken {
  @Field({ description: 'The public id: the part after `skn_` that lists show and `revokeToken` names.' })
  tokenId!: string;

  @Field({ description: 'What it is for.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The workspace it acts in; null for an admin token.' })
  workspace!: string | null;

  @Field(() => GrantRole, { description: 'Its role in that workspace (OWNER for admin tokens).' })
  role!: GrantRole;

  @Field({ description: 'True for a server admin token: owner of every workspace.' })
  admin!: boolean;

  @Field({ description: 'Who created it (`user:<subject>`, `token:<id>`, or `system` for the bootstrap token).' })
  owner!: string;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: string;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When it stops working; null for the admin tokens Skein provisions itself, which never expire.',
  })
  expiresAt!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When it was last used (to the minute); null when never.',
  })
  lastUsedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was revoked; null while it works.' })
  revokedAt!: string | null;
}

export const ApiTokenConnection = Connection(ApiToken, 'ApiToken', 'API token');

@ObjectType({
  simpleResolvers: true,
  description: 'A new API token, with its secret text: shown this once, never again.',
})
export class CreatedApiToken {
  @Field({
    description:
      'The whole token, `skn_<tokenId>_<secret>`: keep it now (only a hash of it is stored). Send it as "Authorization: Bearer <token>", or set SKEIN_TOKEN for the CLI.',
  })
  token!: string;

  @Field(() => ApiToken, { description: 'The token as lists will show it.' })
  info!: ApiToken;
}

export function toApiToken(t: ApiTokenRecord): ApiToken {
  return {
    tokenId: t.id,
    name: t.name,
    workspace: t.workspace,
    role: t.role,
    admin: t.admin,
    owner: t.owner,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}

export function toCreatedApiToken(c: CreatedToken): CreatedApiToken {
  return { token: c.text, info: toApiToken(c.token) };
}
