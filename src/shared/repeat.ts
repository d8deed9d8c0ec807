/**
 * A background loop that never overlaps itself: the next run is scheduled when the last one has
 * ended, not on a fixed beat (setInterval starts a new run while a slow one is still going, and two
 * runs of the same work in one instance can outlive a job's lease). A run that fails is reported
 * and the loop goes on. `stop()` cancels the next run and waits for the one in flight, so a process
 * can close its database after it.
 */
export interface Loop {
  stop(): Promise<void>;
}

export interface RepeatOptions {
  /** Delay before the first run (default: one period). */
  startAfterMs?: number;
  /** Told of a run that threw or rejected; the loop goes on. */
  onError: (err: unknown) => void;
}

/**
 * Runs `run` every `everyMs` after the previous run ended. `run` may return another delay for the
 * next run only (0: at once, when it left work undone).
 */
export function repeat(everyMs: number, run: () => Promise<number | void>, options: RepeatOptions): Loop {
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const schedule = (delayMs: number): void => {
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = Promise.resolve()
        .then(run)
        .then(
          (next) => (typeof next === 'number' ? next : everyMs),
          (err: unknown) => {
            options.onError(err);
            return everyMs;
          },
        )
        .then((next) => {
          inFlight = undefined;
          if (running) schedule(next);
        });
    }, delayMs);
    timer.unref(); // the loop alone does not keep the process alive
  };
  schedule(options.startAfterMs ?? everyMs);
  return {
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
