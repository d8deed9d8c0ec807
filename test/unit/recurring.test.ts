import { expect } from 'chai';
import { assign, DEFAULT_RULES, distanceMeters, matchCases, reachesFlag, rebuildGroups, type CaseForRecurrence } from '../../src/recurring/grouping.js';
import { cosine, packVector, unpackVector, vectorOf } from '../../src/recurring/similarity.js';
import { OVERFLOW, SMELL } from '../support/recurring-texts.js';

const DAY = 86_400_000;
const T0 = new Date('2026-10-01T08:00:00Z').getTime();
let n = 0;
function c(text: string, over: Partial<CaseForRecurrence> = {}): CaseForRecurrence {
  n++;
  return { id: `c${String(n).padStart(3, '0')}`, category: 'SEWAGE', area: 'SITRA', createdAt: new Date(T0 + n * 3_600_000), citizen: `citizen${n}`, vector: vectorOf(text), ...over };
}

const LIGHTS = [
  'أعمدة الإنارة في شارع المدرسة مطفأة منذ أسبوع والشارع مظلم',
  'الانارة طافية في شارع المدرسة وصار الشارع ظلام',
  'Street lights on the school road have been off for a week, it is completely dark',
];

describe('recurring issues: text similarity', () => {
  it('when the same overflow is described in standard Arabic, dialect and misspellings, then every pair is alike', () => {
    const v = OVERFLOW.map((t) => vectorOf(t));
    for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) {
      expect(cosine(v[i]!, v[j]!), `${i} vs ${j}`).to.be.at.least(DEFAULT_RULES.similarity);
    }
  });

  it('when an overflow in the street and a smell from the pumping station are compared, then they are not the same problem', () => {
    for (const a of OVERFLOW) for (const b of SMELL) expect(cosine(vectorOf(a), vectorOf(b)), `${a} | ${b}`).to.be.below(DEFAULT_RULES.similarity);
  });

  it('when the same problems are written in English, then variants match and the near topic does not', () => {
    const overflow = ['Sewage is overflowing onto the main road near the mosque, dirty water everywhere', 'The sewer is overflowing again on the main road by the mosque and the water is filthy', 'sewage overflow main road near mosque, dirty water on the street for days'];
    const smell = 'Terrible smell from the sewage pumping station next to our houses every night';
    const v = overflow.map((t) => vectorOf(t));
    for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) expect(cosine(v[i]!, v[j]!), `${i} vs ${j}`).to.be.at.least(DEFAULT_RULES.similarity);
    for (const x of v) expect(cosine(x, vectorOf(smell))).to.be.below(DEFAULT_RULES.similarity);
  });

  it('when smell complaints are compared among themselves, then they are alike', () => {
    const v = SMELL.map((t) => vectorOf(t));
    expect(cosine(v[0]!, v[1]!)).to.be.at.least(DEFAULT_RULES.similarity);
    expect(cosine(v[0]!, v[2]!)).to.be.at.least(DEFAULT_RULES.similarity);
  });

  it('when a vector is packed for storage, then unpacking gives it back exactly', () => {
    const v = vectorOf(`${OVERFLOW[0]!} "quoted" \\ back\tslash`);
    expect(unpackVector(packVector(v))).to.deep.equal(v);
    expect(packVector(v)).to.be.a('string');
  });

  it('when a vector is stored, then it is sorted, unit length and bounded, and the same text gives the same vector', () => {
    const v = vectorOf(OVERFLOW[0]!);
    expect([...v.f].sort()).to.deep.equal(v.f);
    expect(Math.abs(v.w.reduce((s, w) => s + w * w, 0) - 1)).to.be.below(0.01);
    expect(vectorOf(OVERFLOW[0]!)).to.deep.equal(v);
    expect(vectorOf('كلمة '.repeat(2000)).f.length).to.be.at.most(300);
    expect(cosine(v, v)).to.equal(1);
  });
});

