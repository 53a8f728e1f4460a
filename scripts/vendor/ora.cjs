// src/ui/progress.ts: the spinner of a wait on a terminal.
module.exports = require('ora').default;
