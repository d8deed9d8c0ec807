import { expect } from 'chai';
import { ReadCache } from '../../src/shared/read-cache.js';

/** A load the test finishes by hand, counting how often it was started. */
function manualLoad(): { load: () => Promise<string>; calls: () => number; finish: (v: string) => void } {
  let calls = 0;
  const waiting: ((v: string) => void)[] = [];
  return {
    load: () => {
      calls++;
      return new Promise<string>((resolve) => waiting.push(resolve));
    },
    calls: () => calls,
    finish: (v) => waiting.splice(0).forEach((resolve) => resolve(v)),
  };
}

describe('ReadCache', () => {
  it('loads a missing key once for callers asking at the same time, and keeps it', async () => {
    const cache = new ReadCache<string>(60_000);
    const l = manualLoad();
    const answers = Promise.all(Array.from({ length: 25 }, () => cache.get('BH', l.load)));
    l.finish('calendar');
    expect(await answers).to.deep.equal(Array(25).fill('calendar'));
    expect(l.calls()).to.equal(1);
    expect(await cache.get('BH', l.load)).to.equal('calendar');
    expect(l.calls()).to.equal(1);
  });

  it('loads again once the copy is older than its lifetime', async () => {
    const cache = new ReadCache<string>(0);
    let n = 0;
    await cache.get('k', () => Promise.resolve(`v${++n}`));
    expect(await cache.get('k', () => Promise.resolve(`v${++n}`))).to.equal('v2');
  });

  it('does not keep what a load started before clear() or delete() returns', async () => {
    const cache = new ReadCache<string>(60_000);
    for (const forget of [() => cache.clear(), () => cache.delete('k')]) {
      const l = manualLoad();
      const before = cache.get('k', l.load);
      forget();
      l.finish('old');
      expect(await before).to.equal('old'); // the caller who asked before still gets an answer
      expect(cache.kept('k')).to.equal(undefined);
      expect(await cache.get('k', () => Promise.resolve('new'))).to.equal('new');
      cache.clear();
    }
  });

  it('forgets a failed load, so the next caller tries again', async () => {
    const cache = new ReadCache<string>(60_000);
    let fail = true;
    const load = (): Promise<string> => (fail ? Promise.reject(new Error('database away')) : Promise.resolve('ok'));
    const [a, b] = await Promise.allSettled([cache.get('k', load), cache.get('k', load)]);
    expect(a.status).to.equal('rejected');
    expect(b.status).to.equal('rejected');
    fail = false;
    expect(await cache.get('k', load)).to.equal('ok');
  });
});
