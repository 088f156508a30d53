#!/usr/bin/env node
// The CLI is TypeScript run in place: the operator's commands use the apps' own code, which is
// compiled as the apps are, with the repository's path aliases.
const path = require('node:path');

process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', 'tsconfig.run.json');
require('tsx/cjs/api').register();
require('../src/main.ts');
