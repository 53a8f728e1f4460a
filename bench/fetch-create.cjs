// The floor of `session create --json`: the same request with Node's own fetch, its answer on
// stdout, and nothing else (CommonJS, like the CLI, so that neither pays for the ES module loader).
const { STACKONE_BASE_URL: base, STACKONE_API_KEY: key } = process.env;
fetch(`${base}/connect_sessions`, {
  method: 'POST',
  headers: {
    authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': 'bench',
  },
  body: JSON.stringify({ origin_owner_id: 'bench', origin_owner_name: 'Bench' }),
}).then(async (response) => {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  process.stdout.write(`${JSON.stringify(await response.json())}\n`);
});
