#!/usr/bin/env node
// The built CLI (`npm ci` runs `prepare`, which builds dist/). graphql-js runs extra development-time
// checks on every field unless NODE_ENV is "production" (measured: ~7% of the CPU of a large answer).
process.env.NODE_ENV ??= 'production';
require('../dist/src/cli.js').main(process.argv);
