import { formatDuration } from '../lib/durations.js';
import type { Runtime } from '../lib/runtime.js';
import { fitText, LiveArea } from './live.js';
import type { Output } from './output.js';

export type RowEnd = 'created' | 'failed' | 'uncertain';

/** A campaign's progress on stderr: a bar on a terminal, one line per failure elsewhere. */
export interface CampaignProgress {
  /** A row ended; `line` says how, for failures (printed even with --quiet). */
  ended(end: RowEnd, line?: string): void;
  /** A note that concerns every row (a 429's pause), printed even with --quiet. */
  alert(line: string): void;
  stop(): void;
}

const BAR_WIDTH = 24;

export function campaignProgress(out: Output, runtime: Runtime, total: number): CampaignProgress {
  const theme = out.errTheme;
  const plain = (line: string) => out.stderr.write(`${line}\n`);
  const counts = { created: 0, failed: 0, uncertain: 0 };
  const done = () => counts.created + counts.failed + counts.uncertain;
  if (!out.stderrIsTTY || out.mode === 'quiet') {
    return {
      ended: (end, line) => {
        counts[end]++;
        if (line) plain(line);
      },
      alert: plain,
      stop() {},
    };
  }
  const started = runtime.now();
  const area = new LiveArea(out.stderr);
  let drawnAt = Number.NEGATIVE_INFINITY;

  const bar = (): string[] => {
    const n = done();
    const elapsed = runtime.now() - started;
    const perSecond = elapsed > 0 ? (n * 1000) / elapsed : 0;
    const eta = perSecond > 0 && n < total ? ` · ETA ${formatDuration(((total - n) / perSecond) * 1000)}` : '';
    const filled = total === 0 ? BAR_WIDTH : Math.round((n / total) * BAR_WIDTH);
    const failed = counts.failed ? ` · ${counts.failed} failed` : '';
    const uncertain = counts.uncertain ? ` · ${counts.uncertain} uncertain` : '';
    // Colour takes no columns: the plain text is cut to the width, then coloured.
    const text = fitText(
      `${n}/${total} · ${perSecond.toFixed(1)}/s${eta}`,
      Math.max(10, area.size.columns - BAR_WIDTH - 2 - failed.length - uncertain.length),
    );
    return [
      `${theme.success('█'.repeat(filled))}${theme.muted('░'.repeat(BAR_WIDTH - filled))}  ${text}${theme.error(failed)}${theme.warning(uncertain)}`,
    ];
  };
  const draw = () => {
    drawnAt = runtime.now();
    area.draw(bar());
  };
  const stopTicker = runtime.timer(250, draw, { repeat: true });
  draw();
  return {
    ended(end, line) {
      counts[end]++;
      if (line) area.above(line, bar());
      else if (runtime.now() - drawnAt >= 100 || done() === total) draw();
    },
    alert: (line) => area.above(line, bar()),
    stop() {
      stopTicker();
      draw();
      area.done(true);
    },
  };
}
