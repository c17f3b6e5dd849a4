import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GrantRole } from '../../domain/grant';
import type { Principal } from '../../auth/principal';

/** The principal kinds as GraphQL names them (values equal names, see CONTRIBUTING "Enums"). */
export const CallerKind = {
  OPEN: 'OPEN',
  ANONYMOUS: 'ANONYMOUS',
  TOKEN: 'TOKEN',
  SSO: 'SSO',
  SYSTEM: 'SYSTEM',
} as const;
export type CallerKind = (typeof CallerKind)[keyof typeof CallerKind];

registerEnumType(CallerKind, {
  name: 'CallerKind',
  description: 'How the caller of this request was identified.',
  valuesConfig: {
    OPEN: { description: 'Auth is off (a single user on loopback): may do everything.' },
    ANONYMOUS: { description: 'No credentials came, and this server requires them.' },
    TOKEN: { description: 'An API token (`Authorization: Bearer skn_…`).' },
    SSO: { description: 'A user of the SSO issuer (`Authorization: Bearer <access token>`).' },
    SYSTEM: { description: "Skein's own background work." },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A role the caller holds in one workspace.' })
export class WorkspaceRoleEntry {
  @Field({ description: 'The workspace.' })
  workspace!: string;

  @Field(() => GrantRole, { description: 'The role there.' })
  role!: GrantRole;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Who is calling, as this server sees them, and what they may do where.',
})
export class Viewer {
  @Field({ description: 'The caller as the audit trail names them: `token:<id>`, `user:<subject>`, `anonymous`.' })
  id!: string;

  @Field(() => CallerKind, { description: 'How the caller was identified.' })
  kind!: CallerKind;

  @Field({ description: 'True for a server admin (owner of every workspace), and for everyone when auth is off.' })
  admin!: boolean;

  @Field(() => [WorkspaceRoleEntry], {
    description: 'The roles held, by workspace name (admins hold OWNER everywhere, listed or not).',
  })
  roles!: WorkspaceRoleEntry[];

  @Field(() => [String], { description: 'The SSO groups the caller belongs to (empty for API tokens).' })
  groups!: string[];

  @Field(() => String, { nullable: true, description: "The API token's id when the caller came with one." })
  tokenId!: string | null;
}

export function toViewer(p: Principal): Viewer {
  return {
    id: p.id,
    kind: p.kind.toUpperCase() as CallerKind,
    admin: p.admin,
    roles: [...p.roles]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([workspace, role]) => ({ workspace, role })),
    groups: [...p.groups],
    tokenId: p.tokenId,
  };
}
