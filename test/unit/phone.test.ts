import { expect } from 'chai';
import { normalisePhone, phoneSpellings } from '../../src/shared/phone.js';

describe('phone numbers: one spelling (E.164) in the deployment\'s country', () => {
  const rows: [string, string, string | null][] = [
    ['33445566', 'BH', '+97333445566'],
    ['3344 5566', 'BH', '+97333445566'],
    ['0097333445566', 'BH', '+97333445566'],
    ['+973 3344-5566', 'BH', '+97333445566'],
    ['050 123 4567', 'AE', '+971501234567'],
    ['00971501234567', 'AE', '+971501234567'],
    ['+973 3344 5566', 'AE', '+97333445566'], // a number with its country code keeps it, whatever the deployment
    ['1234 5', 'BH', null],
    ['', 'BH', null],
    ['not a phone', 'AE', null],
  ];
  for (const [raw, country, expected] of rows) {
    it(`when "${raw}" is given in ${country}, then it is ${expected ?? 'refused'}`, () => expect(normalisePhone(raw, country)).to.equal(expected));
  }

  it('when a stored phone is searched, then both the E.164 form and the text as typed are looked for', () => {
    expect(phoneSpellings(' 3344 5566 ', 'BH')).to.deep.equal(['+97333445566', '3344 5566']);
    expect(phoneSpellings('+97333445566', 'BH')).to.deep.equal(['+97333445566']);
    expect(phoneSpellings('12', 'BH')).to.deep.equal(['12']);
  });
});
