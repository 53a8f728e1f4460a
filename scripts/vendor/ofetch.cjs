// src/api/client.ts: the HTTP client of every request to StackOne.
module.exports = require('ofetch');
