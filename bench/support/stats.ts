/** Small timing helpers shared by the in-process benchmarks. */

/** The value at quantile `p` (0–1) of the samples. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** Median wall time in ms of `run`, after one warm-up call. */
export async function medianMs(run: () => Promise<unknown>, times: number): Promise<number> {
  await run();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    await run();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return percentile(ms, 0.5);
}