describe('recurring issues: grouping rules', () => {
  it('when two alike cases differ in category, area, time or distance, then they stay apart', () => {
    const a = c(OVERFLOW[0]!);
    expect(matchCases(a, c(OVERFLOW[1]!), DEFAULT_RULES)).to.not.equal(null);
    expect(matchCases(a, c(OVERFLOW[1]!, { category: 'RAINWATER_FLOODING' }), DEFAULT_RULES)).to.equal(null);
    expect(matchCases(a, c(OVERFLOW[1]!, { area: 'HIDD' }), DEFAULT_RULES)).to.equal(null);
    expect(matchCases(a, c(OVERFLOW[1]!, { createdAt: new Date(a.createdAt.getTime() + 31 * DAY) }), DEFAULT_RULES)).to.equal(null);
    const here = { lat: 26.155, lng: 50.62 };
    const near = { lat: 26.156, lng: 50.621 }; // about 150 m
    const far = { lat: 26.17, lng: 50.62 }; // about 1.7 km
    expect(distanceMeters(here, near)).to.be.within(100, 200);
    expect(matchCases(c(OVERFLOW[0]!, { location: here }), c(OVERFLOW[1]!, { location: near, area: 'HIDD' }), DEFAULT_RULES)).to.not.equal(null);
    expect(matchCases(c(OVERFLOW[0]!, { location: here }), c(OVERFLOW[1]!, { location: far }), DEFAULT_RULES)).to.equal(null);
  });

  it('when a match is explained, then it names the shared words and the score', () => {
    const m = matchCases(c(OVERFLOW[0]!), c(OVERFLOW[1]!), DEFAULT_RULES)!;
    expect(m.score).to.be.within(DEFAULT_RULES.similarity, 1);
    expect(m.sharedWords.join(' ')).to.contain('مجار');
  });

  it('when five overflow complaints, smells, lights elsewhere and unrelated cases arrive mixed, then the groups hold one problem, one place and one category each', () => {
    const cases = [
      ...OVERFLOW.map((t) => c(t)),
      c('انقطاع الكهرباء عن الحي منذ الصباح', { category: 'POWER_OUTAGE' }),
      c(SMELL[0]!),
      c('حفرة كبيرة في الشارع الرئيسي قرب المسجد تسبب حوادث', { category: 'ROAD_DAMAGE' }),
      c(OVERFLOW[2]!, { area: 'HIDD' }),
      ...LIGHTS.map((t) => c(t, { category: 'STREET_LIGHTING', area: 'HAMAD_TOWN' })),
      c('تأخر موعد المستشفى ثلاثة أشهر', { category: 'HEALTH_SERVICES', area: null }),
    ].reverse(); // the order they are given in does not matter to the rebuild: it sorts by filing time
    const groups = rebuildGroups(cases, DEFAULT_RULES, (first) => `g-${first.id}`);
    const flagged = groups.filter((g) => reachesFlag(g.members, DEFAULT_RULES));
    const sewage = flagged.find((g) => g.members[0]!.category === 'SEWAGE')!;
    expect(sewage.members.map((m) => m.vector)).to.have.length(5);
    expect(new Set(sewage.members.map((m) => m.area))).to.deep.equal(new Set(['SITRA']));
    const lights = flagged.find((g) => g.members[0]!.category === 'STREET_LIGHTING');
    expect(lights, 'the street-light group (Arabic, dialect and English)').to.not.equal(undefined);
    expect(lights!.members).to.have.length(3);
    for (const g of groups) {
      expect(new Set(g.members.map((m) => m.category)).size).to.equal(1);
      expect(new Set(g.members.map((m) => m.area)).size).to.equal(1);
    }
    expect(flagged).to.have.length(2);
  });

  it('when cases arrive one by one with the indexed candidates, then the incremental result equals the rebuild', () => {
    const cases = [...OVERFLOW.map((t) => c(t)), ...SMELL.map((t) => c(t)), c(OVERFLOW[3]!, { area: 'HIDD' }), ...LIGHTS.map((t) => c(t, { category: 'STREET_LIGHTING' }))];
    // Incremental: each new case against what a query on (category, area, createdAt ≥ now − window) returns.
    const stored: CaseForRecurrence[] = [];
    let next = 0;
    const groupIds = new Map<string, string>();
    for (const x of cases) {
      const candidates = stored.filter((s) => s.category === x.category && s.area === x.area && x.createdAt.getTime() - s.createdAt.getTime() <= 30 * DAY).reverse();
      const a = assign(x, candidates, DEFAULT_RULES);
      let g: string | null = null;
      if (a.kind === 'join') g = a.groupId;
      if (a.kind === 'new_group') {
        g = `g${next++}`;
        for (const id of a.members) {
          groupIds.set(id, g);
          stored.find((s) => s.id === id)!.groupId = g;
        }
      }
      if (g) groupIds.set(x.id, g);
      stored.push({ ...x, groupId: g });
    }
    const incremental = new Set([...new Set(groupIds.values())].map((g) => [...groupIds].filter(([, v]) => v === g).map(([k]) => k).sort().join(',')));
    const rebuilt = new Set(rebuildGroups(cases, DEFAULT_RULES, (f) => f.id).map((g) => g.members.map((m) => m.id).sort().join(',')));
    expect(incremental).to.deep.equal(rebuilt);
    expect(rebuilt.size).to.equal(3);
  });

  it('when a group holds three cases over more than the window, then it is not flagged; within it, it is', () => {
    const at = (d: number) => ({ createdAt: new Date(T0 + d * DAY) });
    expect(reachesFlag([at(0), at(20), at(40)], DEFAULT_RULES)).to.equal(false);
    expect(reachesFlag([at(0), at(20), at(40), at(45)], DEFAULT_RULES)).to.equal(true);
    expect(reachesFlag([at(0), at(1)], DEFAULT_RULES)).to.equal(false);
  });
});
