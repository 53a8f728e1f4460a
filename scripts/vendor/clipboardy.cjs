// src/ui/share.ts: --copy.
module.exports = require('clipboardy').default;
