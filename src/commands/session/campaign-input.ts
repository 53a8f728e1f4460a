import { inputFormat, type RowProblem, readInput } from '../../core/campaign/input.js';
import { buildRows, type CampaignRow, ROW_COLUMNS } from '../../core/campaign/rows.js';
import { type CreateFlags, parseCreateFlags } from '../../core/create-body.js';
import { UsageError } from '../../core/errors.js';
import { sanitizeLine } from '../../lib/text.js';
import type { CommandContext } from '../context.js';
import { fileReader } from '../stdin.js';

/** "lines 2, 5 and 9", "lines 2, 5, 9 ... (40 lines)". */
export function linesText(lines: number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  if (lines.length <= 6) return `lines ${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
  return `lines ${lines.slice(0, 5).join(', ')} … (${lines.length} lines)`;
}

/** The text of --from-file: a file, or stdin for `-`. */
export async function readSource(ctx: CommandContext, name: string, flag = '--from-file'): Promise<string> {
  const files = fileReader(ctx.runtime);
  if (name === '-') {
    // A terminal would wait for typed rows, with nothing to say so.
    if (ctx.runtime.stdin.isTTY)
      throw new UsageError(
        `${flag} - reads stdin, which is a terminal here.`,
        `Pipe the file in (\`cat customers.csv | ...\`) or name it: ${flag} customers.csv.`,
      );
    return files.readStdin();
  }
  try {
    return await files.readFile(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot read ${flag} ${name}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? (error as Error).message)}.`,
    );
  }
}

/**
 * The rows of --from-file, every one checked before anything is sent: a file with any problem is
 * refused whole (exit 2), each problem listed with its line. The flags (but the owner's) give
 * every row its defaults.
 */
export async function loadRows(ctx: CommandContext, source: string, flags: CreateFlags): Promise<CampaignRow[]> {
  const text = await readSource(ctx, source);
  const { originOwnerId: _id, originOwnerName: _name, ...defaultFlags } = flags;
  const { body: defaults, warnings } = await parseCreateFlags(defaultFlags, fileReader(ctx.runtime));
  for (const warning of warnings) ctx.out.warn(warning);
  const shown = source === '-' ? 'stdin' : source;
  const input = readInput(text, inputFormat(source, text), ROW_COLUMNS);
  const built = buildRows(input.rows, defaults);
  const problems = [...input.problems, ...built.problems].sort((a, b) => a.line - b.line);
  // A problem of the whole file (empty, unreadable) has no line, and leaves no row to check.
  const whole = problems.filter((p) => p.line === 0);
  if (whole.length > 0) {
    throw new UsageError(
      `${sanitizeLine(shown)} ${whole.map((p) => sanitizeLine(p.message)).join('; ')}; nothing was sent.`,
      'A CSV needs a header line naming the columns (origin_owner_id, origin_owner_name, ...), then one line per customer.',
    );
  }
  if (problems.length > 0) {
    const bad = new Set(problems.map((p) => p.line)).size;
    throw new UsageError(
      `${sanitizeLine(shown)}: ${bad} ${bad === 1 ? 'line has' : 'lines have'} problems; nothing was sent.\n${problems.map(problemLine).join('\n')}`,
      'Fix them and run the command again: nothing is sent until every row is right.',
    );
  }
  if (built.rows.length === 0) {
    throw new UsageError(
      `${sanitizeLine(shown)} has no rows.`,
      'A CSV needs a header line naming the columns (origin_owner_id, origin_owner_name, ...), then one line per customer.',
    );
  }
  // A warning is a sentence of its own ("... Write 20m for minutes."): its lines go before its stop.
  for (const [warning, lines] of built.warnings) ctx.out.warn(`${sanitizeLine(warning).replace(/\.$/, '')} (${linesText(lines)}).`);
  return built.rows;
}

function problemLine(problem: RowProblem): string {
  return `  line ${problem.line}: ${sanitizeLine(problem.message)}`;
}
