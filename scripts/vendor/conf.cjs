// src/store/json-store.ts: atomic writes of the config and history files.
module.exports = require('conf').default;
