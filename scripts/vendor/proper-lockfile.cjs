// src/store/json-store.ts: the lock around each read-modify-write.
module.exports = require('proper-lockfile');
