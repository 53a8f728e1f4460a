// src/store/json-store.ts: the profiles (config.json), written through src/store/atomic-write.ts.
module.exports = require('conf').default;
