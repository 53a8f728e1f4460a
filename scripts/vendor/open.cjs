// src/ui/share.ts: --open.
module.exports = require('open').default;
