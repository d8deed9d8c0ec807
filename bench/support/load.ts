/**
 * Load generators for the benchmarks. Loopback targets only; every run is bounded in time.
 *
 * - `closedLoop`: autocannon at a fixed number of connections, no rate limit: the saturation rate.
 * - `autocannonRate`: autocannon's fixed-rate mode (`overallRate`, the CLI's `-R`). Note how it works
 *   (autocannon 9, lib/httpClient.js): each connection may send rate/connections requests per second,
 *   back to back, then waits for the next one-second tick. The load therefore arrives as a burst at the
 *   start of every second, and its latency histogram is "corrected" with an expected interval of
 *   ceil(1/rate) = 1 ms. Kept because it is the project's agreed tool; read it with `openLoop` beside it.
 * - `openLoop`: a small hand-written generator that starts requests at evenly spaced intended times,
 *   whatever the answers do, and measures each latency from the intended start. This is the fixed-rate
 *   measurement without coordinated omission.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface Target {
  url: string;
  body: string;
}

export interface LoadResult {
  /** Which generator produced it. */
  kind: 'closed-loop' | 'autocannon-rate' | 'open-loop';
  durationS: number;
  /** Answers with a 2xx status. */
  ok: number;
  /** Answers with another status, by status. */
  non2xx: Record<string, number>;
  /** Connection errors and timeouts (no answer at all). */
  errors: number;
  timeouts: number;
  /** open-loop only: the error codes seen (ECONNRESET...), to tell what went wrong. */
  errorCodes?: Record<string, number>;
  /** open-loop only: requests retried once because a kept-alive socket was reset before any answer. */
  staleResets?: number;
  /** 2xx answers per second over the run. */
  rps: number;
  /** Latency in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** The rate asked for, for fixed-rate runs. */
  targetRate?: number;
  /** open-loop only: how late the generator itself started requests (p99, ms). */
  sendLagP99?: number;
}

export function hasFailures(r: LoadResult): boolean {
  return r.errors > 0 || r.timeouts > 0 || Object.keys(r.non2xx).length > 0;
}

export function describeFailures(r: LoadResult): string {
  const parts: string[] = [];
  for (const [status, n] of Object.entries(r.non2xx)) parts.push(`${n}×HTTP ${status}`);
  if (r.errors) {
    const codes = Object.entries(r.errorCodes ?? {}).map(([code, n]) => `${code}×${n}`);
    parts.push(`${r.errors} connection errors${codes.length ? ` (${codes.join(', ')})` : ''}`);
  }
  if (r.timeouts) parts.push(`${r.timeouts} timeouts`);
  const note = r.staleResets ? ` (${r.staleResets} stale keep-alive resets retried)` : '';
  return (parts.length ? parts.join(', ') : 'none') + note;
}

function fromAutocannon(kind: LoadResult['kind'], r: autocannon.Result, targetRate?: number): LoadResult {
  const non2xx: Record<string, number> = {};
  for (const [status, stat] of Object.entries(r.statusCodeStats ?? {})) {
    if (!status.startsWith('2') && stat.count) non2xx[status] = stat.count;
  }
  return {
    kind,
    durationS: r.duration,
    ok: r['2xx'],
    non2xx,
    // autocannon counts timeouts among errors
    errors: r.errors - r.timeouts,
    timeouts: r.timeouts,
    rps: r['2xx'] / r.duration,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    ...(targetRate === undefined ? {} : { targetRate }),
  };
}

function autocannonOptions(target: Target, durationS: number): autocannon.Options {
  return {
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: target.body,
    duration: durationS,
    timeout: 10,
  };
}

/** autocannon at `connections` connections, no rate limit. */
export async function closedLoop(target: Target, options: { connections: number; durationS: number }): Promise<LoadResult> {
  const r = await autocannon({ ...autocannonOptions(target, options.durationS), connections: options.connections });
  return fromAutocannon('closed-loop', r);
}

