// Skein's playground: GraphiQL against this server's own /graphql, with example operations.
// Everything it loads (scripts, styles, fonts, Monaco's workers) comes from this server.
import './workers';
import 'graphiql/style.css';
import '@graphiql/react/font/roboto.css';
import '@graphiql/react/font/fira-code.css';
import './playground.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EXAMPLE_TABS } from './examples';

const fetcher = createGraphiQLFetcher({ url: new URL('/graphql', window.location.origin).href });

function Playground() {
  return (
    <GraphiQL fetcher={fetcher} defaultTabs={EXAMPLE_TABS} defaultEditorToolsVisibility={false}>
      <GraphiQL.Logo>
        <a className="graphiql-logo-link" href="/playground" title="Skein playground">
          Skein
        </a>
      </GraphiQL.Logo>
    </GraphiQL>
  );
}

const container = document.getElementById('playground');
if (!container) throw new Error('The page has no #playground element.');
createRoot(container).render(
  <StrictMode>
    <Playground />
  </StrictMode>,
);
