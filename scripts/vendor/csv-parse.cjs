// src/core/campaign/input.ts: the CSV files of session create --from-file.
module.exports = require('csv-parse/sync');
