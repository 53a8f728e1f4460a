/**
 * Work due at a time of the emulator's clock (auto-complete steps). Nothing here is a timer: due
 * work runs when the emulator is next looked at (a request, a control call, a library call), so a
 * custom `now` drives it exactly, a long delay cannot overflow setTimeout, and close() has nothing
 * to cancel. Whoever observes the emulator sees the same states as with real timers.
 */
export class Schedule {
  private readonly entries: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  /** While due work runs, the time it was due: what it stamps is when it happened. */
  private replaying: number | undefined;

  constructor(private readonly clock: () => number) {}

  /** The emulator's time: the clock's, or the due time of the work being run. */
  readonly now = (): number => this.replaying ?? this.clock();

  /** Runs `run` once the clock reaches now() + ms. */
  after(ms: number, run: () => void): void {
    this.entries.push({ at: this.now() + ms, seq: this.seq++, run });
  }

  /** Runs everything due, earliest first (ties in the order scheduled). */
  runDue(): void {
    if (this.replaying !== undefined) return; // due work that looks at the emulator
    const now = this.clock();
    for (;;) {
      let next = -1;
      for (let i = 0; i < this.entries.length; i++) {
        const e = this.entries[i]!;
        if (e.at > now) continue;
        const best = this.entries[next];
        if (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq)) next = i;
      }
      if (next < 0) return;
      const [entry] = this.entries.splice(next, 1);
      this.replaying = entry!.at;
      try {
        entry!.run();
      } finally {
        this.replaying = undefined;
      }
    }
  }

  clear(): void {
    this.entries.length = 0;
  }
}
