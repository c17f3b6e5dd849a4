import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { SkeinHandle } from '../../src/app';
import { servePlaygroundAsset, servePlaygroundPage } from '../../src/http/playground';
import { EXAMPLE_TABS } from '../../src/playground/examples';
import { getSchema } from '../../src/graphql/schema';
import { gqlOk, startTestSkein, uniqueName } from '../helpers/skein';
import { startOidcProvider, type TestOidcProvider } from '../../tools/oidc-provider';
import { waitFor } from '../helpers/wait';
import { findChromium } from './chromium';

/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), against a real Skein. Every request the page (and its workers) makes is
 * recorded, and any that would leave 127.0.0.1 is refused, so the page can only work offline.
 */

const ROOT = path.resolve(__dirname, '..', '..');
/** The system's Chromium (jest.config.js leaves this suite out without one, unless CI requires it). */
const CHROMIUM = findChromium().path;
const SCREENSHOT = path.join(ROOT, 'test-artifacts', 'playground.png');
const BROWSER_TEST_MS = 120_000;

let skein: SkeinHandle;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}. Install Debian's (apt-get install chromium) or set CHROMIUM_PATH; ` +
        'the tests never download a browser. (Without SKEIN_REQUIRE_BROWSER=1, as CI sets, this suite is left out.)',
    );
  // Builds the bundle when it is missing or older than its sources (a no-op otherwise).
  execFileSync(process.execPath, [path.join(ROOT, 'src', 'playground', 'build.js')], { stdio: 'inherit' });
  skein = await startTestSkein();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await skein?.stop();
});

