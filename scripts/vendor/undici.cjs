// src/api/proxy.ts: requests through HTTPS_PROXY / HTTP_PROXY (tsup.config.ts keeps only what
// EnvHttpProxyAgent and fetch need of undici).
module.exports = require('undici');
