#!/usr/bin/env node
// Builds the playground (GraphiQL, bundled from npm packages so that it works with no internet)
// into dist/playground/: index.html plus content-hashed assets under assets/. src/http/playground.ts
// serves them. `npm run build` runs this; it skips the work when its inputs have not changed since
// the last build (`--force` rebuilds anyway).
//
// Monaco (GraphiQL's editor) runs its language services in web workers. Each worker is its own
// classic-script (IIFE) bundle; the app learns their hashed file names at build time and points
// `MonacoEnvironment.getWorker` at them (src/playground/workers.ts).
'use strict';

const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIR = __dirname;
const OUT_DIR = path.join(ROOT, 'dist', 'playground');
const ASSETS = 'assets';
const STAMP = '.inputs-sha256';
/** Served at this path (src/http/playground.ts); the page refers to its assets absolutely. */
const PUBLIC_ASSETS_PATH = '/playground/assets/';

/** Monaco's workers, resolved through the packages that depend on them (they are not ours to pin). */
function workerEntryPoints() {
  const reactDir = path.dirname(
    require.resolve('@graphiql/react/package.json', { paths: [path.dirname(require.resolve('graphiql'))] }),
  );
  const from = (request) => require.resolve(request, { paths: [reactDir] });
  return {
    'editor.worker': from('monaco-editor/esm/vs/editor/editor.worker.js'),
    'json.worker': from('monaco-editor/esm/vs/language/json/json.worker.js'),
    'graphql.worker': from('monaco-graphql/esm/graphql.worker.js'),
  };
}

/** What the output depends on: our sources, this script, and the exact versions of every package. */
function inputsHash() {
  const hash = createHash('sha256');
  const files = fs
    .readdirSync(SOURCE_DIR, { recursive: true })
    .map(String)
    .filter((f) => !f.startsWith(`dist${path.sep}`) && f !== 'dist' && /\.(tsx?|js|json|css|html)$/.test(f))
    .sort();
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(fs.readFileSync(path.join(SOURCE_DIR, f)))
      .update('\0');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(lock)) hash.update(fs.readFileSync(lock));
  return hash.digest('hex');
}

function upToDate(stamp) {
  try {
    return (
      fs.readFileSync(path.join(OUT_DIR, STAMP), 'utf8') === stamp && fs.existsSync(path.join(OUT_DIR, 'index.html'))
    );
  } catch {
    return false;
  }
}

/** The output file of each entry point (by its name), from esbuild's metafile. */
function outputsByEntry(metafile, outDir) {
  const byEntry = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!output.entryPoint) continue;
    const name = path.basename(file).replace(/-[A-Z0-9]+\.js$/, '');
    byEntry[name] = {
      js: path.relative(outDir, file),
      css: output.cssBundle && path.relative(outDir, output.cssBundle),
    };
  }
  return byEntry;
}

function html({ js, css }) {
  const attr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Skein playground</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${attr(PUBLIC_ASSETS_PATH + css)}" />
    <script type="module" src="${attr(PUBLIC_ASSETS_PATH + js)}"></script>
  </head>
  <body>
    <div id="playground"><p class="loading">Loading the Skein playground…</p></div>
    <noscript>The playground needs JavaScript. The API itself is at /graphql (POST).</noscript>
  </body>
</html>
`;
}

/** gzip copies next to the text assets, so the server can send them compressed without work per request. */
function precompress(dir) {
  for (const f of fs.readdirSync(dir)) {
    if (!/\.(js|css|ttf|html|json)$/.test(f)) continue;
    const body = fs.readFileSync(path.join(dir, f));
    const gz = zlib.gzipSync(body, { level: 9 });
    if (gz.length < body.length * 0.9) fs.writeFileSync(path.join(dir, `${f}.gz`), gz);
  }
}

function sizeOf(dir) {
  let total = 0;
  for (const f of fs.readdirSync(dir, { recursive: true })) {
    const stat = fs.statSync(path.join(dir, String(f)));
    if (stat.isFile() && !String(f).endsWith('.gz')) total += stat.size;
  }
  return total;
}

/** Replaces OUT_DIR with `tmp`, tolerating another build (a second terminal, a test) doing the same at once. */
function swapIn(tmp) {
  const old = `${OUT_DIR}.old-${process.pid}`;
  for (let attempt = 1; ; attempt++) {
    try {
      fs.renameSync(OUT_DIR, old);
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
    try {
      fs.renameSync(tmp, OUT_DIR);
      break;
    } catch (err) {
      if (attempt >= 5 || (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST')) throw err;
    }
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/** Builds into a fresh directory next to OUT_DIR, then swaps it in (a running server never sees half a build). */
async function buildPlayground({ force = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const stamp = inputsHash();
  if (!force && upToDate(stamp)) {
    log('Playground is up to date (dist/playground).');
    return { skipped: true, outDir: OUT_DIR };
  }
  const esbuild = require('esbuild');
  const started = Date.now();
  const tmp = `${OUT_DIR}.tmp-${process.pid}`;
  const assets = path.join(tmp, ASSETS);
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const common = {
      bundle: true,
      minify: true,
      outdir: assets,
      entryNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      metafile: true,
      legalComments: 'linked',
      logLevel: 'warning',
      target: ['es2022'],
      define: { 'process.env.NODE_ENV': '"production"' },
    };
    const workers = await esbuild.build({
      ...common,
      entryPoints: workerEntryPoints(),
      format: 'iife',
    });
    const workerFiles = Object.fromEntries(
      Object.entries(outputsByEntry(workers.metafile, assets)).map(([name, out]) => [name, out.js]),
    );
    const app = await esbuild.build({
      ...common,
      entryPoints: { app: path.join(SOURCE_DIR, 'app.tsx') },
      format: 'esm',
      platform: 'browser',
      jsx: 'automatic',
      tsconfig: path.join(SOURCE_DIR, 'tsconfig.json'),
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
      define: { ...common.define, __SKEIN_WORKERS__: JSON.stringify(workerFiles) },
      // Only loaded for subscriptions over websockets, which Skein does not serve.
      external: ['graphql-ws'],
    });
    const entry = outputsByEntry(app.metafile, assets).app;
    if (!entry || !entry.css) throw new Error('esbuild produced no app bundle with a stylesheet');
    fs.writeFileSync(path.join(tmp, 'index.html'), html(entry));
    precompress(assets);
    precompress(tmp);
    fs.writeFileSync(path.join(tmp, STAMP), stamp);

    swapIn(tmp);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const ms = Date.now() - started;
  const mb = (sizeOf(OUT_DIR) / 1e6).toFixed(1);
  log(`Built the playground into dist/playground in ${(ms / 1000).toFixed(1)} s (${mb} MB).`);
  return { skipped: false, outDir: OUT_DIR, ms };
}

module.exports = { buildPlayground, OUT_DIR };

if (require.main === module) {
  buildPlayground({ force: process.argv.includes('--force') }).catch((err) => {
    process.stderr.write(`Could not build the playground: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
}
