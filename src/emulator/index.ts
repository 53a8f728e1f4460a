/**
 * stackone-connect/emulator: a local StackOne API (connect sessions, accounts, connectors meta)
 * with a hosted hub page, fault injection and a control API, for tests and offline demos.
 *
 *   const emulator = await startEmulator({ port: 0 });
 *   // ... point a client at emulator.url, then drive the customer:
 *   emulator.connect(sessionId);
 *   await emulator.close();
 */

export { newEmulatorKey } from './ids.js';
export { startEmulator } from './server.js';
export { EmulatorStateError } from './state.js';
export type {
  AttemptOutcome,
  AttemptStatus,
  AttemptView,
  ConnectSessionView,
  Emulator,
  EmulatorOptions,
  Fault,
  LinkedAccount,
  RecordedRequest,
} from './types.js';
