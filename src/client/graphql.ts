import { ApiError, EXIT, CliError, networkReason } from './errors';

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * A small GraphQL client over fetch. Every failure becomes one line a person can act on:
 * the API's own error (`message (CODE)`), or what went wrong reaching it.
 */
export class SkeinClient {
  readonly url: string;

  /**
   * @param token an API token (or SSO access token) sent as `Authorization: Bearer <token>` with
   *   every GraphQL request (SKEIN_TOKEN); never with the signed body URLs, which carry their own
   *   signature and may point at another host (S3).
   */
  constructor(
    url: string = DEFAULT_URL,
    private readonly token: string | null = null,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError(EXIT.USAGE, `--url ${JSON.stringify(url)} is not a URL; e.g. ${DEFAULT_URL}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliError(EXIT.USAGE, `--url must be an http(s) URL, e.g. ${DEFAULT_URL}; got ${url}`);
    }
    this.url = parsed.href;
  }

  /** Runs one operation; throws ApiError (the first error the API answered) or CliError. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (err) {
      throw new CliError(
        EXIT.FAILED,
        `cannot reach Skein at ${this.url} (${networkReason(err)}); start it with \`skein serve\`, or point --url or SKEIN_URL at it`,
      );
    }
    const text = await res.text();
    let answer: GraphQLAnswer<T>;
    try {
      answer = JSON.parse(text) as GraphQLAnswer<T>;
    } catch {
      throw new CliError(
        EXIT.FAILED,
        `${this.url} answered HTTP ${res.status} ${res.statusText} without a GraphQL answer; is --url Skein's /graphql endpoint?`,
      );
    }
    const first = answer.errors?.[0];
    if (first) {
      const { code, ...details } = first.extensions ?? {};
      const more = answer.errors!.length > 1 ? ` (and ${answer.errors!.length - 1} more errors)` : '';
      const requestId = typeof details.requestId === 'string' ? `; request id ${details.requestId}` : '';
      throw new ApiError(
        typeof code === 'string' ? code : `HTTP_${res.status}`,
        `${first.message.replace(/\.$/, '')}${requestId}${more}`,
        details,
      );
    }
    if (!res.ok || answer.data == null) {
      throw new CliError(EXIT.FAILED, `${this.url} answered HTTP ${res.status} ${res.statusText} with no data`);
    }
    return answer.data;
  }
}