/** autocannon at `connections` connections, no rate limit, until `amount` requests are answered. */
export async function closedLoopAmount(target: Target, options: { connections: number; amount: number }): Promise<LoadResult> {
  const r = await autocannon({ ...autocannonOptions(target, 600), connections: options.connections, amount: options.amount });
  return fromAutocannon('closed-loop', r);
}

/** autocannon's fixed-rate mode: `rate` requests per second overall, spread over `connections`. */
export async function autocannonRate(target: Target, options: { rate: number; connections: number; durationS: number }): Promise<LoadResult> {
  const r = await autocannon({ ...autocannonOptions(target, options.durationS), connections: options.connections, overallRate: options.rate });
  return fromAutocannon('autocannon-rate', r, options.rate);
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Starts `rate` requests per second at evenly spaced intended times for `durationS` seconds, then
 * waits (at most `timeoutS`) for the answers still out. Latency runs from the intended start.
 */
export async function openLoop(target: Target, options: { rate: number; durationS: number; timeoutS?: number }): Promise<LoadResult> {
  const timeoutMs = (options.timeoutS ?? 10) * 1000;
  const url = new URL(target.url);
  const body = Buffer.from(target.body);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  const sendLags: number[] = [];
  const non2xx: Record<string, number> = {};
  const errorCodes: Record<string, number> = {};
  let errors = 0;
  const countError = (err: NodeJS.ErrnoException): void => {
    errors++;
    const code = err.code ?? err.message;
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  };
  let timeouts = 0;
  let staleResets = 0;
  const total = Math.round(options.rate * options.durationS);
  const intervalMs = 1000 / options.rate;

  let allAnswered: () => void = () => {};
  const answered = new Promise<void>((resolve) => (allAnswered = resolve));
  let sent = 0;
  let done = 0;
  const finishOne = (): void => {
    done++;
    if (done === total) allAnswered();
  };

  const fire = (intendedAt: number): void => {
    sendLags.push(performance.now() - intendedAt);
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      finishOne();
    };
    const attempt = (retryAllowed: boolean): void => {
      let answered = false;
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': body.length },
          timeout: timeoutMs,
        },
        (res) => {
          answered = true;
          res.resume();
          res.on('end', () =>
            settle(() => {
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) latencies.push(performance.now() - intendedAt);
              else non2xx[status] = (non2xx[status] ?? 0) + 1;
            }),
          );
          res.on('error', (err) => settle(() => countError(err)));
        },
      );
      req.on('timeout', () => {
        settle(() => timeouts++);
        req.destroy();
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive socket that the server closed as idle just as the request went out (Node's
        // documented race): the server never saw the request. Retry once on a new socket, latency still
        // counted from the intended start; counted apart so that it stays visible.
        if (retryAllowed && !answered && !settled && req.reusedSocket && err.code === 'ECONNRESET') {
          staleResets++;
          attempt(false);
          return;
        }
        settle(() => countError(err));
      });
      req.end(body);
    };
    attempt(true);
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        fire(start + sent * intervalMs);
        sent++;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  // Bounded wait for what is still out: each request has its own timeout as well.
  await Promise.race([answered, new Promise((r) => setTimeout(r, timeoutMs + 1000).unref())]);
  const unanswered = total - done;
  const elapsedS = (performance.now() - start) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  sendLags.sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    kind: 'open-loop',
    durationS: round(elapsedS),
    ok: latencies.length,
    non2xx,
    errors,
    errorCodes,
    staleResets,
    timeouts: timeouts + unanswered,
    rps: latencies.length / options.durationS,
    p50: round(percentile(latencies, 0.5)),
    p90: round(percentile(latencies, 0.9)),
    p99: round(percentile(latencies, 0.99)),
    max: round(latencies[latencies.length - 1] ?? NaN),
    targetRate: options.rate,
    sendLagP99: round(percentile(sendLags, 0.99)),
  };
}
