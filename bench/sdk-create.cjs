// The same create with StackOne's official TypeScript SDK, as its README shows it.
const { StackOne } = require('@stackone/stackone-client-ts');

const stackOne = new StackOne({
  serverURL: process.env.STACKONE_BASE_URL,
  security: { username: process.env.STACKONE_API_KEY, password: '' },
});
stackOne.connectSessions.createConnectSession({ originOwnerId: 'bench', originOwnerName: 'Bench' }).then(
  (created) => process.stdout.write(`${JSON.stringify(created)}\n`),
  (error) => {
    // The session is created (201), then the SDK's own model rejects the answer: it types
    // organization_id as a number, which the API schema allows to be a string, as the emulator
    // sends it. All the work is done by then; print what was created.
    if (error.statusCode !== 201) throw error;
    process.stdout.write(`${error.body}\n`);
  },
);
