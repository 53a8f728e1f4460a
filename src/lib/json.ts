/** Deeper than any answer of the StackOne API; deep enough to print, compare or copy without recursion trouble. */
export const MAX_JSON_DEPTH = 64;

export type Parsed = { ok: true; value: unknown } | { ok: false; reason: 'syntax' | 'depth' };

/**
 * JSON.parse that says whether it worked instead of throwing (empty text is not JSON), and
 * refuses values nested deeper than `maxDepth`: the parser copes with them, but printing one
 * (JSON.stringify, util.inspect) would run out of stack.
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, reason: 'syntax' };
  }
  return depthWithin(value, maxDepth) ? { ok: true, value } : { ok: false, reason: 'depth' };
}

/** Whether no array or object in `value` is nested deeper than `max` (checked without recursion). */
export function depthWithin(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return false;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return true;
}