describe('serving the playground', () => {
  test('GET /playground is the page; a browser opening /graphql gets it too', async () => {
    for (const url of [`${skein.url}/playground`, `${skein.graphqlUrl}`]) {
      const res = await fetch(url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await res.text();
      expect(html).toContain('<title>Skein playground</title>');
      // Nothing absolute: every script and stylesheet is this server's.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  test('operations still go to the API: POST, and GET with a query', async () => {
    const post = await gqlOk<{ serverInfo: { version: string } }>(skein.graphqlUrl, '{ serverInfo { version } }');
    expect(post.serverInfo.version).toEqual(expect.any(String));

    const get = await fetch(`${skein.graphqlUrl}?query=${encodeURIComponent('{ serverInfo { version } }')}`, {
      headers: { accept: 'text/html,application/json', 'apollo-require-preflight': 'true' },
    });
    expect(get.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(((await get.json()) as { data: unknown }).data).toEqual({ serverInfo: post.serverInfo });

    // Not a browser (curl's Accept: */*): Apollo answers, as before.
    const curl = await fetch(skein.graphqlUrl, { headers: { accept: '*/*' } });
    expect(curl.headers.get('content-type')).toMatch(/json/);
  });

  test('assets have their content types and are cached for good; unknown names are 404s', async () => {
    const html = await (await fetch(`${skein.url}/playground`)).text();
    const js = /src="(\/playground\/assets\/app-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    const css = /href="(\/playground\/assets\/app-[A-Z0-9]{8}\.css)"/.exec(html)?.[1];
    expect(js && css).toBeTruthy();

    const script = await fetch(`${skein.url}${js}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-encoding')).toBe('gzip'); // fetch asks for it, and unzips
    expect((await script.text()).length).toBeGreaterThan(100_000);

    const head = await fetch(`${skein.url}${css}`, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(head.headers.get('content-encoding')).toBeNull();
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(10_000);

    for (const name of ['app-NOPE1234.js', '..%2Findex.html', 'app-x.js.gz']) {
      const res = await fetch(`${skein.url}/playground/assets/${name}`);
      expect(res.status).toBe(404);
    }
    const post = await fetch(`${skein.url}/playground`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  test('the example operations are valid against the schema', async () => {
    const schema = await getSchema();
    expect(EXAMPLE_TABS.length).toBe(4);
    for (const tab of EXAMPLE_TABS) {
      expect(validate(schema, parse(tab.query)).map((e) => e.message)).toEqual([]);
    }
  });

  test('without a build, the page says how to make one (503)', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'skein-no-playground-'));
    const server: Server = createServer((req, res) => {
      const p = (req.url ?? '/').split('?')[0] ?? '/';
      const serve = p.startsWith('/playground/assets/')
        ? servePlaygroundAsset(req, res, p, empty)
        : servePlaygroundPage(req, res, empty);
      serve.catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const p of ['/playground', '/playground/assets/app-ABCDEFGH.js']) {
        const res = await fetch(`${base}${p}`);
        expect(res.status).toBe(503);
        expect(await res.text()).toContain('npm run build');
      }
    } finally {
      server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the playground in Chromium', () => {
  interface Recorded {
    requests: string[];
    refused: string[];
    workers: string[];
    problems: string[];
  }

  /** A fresh context (no stored tabs) that records every request and refuses all that leave 127.0.0.1. */
  async function openPage(): Promise<{ context: BrowserContext; page: Page; seen: Recorded }> {
    const seen: Recorded = { requests: [], refused: [], workers: [], problems: [] };
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      seen.refused.push(url);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    page.on('request', (r) => seen.requests.push(r.url()));
    page.on('worker', (w) => seen.workers.push(w.url()));
    page.on('pageerror', (err) => seen.problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') seen.problems.push(`console error: ${m.text()}`);
    });
    return { context, page, seen };
  }

  test(
    'loads with no request leaving the machine, shows the docs and runs a lineage query',
    async () => {
      const fixture = await recordTraining();
      const queryFields = await gqlOk<{ __type: { fields: Array<{ name: string }> } }>(
        skein.graphqlUrl,
        '{ __type(name: "Query") { fields { name } } }',
      );
      const hasLineage = queryFields.__type.fields.some((f) => f.name === 'lineage');

      const { context, page, seen } = await openPage();
      try {
        await page.goto(`${skein.url}/playground`, { waitUntil: 'load' });
        await page.locator('.graphiql-container').waitFor();
        await page.locator('.graphiql-query-editor .monaco-editor').waitFor();

        // The example operations are there, one tab each (titled by their first operation).
        const tabs = page.locator('.graphiql-tab');
        for (const title of ['CreateWorkspace', 'CreateUpload', 'ModelLineage', 'ModelCard'])
          await tabs.filter({ hasText: title }).waitFor();
        expect(await tabs.count()).toBe(4);

        // The docs come from introspecting this server.
        await page.getByRole('button', { name: /documentation explorer/i }).click();
        const docs = page.locator('.graphiql-doc-explorer');
        await docs.getByText('Root Types').waitFor();
        await docs.getByRole('link', { name: 'Query' }).first().click();
        await docs
          .getByText(hasLineage ? 'lineage' : 'serverInfo', { exact: true })
          .first()
          .waitFor();

        // A new tab, our operation typed in, run with the keyboard shortcut.
        await page.getByRole('button', { name: /new tab/i }).click();
        await tabs.nth(4).waitFor();
        const query = hasLineage ? lineageQuery(fixture.model) : fallbackQuery(fixture.workspace);
        const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
        await editor.click();
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.press('Delete');
        await page.keyboard.insertText(query);
        await page.getByRole('button', { name: /prettify query/i }).click();
        await editor.click({ position: { x: 60, y: 10 } });
        await page.keyboard.press('ControlOrMeta+Home'); // scrolled back for the screenshot
        await page.keyboard.press('ControlOrMeta+Enter');

        // The result pane (Monaco: one element per line, long lines wrapped) shows the answer.
        const expected = hasLineage
          ? [`"uri":"${fixture.datasetUri}"`, '"name":"train"', '"codeVersion":"git:e2e"']
          : [`"name":"${fixture.workspace}"`, '"version":'];
        await page.waitForFunction((needles) => {
          // Runs in the page (a function, not a string: the page's CSP forbids eval).
          const doc = (
            globalThis as unknown as { document: { querySelector(s: string): { innerText: string } | null } }
          ).document;
          const text = doc.querySelector('.graphiql-response .view-lines')?.innerText.replace(/\s+/g, '') ?? '';
          return needles.every((n) => text.includes(n));
        }, expected);
        const shown = await page.locator('.graphiql-response .view-lines').innerText();
        expect(shown).not.toContain('"errors"');

        mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });

        // Offline: nothing left (or tried to leave) 127.0.0.1, and Monaco's workers came from Skein.
        expect(seen.refused).toEqual([]);
        expect(seen.requests.filter((u) => !isLocal(u))).toEqual([]);
        expect(seen.requests.some((u) => /\/playground\/assets\/app-[A-Z0-9]{8}\.js$/.test(u))).toBe(true);
        expect(seen.requests.filter((u) => u.endsWith('/graphql')).length).toBeGreaterThanOrEqual(2);
        expect(seen.workers.length).toBeGreaterThan(0);
        for (const w of seen.workers) expect(w).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/playground\/assets\/[\w.-]+\.js$/);
        expect(seen.problems).toEqual([]);
      } catch (err) {
        // What the page looked like, and what it said, when it went wrong.
        mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-failure.png') }).catch(() => undefined);
        if (seen.problems.length) console.error(`The page reported:\n${seen.problems.join('\n')}`);
        throw err;
      } finally {
        await context.close();
      }
    },
    BROWSER_TEST_MS,
  );
});

describe('the playground on a server with auth on', () => {
  let provider: TestOidcProvider;
  let secured: SkeinHandle;

  beforeAll(async () => {
    provider = await startOidcProvider();
    // Auth is on (an SSO issuer is set) and, by default, only signed-in callers may introspect.
    secured = await startTestSkein({
      SKEIN_AUTH: 'on',
      SKEIN_OIDC_ISSUER: provider.issuer,
      SKEIN_OIDC_AUDIENCE: 'skein',
    });
  }, 60_000);
  afterAll(async () => {
    await secured?.stop();
    await provider?.stop();
  });

  test(
    'a token typed into the Token field goes with every operation, and lives in sessionStorage only',
    async () => {
      const token = await provider.token('ml-user');
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const refused: string[] = [];
      await context.route('**/*', (route) => {
        if (isLocal(route.request().url())) return route.continue();
        refused.push(route.request().url());
        return route.abort('internetdisconnected');
      });
      const page = await context.newPage();
      const sent: Array<{ authorization?: string }> = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/graphql') && r.method() === 'POST') sent.push(r.headers());
      });
      try {
        await page.goto(`${secured.url}/playground`, { waitUntil: 'load' });
        await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
        await page.getByRole('status').filter({ hasText: 'No token' }).waitFor();
        // Anonymous, GraphiQL's introspection was refused: no authorization header went.
        await waitFor('the page to introspect the schema', 30_000, () => sent.length > 0);
        expect(sent.every((h) => h.authorization === undefined)).toBe(true);

        await page.getByLabel('Token').fill(`  Bearer ${token} `);
        await page.getByRole('button', { name: 'Use', exact: true }).click();
        await page.getByRole('status').filter({ hasText: 'Signed in with a token' }).waitFor();

        // With the token, GraphiQL introspects again and the docs appear.
        await page.getByRole('button', { name: /documentation explorer/i }).click();
        await page.locator('.graphiql-doc-explorer').getByText('Root Types').waitFor();

        // An operation only a signed-in caller may run here (introspection), typed and run.
        await page.getByRole('button', { name: /new tab/i }).click();
        const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
        await editor.click();
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.press('Delete');
        await page.keyboard.insertText('query WhoMayLook { __schema { queryType { name } } }');
        await page.keyboard.press('ControlOrMeta+Enter');
        await page.waitForFunction(() => {
          const doc = (
            globalThis as unknown as { document: { querySelector(s: string): { innerText: string } | null } }
          ).document;
          const text = doc.querySelector('.graphiql-response .view-lines')?.innerText.replace(/\s+/g, '') ?? '';
          return text.includes('"queryType":{"name":"Query"}');
        });
        expect(await page.locator('.graphiql-response .view-lines').innerText()).not.toContain('"errors"');

        const afterToken = sent.slice(sent.findIndex((h) => h.authorization !== undefined));
        expect(afterToken.length).toBeGreaterThanOrEqual(2); // the introspection and the operation
        for (const h of afterToken) expect(h.authorization).toBe(`Bearer ${token}`);

        // Kept for this tab (sessionStorage), never in localStorage, and still there after a reload.
        const stored = await page.evaluate(() => {
          const w = globalThis as unknown as { sessionStorage: WebStorage; localStorage: WebStorage };
          const local: string[] = [];
          for (let i = 0; i < w.localStorage.length; i++)
            local.push(w.localStorage.getItem(w.localStorage.key(i)!) ?? '');
          return { session: w.sessionStorage.getItem('skein:token'), local: local.join('\n') };
        });
        expect(stored.session).toBe(token);
        expect(stored.local).not.toContain(token);
        await page.reload({ waitUntil: 'load' });
        await page.getByRole('status').filter({ hasText: 'Signed in with a token' }).waitFor();

        // Clear: anonymous again.
        await page.getByRole('button', { name: 'Clear' }).click();
        await page.getByRole('status').filter({ hasText: 'No token' }).waitFor();
        expect(
          await page.evaluate(() => (globalThis as unknown as { sessionStorage: WebStorage }).sessionStorage.length),
        ).toBe(0);
        expect(refused).toEqual([]);
      } catch (err) {
        mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-token-failure.png') }).catch(() => undefined);
        throw err;
      } finally {
        await context.close();
      }
    },
    BROWSER_TEST_MS,
  );
});

/** The page's Web Storage, as much of it as the tests read (the test compile has no DOM types). */
interface WebStorage {
  readonly length: number;
  key(i: number): string | null;
  getItem(key: string): string | null;
}

function isLocal(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:')) return true;
  const { protocol, hostname } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && hostname === '127.0.0.1';
}

/** A workspace with one training step: a dataset in, a model out. */
async function recordTraining(): Promise<{ workspace: string; model: string; datasetUri: string }> {
  const workspace = uniqueName('playground');
  await gqlOk(skein.graphqlUrl, 'mutation($n: String!) { createWorkspace(input: { name: $n }) { name } }', {
    n: workspace,
  });
  const { startRun } = await gqlOk<{ startRun: { id: string } }>(
    skein.graphqlUrl,
    'mutation($w: String!) { startRun(input: { workspace: $w, name: "train" }) { id } }',
    { w: workspace },
  );
  const { logArtifact } = await gqlOk<{ logArtifact: { uri: string } }>(
    skein.graphqlUrl,
    'mutation($w: String!) { logArtifact(input: { workspace: $w, key: "customers", kind: "DATASET" }) { uri } }',
    { w: workspace },
  );
  await gqlOk(
    skein.graphqlUrl,
    `mutation($run: ID!, $input: String!) {
      recordExecution(input: {
        run: $run, name: "train", codeVersion: "git:e2e",
        inputs: [{ artifact: $input }],
        outputs: [{ artifact: { key: "model", kind: "MODEL" } }]
      }) { id }
    }`,
    { run: startRun.id, input: logArtifact.uri },
  );
  return { workspace, model: `store://artifacts/${workspace}/model`, datasetUri: logArtifact.uri };
}

function lineageQuery(of: string): string {
  return `query TrainedOn { lineage(of: "${of}", direction: UPSTREAM, depth: 2) { levels { depth nodes { ... on Artifact { uri } ... on Execution { name codeVersion } } } } }`;
}

function fallbackQuery(workspace: string): string {
  return `query ServerAndWorkspace { serverInfo { version } workspaces(namePrefix: "${workspace}") { edges { node { name } } } }`;
}
