#!/usr/bin/env node
// The built CLI (npm ci runs `prepare`, which builds dist/).
require('../dist/src/cli.js').main(process.argv);
