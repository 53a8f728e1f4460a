import type { BoardState, BoardTarget } from '../core/board.js';
import { formatDuration } from '../lib/durations.js';
import type { Runtime } from '../lib/runtime.js';
import { fitText, LiveArea } from './live.js';
import type { Output } from './output.js';
import type { Theme } from './theme.js';

/** What the board shows of a session. */
export interface BoardItem {
  target: BoardTarget;
  /** "Acme (acme)", sanitised. */
  owner(): string;
  provider(): string | null;
  account(): string | null;
  /** Why an attempt failed, or the session cannot be read, sanitised. */
  detail(): string | null;
}

export interface BoardView {
  changed(item: BoardItem, previous: BoardState): void;
  /** A note for every session (a 429's pause), printed even with --quiet. */
  alert(line: string): void;
  /** One more read sent (the rate shown on a terminal). */
  read(): void;
  /** Stops redrawing; `keep` leaves the last board on the screen. */
  stop(keep: boolean): void;
}

export const STATE_ORDER: BoardState[] = ['connected', 'connecting', 'waiting', 'failed', 'expired', 'error'];

export function stateColour(theme: Theme, state: BoardState): (text: string) => string {
  if (state === 'connected') return theme.success;
  if (state === 'failed' || state === 'error') return theme.error;
  if (state === 'expired') return theme.warning;
  if (state === 'connecting') return theme.command;
  return (t) => t;
}

/** "3 connected · 1 failed · 12 waiting" in STATE_ORDER, only the states present. */
export function counts(items: BoardItem[]): string {
  const n = new Map<BoardState, number>();
  for (const { target } of items) n.set(target.state, (n.get(target.state) ?? 0) + 1);
  return STATE_ORDER.filter((s) => n.get(s))
    .map((s) => `${n.get(s)} ${s}`)
    .join(' · ');
}

/** One line for a change of state, as printed when stderr is not a terminal. */
export function changeLine(theme: Theme, item: BoardItem, failFast: boolean): string {
  const { state } = item.target;
  const who = item.owner();
  const provider = item.provider();
  const detail = item.detail();
  switch (state) {
    case 'connected':
      return `${theme.symbols.success} ${who} connected${provider ? ` ${provider}` : ''} (account ${item.account() ?? '?'}, session ${item.target.id}).`;
    case 'connecting':
      return `${theme.symbols.info} ${who} is connecting${provider ? ` to ${provider}` : ''} (session ${item.target.id}).`;
    case 'failed':
      return `${theme.symbols.error} ${who}: ${detail ?? 'the attempt failed'}.${failFast ? '' : ' The customer can try again.'}`;
    case 'expired':
      return `${theme.symbols.error} ${who}: session ${item.target.id} expired before the customer connected.`;
    case 'error':
      return `${theme.symbols.error} ${who}: session ${item.target.id} cannot be read: ${detail ?? 'error'}`;
    default:
      return `${theme.symbols.info} ${who}: waiting for the customer (session ${item.target.id}).`;
  }
}

export function boardView(out: Output, runtime: Runtime, items: BoardItem[], failFast: boolean): BoardView {
  const theme = out.errTheme;
  const plain = (line: string) => out.stderr.write(`${line}\n`);
  if (out.mode === 'quiet') return { changed() {}, alert: plain, read() {}, stop() {} };
  if (!out.stderrIsTTY) {
    return { changed: (item) => plain(changeLine(theme, item, failFast)), alert: plain, read() {}, stop() {} };
  }
  const started = runtime.now();
  const area = new LiveArea(out.stderr);
  const order = new Map(items.map((item, i) => [item, i]));
  let reads = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;

  const frame = (): string[] => {
    const now = runtime.now();
    const { columns, rows } = area.size;
    const elapsed = now - started;
    const rate = elapsed > 0 ? `${((reads * 1000) / elapsed).toFixed(1)} reads/s` : '';
    // Whole seconds: a tenth that changes at every redraw is noise.
    const head = fitText(
      `Connect sessions: ${counts(items)} · ${items.length} in all${rate ? ` · ${rate}` : ''} · ${formatDuration(Math.floor(elapsed / 1000) * 1000)}`,
      columns,
    );
    // The latest changes first: what just happened is what a person watching wants to see.
    const sorted = [...items].sort((a, b) => b.target.changedAt - a.target.changedAt || order.get(a)! - order.get(b)!);
    const room = rows - 3;
    const shown = sorted.length > room ? sorted.slice(0, room - 1) : sorted;
    const widths = { provider: 12, state: 11, left: 10, account: 22 };
    const owner = Math.max(12, columns - widths.provider - widths.state - widths.left - widths.account - 8);
    const line = (cells: [string, string, string, string, string], colour = (t: string) => t) =>
      [
        fitText(cells[0], owner, true),
        fitText(cells[1], widths.provider, true),
        colour(fitText(cells[2], widths.state, true)),
        fitText(cells[3], widths.left, true),
        fitText(cells[4], widths.account),
      ]
        .join('  ')
        .trimEnd();
    const table = shown.map((item) => {
      const { target } = item;
      const left =
        target.expiresAt === undefined || target.state === 'connected' || target.state === 'expired' || target.state === 'error'
          ? '-'
          : formatDuration(target.expiresAt - now);
      return line([item.owner(), item.provider() ?? '-', target.state, left, item.account() ?? ''], stateColour(theme, target.state));
    });
    const more = sorted.length - shown.length;
    return [
      theme.strong(head),
      theme.muted(line(['OWNER', 'PROVIDER', 'STATE', 'TIME LEFT', 'ACCOUNT'])),
      ...table,
      ...(more > 0 ? [theme.muted(`… ${more} more`)] : []),
    ];
  };
  const draw = () => {
    drawnAt = runtime.now();
    area.draw(frame());
  };
  const stopTicker = runtime.timer(1000, draw, { repeat: true });
  draw();
  return {
    changed(item) {
      // A failure stays on the screen above the board; every other change is in the table.
      if (item.target.state === 'failed' || item.target.state === 'error') area.above(changeLine(theme, item, failFast), frame());
      else if (runtime.now() - drawnAt >= 100) draw();
    },
    alert: (line) => area.above(line, frame()),
    read: () => void reads++,
    stop(keep) {
      stopTicker();
      if (keep) draw();
      area.done(keep);
    },
  };
}
