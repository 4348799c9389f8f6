#!/usr/bin/env node
// Runs the bundled CLI when built, else the TypeScript sources through tsx (development checkouts).
const { existsSync } = require('node:fs');
const path = require('node:path');
const bundled = path.join(__dirname, '..', 'dist', 'cli.js');
if (existsSync(bundled)) {
  require(bundled);
} else {
  require('tsx/cjs');
  require('../extension/cli/bin.ts');
}
