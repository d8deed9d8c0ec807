import { expect } from 'chai';
import { reportKeys } from '../../src/shared/report-keys.js';

describe('report keys', () => {
  it('when a time is late evening UTC, then the keys follow the deployment time zone', () => {
    // 22:30 UTC on 31 Dec 2026 is 01:30 on 1 Jan 2027 in Bahrain (UTC+3).
    expect(reportKeys(new Date('2026-12-31T22:30:00Z'), 'Asia/Bahrain')).to.deep.equal({ dayKey: '2027-01-01', weekKey: '2026-W53', monthKey: '2027-01' });
    expect(reportKeys(new Date('2026-12-31T22:30:00Z'), 'UTC')).to.deep.equal({ dayKey: '2026-12-31', weekKey: '2026-W53', monthKey: '2026-12' });
  });

  it('when the time zone is unknown, then it fails loudly', () => {
    expect(() => reportKeys(new Date(), 'Mars/Olympus')).to.throw(/time zone/);
  });
});
