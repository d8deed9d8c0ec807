import { expect } from 'chai';
import { Types } from 'mongoose';
import { decodeCursor, encodeCursor, pageHref } from '../../src/shared/pagination.js';

describe('cursor pagination (shared/pagination.ts)', () => {
  const id = new Types.ObjectId('0123456789abcdef01234567');

  it('when a cursor is encoded and decoded, then the same key comes back, a null value too', () => {
    const at = new Date('2026-11-20T08:00:00.000Z');
    expect(decodeCursor(encodeCursor({ value: at, id }))).to.deep.equal({ value: at, id });
    expect(decodeCursor(encodeCursor({ value: null, id }))).to.deep.equal({ value: null, id });
  });

  it('when a cursor of the cases list\'s shape is given, then it is read as before (cursors given out stay valid)', () => {
    const old = Buffer.from(JSON.stringify({ v: '2026-11-20T08:00:00.000Z', id: id.toHexString() })).toString('base64url');
    expect(encodeCursor({ value: new Date('2026-11-20T08:00:00.000Z'), id })).to.equal(old);
  });

  it('when a cursor is not one this service gave out, then it is refused with INVALID_CURSOR', () => {
    for (const raw of ['', 'not-a-cursor', Buffer.from('null').toString('base64url'), Buffer.from('{"v":1,"id":"0123456789abcdef01234567"}').toString('base64url'), Buffer.from('{"v":null}').toString('base64url')]) {
      expect(() => decodeCursor(raw), raw).to.throw().with.property('code', 'INVALID_CURSOR');
    }
  });

  it('when a page link is made, then the query is kept without empty fields and the cursor is replaced', () => {
    expect(pageHref('/work/recurring', { status: 'flagged', area: '', cursor: 'old' }, 'new')).to.equal('/work/recurring?status=flagged&cursor=new');
    expect(pageHref('/work/recurring', { status: undefined })).to.equal('/work/recurring');
  });
});
