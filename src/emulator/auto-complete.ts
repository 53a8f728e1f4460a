import type { Schedule } from './schedule.js';
import { EmulatorStateError, type SessionRecord, type Store } from './state.js';
import type { EmulatorOptions } from './types.js';

/** State errors (an expired session) just mean there is nothing left to complete. */
function quietly(step: () => void): void {
  try {
    step();
  } catch (error) {
    if (!(error instanceof EmulatorStateError)) throw error;
  }
}

/**
 * Sessions that finish by themselves: the customer opens the hub half way through `afterMs`
 * (a pending attempt) and reaches the outcome at `afterMs`. A session someone already drove by
 * hand (hub or control call) is left alone.
 */
export function scheduleAutoComplete(
  auto: EmulatorOptions['autoComplete'],
  session: SessionRecord,
  store: Store,
  schedule: Schedule,
): void {
  if (!auto) return;
  const { afterMs, provider } = auto;
  const outcome = auto.outcome ?? 'connect';
  schedule.after(afterMs / 2, () =>
    quietly(() => {
      if (session.attempt === null) store.startAttempt(session.id, provider);
    }),
  );
  schedule.after(afterMs, () =>
    quietly(() => {
      if (session.attempt !== null && session.attempt.status !== 'pending') return;
      if (outcome === 'connect') store.connect(session.id, provider);
      else if (outcome === 'fail') store.fail(session.id, { provider });
      else store.cancel(session.id, provider);
    }),
  );
}
