import { expect } from 'chai';
import ICAL from 'ical.js';
import { bookingKeys, checkSlots, meetingUid, reminderTime } from '../../src/cases/meetings.js';
import { meetingCalendar } from '../../src/notifications/meeting-calendar.js';
import { loadSeedCalendar } from '../../src/sla/calendar.js';
import { insideWorkingHours, openingOfWorkingDayBefore } from '../../src/sla/deadline.js';
import { type AppError } from '../../src/shared/errors.js';

const BH = loadSeedCalendar('BH'); // Sunday–Thursday 07:00–14:00 (UTC+3), National Day 16–17 December
const SHJ = loadSeedCalendar('AE-SHJ'); // Monday–Thursday, Friday–Sunday off
const at = (iso: string) => new Date(iso);

describe('meeting slots and reminders on a working calendar (pure)', () => {
  it('a slot fits only inside one working window: from opening, up to closing, on a working day', () => {
    expect(insideWorkingHours(BH, at('2026-12-01T04:00:00Z'), at('2026-12-01T04:30:00Z')), 'from 07:00').to.equal(true);
    expect(insideWorkingHours(BH, at('2026-12-01T10:30:00Z'), at('2026-12-01T11:00:00Z')), 'up to 14:00').to.equal(true);
    expect(insideWorkingHours(BH, at('2026-12-01T03:45:00Z'), at('2026-12-01T04:15:00Z')), 'starts before opening').to.equal(false);
    expect(insideWorkingHours(BH, at('2026-12-01T10:45:00Z'), at('2026-12-01T11:15:00Z')), 'runs past closing').to.equal(false);
    expect(insideWorkingHours(BH, at('2026-12-04T07:00:00Z'), at('2026-12-04T07:30:00Z')), 'Friday').to.equal(false);
    expect(insideWorkingHours(BH, at('2026-12-16T07:00:00Z'), at('2026-12-16T07:30:00Z')), 'National Day').to.equal(false);
    expect(insideWorkingHours(BH, at('2026-12-01T07:00:00Z'), at('2026-12-01T07:00:00Z')), 'no length').to.equal(false);
    expect(insideWorkingHours(SHJ, at('2026-12-06T06:00:00Z'), at('2026-12-06T06:30:00Z')), 'Sunday in Sharjah').to.equal(false);
  });

  it('the reminder goes out at the opening of the last working day before the meeting’s day', () => {
    expect(openingOfWorkingDayBefore(BH, at('2026-12-01T07:00:00Z')).toISOString(), 'Tuesday → Monday 07:00').to.equal('2026-11-30T04:00:00.000Z');
    expect(openingOfWorkingDayBefore(BH, at('2026-12-06T07:00:00Z')).toISOString(), 'Sunday → Thursday').to.equal('2026-12-03T04:00:00.000Z');
    expect(openingOfWorkingDayBefore(BH, at('2026-12-20T07:00:00Z')).toISOString(), 'after National Day and the weekend → Tuesday 15th').to.equal('2026-12-15T04:00:00.000Z');
    expect(openingOfWorkingDayBefore(SHJ, at('2026-12-08T06:00:00Z')).toISOString(), 'Sharjah Tuesday → Monday 07:30').to.equal('2026-12-07T03:30:00.000Z');
    // Monday 7 December: Friday–Sunday off, and 1–3 December (Commemoration and National Day) holidays, so Monday 30 November.
    expect(openingOfWorkingDayBefore(SHJ, at('2026-12-07T06:00:00Z')).toISOString(), 'Sharjah Monday → Monday before the holidays').to.equal('2026-11-30T03:30:00.000Z');
    const now = at('2026-11-30T05:00:00Z');
    expect(reminderTime(BH, { start: at('2026-12-01T07:00:00Z'), end: at('2026-12-01T07:30:00Z') }, now), 'already past: no reminder').to.equal(null);
  });

  it('offered slots are checked in order, the first problem named by its stable code', () => {
    const now = at('2026-11-29T06:00:00Z');
    const codeOf = (starts: string[], minutes = 30): string | null => {
      try {
        checkSlots(starts.map(at), minutes, BH, now);
        return null;
      } catch (err) {
        return (err as AppError).code;
      }
    };
    expect(codeOf(['2026-12-01T07:00:00Z', '2026-12-02T08:15:00Z'])).to.equal(null);
    expect(codeOf(['2026-12-01T07:05:00Z'])).to.equal('SLOT_NOT_ON_QUARTER_HOUR');
    expect(codeOf(['2026-12-01T07:00:00Z', '2026-12-01T07:00:00Z'])).to.equal('DUPLICATE_SLOT');
    expect(codeOf(['2026-11-29T06:00:00Z'])).to.equal('SLOT_IN_PAST');
    expect(codeOf(['2026-12-05T07:00:00Z'])).to.equal('SLOT_OUTSIDE_WORKING_HOURS');
  });

  it('a pick takes the meeting’s key and one key per quarter hour of the officer’s time', () => {
    expect(bookingKeys('m1', 'o1', { start: at('2026-12-01T07:00:00Z'), end: at('2026-12-01T07:45:00Z') })).to.deep.equal([
      'meeting:m1',
      'officer:o1:2026-12-01T07:00:00.000Z',
      'officer:o1:2026-12-01T07:15:00.000Z',
      'officer:o1:2026-12-01T07:30:00.000Z',
    ]);
    expect(meetingUid('6b11a64af496fa7a01ee2f38', 'https://tawasul.gov.bh')).to.equal('meeting-6b11a64af496fa7a01ee2f38@tawasul.gov.bh');
  });

  it('the invitation is RFC 5545: CRLF lines folded at 75 octets, METHOD:REQUEST, UTC times, and the Arabic text parses back whole', () => {
    const videoLink = 'https://meet.capital.gov.bh/tawasul/room/with-a-rather-long-path-that-needs-folding-0123456789';
    const ics = meetingCalendar(
      {
        uid: 'meeting-abc@tawasul.gov.bh',
        sequence: 0,
        reference: 'TW-26-7KQ4-M9XD',
        mode: 'video',
        start: '2026-12-01T07:00:00.000Z',
        end: '2026-12-01T07:30:00.000Z',
        videoLink,
        phone: null,
        organizer: { name: 'الموظفة مريم', email: 'maryam@capital.gov.bh' },
        attendee: { name: 'فاطمة علي', email: 'fatima@example.bh' },
        caseUrl: 'https://tawasul.gov.bh/track?reference=TW-26-7KQ4-M9XD',
      },
      'ar',
    );
    const lines = ics.split('\r\n');
    expect(ics.replace(/\r\n/g, '')).not.to.match(/[\r\n]/);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8'), line).to.be.at.most(75);
    expect(lines.some((l) => l.startsWith(' ')), 'long lines are folded').to.equal(true);
    expect(lines).to.include('METHOD:REQUEST');
    expect(lines).to.include('DTSTART:20261201T070000Z');
    expect(lines).to.include('UID:meeting-abc@tawasul.gov.bh');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
    expect(event.summary).to.equal('لقاء مرئي — الرقم المرجعي TW-26-7KQ4-M9XD');
    expect(event.description).to.contain(`رابط اللقاء: ${videoLink}`);
    expect(event.location).to.equal(videoLink);
  });
});
