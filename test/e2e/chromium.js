// @ts-check
const { existsSync } = require('node:fs');
const path = require('node:path');

/**
 * Where the browser tests find the system's Chromium: CHROMIUM_PATH, else `chromium` on the PATH,
 * else Debian's place for it. Plain JavaScript so jest.config.js can ask before any test runs (to
 * leave the browser suite out, visibly, on a machine without one) and the suite can launch it.
 *
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ path: string, found: boolean }}
 */
function findChromium(env = process.env) {
  const onPath = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, 'chromium'))
    .find((file) => existsSync(file));
  const file = env.CHROMIUM_PATH || onPath || '/usr/bin/chromium';
  return { path: file, found: existsSync(file) };
}

module.exports = { findChromium };
