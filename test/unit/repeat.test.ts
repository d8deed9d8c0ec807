import { expect } from 'chai';
import { repeat } from '../../src/shared/repeat.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Waits until `done()` holds (a slow machine gets up to two seconds). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 2000) throw new Error('timed out');
    await sleep(5);
  }
}

describe('background loops (repeat)', () => {
  it('when a run takes longer than the period, then the next one waits for it: never two at once', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const loop = repeat(
      2,
      async () => {
        active++;
        most = Math.max(most, active);
        await sleep(25);
        active--;
        runs++;
      },
      { startAfterMs: 0, onError: () => undefined },
    );
    await until(() => runs >= 3);
    await loop.stop();
    expect(most).to.equal(1);
  });

  it('when a run fails, then the failure is reported and the loop goes on', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const loop = repeat(
      5,
      () => {
        runs++;
        if (runs === 1) throw new Error('database away'); // thrown, not even a rejected promise
        return Promise.resolve();
      },
      { startAfterMs: 0, onError: (err) => errors.push(err) },
    );
    await until(() => runs > 1);
    await loop.stop();
    expect(errors.map((e) => (e as Error).message)).to.deep.equal(['database away']);
  });

  it('when stopped during a run, then stop() waits for that run to end and no run starts after', async () => {
    let runs = 0;
    let finished = 0;
    const loop = repeat(
      1,
      async () => {
        runs++;
        await sleep(30);
        finished++;
      },
      { startAfterMs: 0, onError: () => undefined },
    );
    await sleep(10); // the first run is in flight
    await loop.stop();
    expect([runs, finished]).to.deep.equal([1, 1]);
    await sleep(20);
    expect(runs).to.equal(1);
  });

  it('when a run leaves work undone and asks for no pause, then the next run starts at once, else after the period', async () => {
    const at: number[] = [];
    const loop = repeat(
      1000,
      () => {
        at.push(performance.now());
        return Promise.resolve(at.length < 3 ? 0 : undefined);
      },
      { startAfterMs: 0, onError: () => undefined },
    );
    await until(() => at.length === 3);
    await sleep(50);
    await loop.stop();
    expect(at).to.have.length(3); // two at once, then the period of a second
  });

  it('when not told otherwise, then the first run waits one period', async () => {
    let runs = 0;
    const loop = repeat(
      200,
      () => {
        runs++;
        return Promise.resolve();
      },
      { onError: () => undefined },
    );
    await sleep(50);
    expect(runs).to.equal(0);
    await until(() => runs === 1);
    await loop.stop();
    expect(runs).to.equal(1);
  });
});
