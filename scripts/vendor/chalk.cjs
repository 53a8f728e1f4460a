// src/ui/theme.ts: colours, loaded when the first theme is made (see tsup.config.ts).
module.exports = require('chalk');
