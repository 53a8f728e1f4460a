import { errorReply, htmlReply, type Reply } from './http.js';
import type { EmulatorOptions, Fault } from './types.js';

const KINDS: ReadonlySet<Fault['kind']> = new Set(['status', 'html', 'reset', 'truncate', 'non-json', 'delay', 'hang']);

/** A fault list that cannot be used; the control API answers 400 with its message. */
export class InvalidFaultError extends TypeError {
  override name = 'InvalidFaultError';
}

/** Throws an InvalidFaultError naming what is wrong. */
export function checkFaults(faults: unknown): Fault[] {
  if (!Array.isArray(faults)) throw new InvalidFaultError('faults must be an array of Fault objects');
  faults.forEach((f: unknown, i) => {
    const fault = f as Partial<Fault> | null;
    if (!fault || typeof fault !== 'object') throw new InvalidFaultError(`faults[${i}] must be an object`);
    if (!fault.kind || !KINDS.has(fault.kind)) throw new InvalidFaultError(`faults[${i}].kind must be one of ${[...KINDS].join(', ')}`);
    for (const key of ['times', 'status', 'retryAfter', 'delayMs'] as const) {
      const value = fault[key];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
        throw new InvalidFaultError(`faults[${i}].${key} must be a non-negative number`);
      }
    }
    for (const key of ['method', 'path'] as const) {
      if (fault[key] !== undefined && typeof fault[key] !== 'string') throw new InvalidFaultError(`faults[${i}].${key} must be a string`);
    }
  });
  return faults as Fault[];
}

/**
 * StackOne's 408 and 429 carry Retry-After (the spec declares it on every 408; the docs' error guide
 * on 429: the provider's guidance or 60 s). A scripted one without `retryAfter` says 1 s, so tests do not wait a minute.
 */
const DEFAULT_RETRY_AFTER = 1;

/** The canned error bodies of a fault that answers by itself ('status', 'html', 'non-json'). */
export function faultReply(fault: Fault, timestamp: number): Reply {
  const retryAfter =
    fault.retryAfter ?? (fault.kind === 'status' && (fault.status === 408 || fault.status === 429) ? DEFAULT_RETRY_AFTER : undefined);
  const retry: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  if (fault.kind === 'html') {
    const status = fault.status ?? 502;
    const title = `${status} ${status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Temporarily Unavailable' : 'Error'}`;
    // What a proxy or load balancer in front of the API sends: not JSON, not StackOne's shape.
    const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
    const reply = htmlReply(status, html);
    return { ...reply, headers: { ...reply.headers, ...retry } };
  }
  if (fault.kind === 'non-json') {
    return { status: 200, body: 'OK', headers: { 'content-type': 'text/plain; charset=utf-8', ...retry } };
  }
  return errorReply(fault.status ?? 500, timestamp, undefined, { headers: retry });
}

/** Scripted faults, random errors, the rate limit and latency: everything that is not the API. */
export class FaultPlan {
  private scripted: { fault: Fault; left: number }[] = [];
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowCount = 0;

  constructor(
    private readonly options: Pick<EmulatorOptions, 'latencyMs' | 'errorRate' | 'rateLimit'>,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  inject(faults: Fault[]): void {
    for (const fault of checkFaults(faults)) this.scripted.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.scripted = [];
  }

  /** Consumes the first scripted fault that matches this request, in the order they were injected. */
  take(method: string, path: string): Fault | undefined {
    const index = this.scripted.findIndex(
      ({ fault, left }) =>
        left > 0 && (!fault.method || fault.method.toUpperCase() === method.toUpperCase()) && (!fault.path || path.startsWith(fault.path)),
    );
    const entry = this.scripted[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.scripted.splice(index, 1);
    return entry.fault;
  }

  latencyMs(): number {
    const latency = this.options.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    const [min, max] = latency;
    return Math.round(min + (max - min) * this.random());
  }

  /** A 429 once `limit` requests were answered in the current window (fixed windows, as counted per key). */
  rateLimited(): Reply | undefined {
    const limit = this.options.rateLimit;
    if (!limit) return undefined;
    const now = this.now();
    if (now - this.windowStart >= limit.windowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (this.windowCount >= limit.limit) {
      const left = Math.max(1, Math.ceil((this.windowStart + limit.windowMs - now) / 1000));
      const retryAfter = limit.retryAfterSeconds ?? left;
      return errorReply(429, now, 'Too many requests', { headers: { 'retry-after': String(retryAfter) } });
    }
    this.windowCount += 1;
    return undefined;
  }

  /** True for the share `errorRate` of requests. */
  randomError(): boolean {
    const rate = this.options.errorRate ?? 0;
    return rate > 0 && this.random() < rate;
  }
}
