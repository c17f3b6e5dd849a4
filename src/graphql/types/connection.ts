import { type ClassType, Field, ObjectType } from 'type-graphql';
import type { Page } from '../../services/pagination';

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in its list, and how to ask for the next one.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page; null on an empty page.' })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
}

/** A Relay connection type for `Node`: `XConnection { edges { cursor node } pageInfo }`. */
export function Connection<T extends object>(Node: ClassType<T> | object, name: string, what: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${what} in a page, with its cursor.` })
  class Edge {
    @Field({ description: 'The position of this item; pass as `after` to continue after it.' })
    cursor!: string;

    @Field(() => Node, { description: `The ${what}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${what}s.` })
  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [Edge], { description: `The ${what}s on this page, in order.` })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'How to get the next page.' })
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** An edge whose cursor is encoded only if the query selects it (a getter, not a resolver). */
class PageEdge<N> {
  constructor(
    private readonly page: Page<unknown>,
    private readonly index: number,
    readonly node: N,
  ) {}

  get cursor(): string {
    return this.page.cursorAt(this.index);
  }
}

/** Adapts a service page into the connection shape (plain objects; no per-field resolvers). */
export function toConnection<T, N = T>(
  page: Page<T>,
  map: (item: T) => N = (x) => x as unknown as N,
): ConnectionShape<N> {
  return {
    edges: page.items.map((item, i) => new PageEdge(page, i, map(item))),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}
