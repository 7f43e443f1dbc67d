#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'core', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  console.error('k8ts: not built yet: run `npm ci` (or `npm run build`) in ' + path.join(__dirname, '..'));
  process.exit(1);
}
require(main).main(process.argv.slice(2));
