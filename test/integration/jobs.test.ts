/**
 * Scheduled jobs over several instances (shared/jobs.ts on shared/claims.ts): on whatever engine the
 * tests run on, a due job is run by exactly one of the instances that reach for it at once.
 */
import { expect } from 'chai';
import { claim, ClaimModel, purgeClaims } from '../../src/shared/claims.js';
import { ManualClock } from '../../src/shared/clock.js';
import { runJob } from '../../src/shared/jobs.js';

describe('jobs and claims across instances', () => {
  const clock = new ManualClock(new Date());

  it('when four instances run one due job at once, twenty times over, then each time exactly one runs it', async () => {
    for (let round = 0; round < 20; round++) {
      clock.advance(60_000);
      let runs = 0;
      await Promise.all(['a', 'b', 'c', 'd'].map((owner) => runJob(`race-${round}`, owner, clock.now(), 30_000, 60_000, clock, () => Promise.resolve(void runs++))));
      expect(runs, `round ${round}`).to.equal(1);
    }
  });

  it('when a job ran, then it runs again only once its period has passed, even with a clock that stands still', async () => {
    const still = new ManualClock(clock.now());
    let runs = 0;
    const run = () => runJob('periodic', 'a', still.now(), 0, 60_000, still, () => Promise.resolve(void runs++));
    await run();
    await run(); // a period of 0: due again at once
    expect(runs).to.equal(2);
    const hourly = () => runJob('hourly', 'b', still.now(), 3_600_000, 60_000, still, () => Promise.resolve(void runs++));
    await hourly();
    await hourly();
    expect(runs).to.equal(3);
    still.advance(3_600_000);
    await hourly();
    expect(runs).to.equal(4);
  });

  it('when a holder died, then its claim is taken over once its lease ends, by one instance only', async () => {
    const now = clock.now();
    expect(await claim('work-x', 'dead', now, 60_000)).to.deep.equal({ id: 'work-x', owner: 'dead' });
    expect(await claim('work-x', 'b', new Date(now.getTime() + 30_000), 60_000)).to.equal(null);
    const later = new Date(now.getTime() + 61_000);
    const takers = await Promise.all(['b', 'c', 'd'].map((owner) => claim('work-x', owner, later, 60_000)));
    expect(takers.filter(Boolean).map((t) => t!.id)).to.deep.equal(['work-x#1']);
  });

  it('when claims are old, then the purge removes them and leaves recent ones', async () => {
    const now = clock.now();
    await claim('old-work', 'a', new Date(now.getTime() - 3 * 86_400_000), 60_000);
    await claim('new-work', 'a', now, 60_000);
    await purgeClaims(new Date(now.getTime() - 2 * 86_400_000));
    expect(await ClaimModel.exists({ _id: 'old-work' })).to.equal(null);
    expect(await ClaimModel.exists({ _id: 'new-work' })).to.not.equal(null);
  });
});
