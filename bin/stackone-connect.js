#!/usr/bin/env node
// CommonJS (bin/package.json), like dist/: Node runs it without starting its ES module loader.
require('../dist/main.cjs');
