// Lets a plain `node` child process run the TypeScript sources (src/cli.ts) as the tests see them,
// without dist/ (shared, and maybe stale) and without a ts-node install: `node -r ./register-ts.js`.
// Each file is transpiled as ts-jest does here (isolatedModules, decorator metadata emitted), and the
// output is cached on disk by content hash, so a second start costs no compile.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..', '..');
const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
const compilerOptions = { ...options, isolatedModules: true, sourceMap: false, inlineSourceMap: true };
const cacheDir = path.join(os.tmpdir(), `skein-ts-cache-${ts.version}`);
fs.mkdirSync(cacheDir, { recursive: true });

function compile(source, filename) {
  const hash = crypto.createHash('sha256').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${hash}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, outputText);
    fs.renameSync(tmp, cached);
    return outputText;
  }
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
