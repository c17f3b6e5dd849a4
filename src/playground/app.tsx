// Skein's playground: GraphiQL against this server's own /graphql, with example operations.
// Everything it loads (scripts, styles, fonts, Monaco's workers) comes from this server.
import './workers';
import 'graphiql/style.css';
import '@graphiql/react/font/roboto.css';
import '@graphiql/react/font/fira-code.css';
import './playground.css';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { EXAMPLE_TABS } from './examples';
import { TokenField, readToken } from './token';

const baseFetcher = createGraphiQLFetcher({ url: new URL('/graphql', window.location.origin).href });

/**
 * GraphiQL's fetcher, with the token (when one is set) as `Authorization: Bearer …` on every
 * request, the schema's introspection included. A new token makes a new fetcher, on which
 * GraphiQL introspects again: the docs appear once a server that hides its schema from anonymous
 * callers knows who is asking.
 */
function withToken(token: string): Fetcher {
  if (!token) return baseFetcher;
  return (params, opts) =>
    baseFetcher(params, { ...opts, headers: { ...opts?.headers, authorization: `Bearer ${token}` } });
}

function Playground() {
  const [token, setToken] = useState(readToken);
  const fetcher = useMemo(() => withToken(token), [token]);
  return (
    <div className="skein-playground">
      <TokenField token={token} onChange={setToken} />
      <div className="skein-graphiql">
        <GraphiQL fetcher={fetcher} defaultTabs={EXAMPLE_TABS} defaultEditorToolsVisibility={false}>
          <GraphiQL.Logo>
            <a className="graphiql-logo-link" href="/playground" title="Skein playground">
              Skein
            </a>
          </GraphiQL.Logo>
        </GraphiQL>
      </div>
    </div>
  );
}

const container = document.getElementById('playground');
if (!container) throw new Error('The page has no #playground element.');
createRoot(container).render(
  <StrictMode>
    <Playground />
  </StrictMode>,
);
