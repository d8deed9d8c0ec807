import { expect } from 'chai';
import { safeFilename, sniffContentType } from '../../src/cases/attachments.js';
import { HTML_AS_PNG, PDF_MIN, PNG_1PX } from '../support/files.js';

describe('attachment checks', () => {
  it('when the bytes are an image or a PDF, then the type is read from them', () => {
    expect(sniffContentType(PNG_1PX)).to.equal('image/png');
    expect(sniffContentType(PDF_MIN)).to.equal('application/pdf');
    expect(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).to.equal('image/jpeg');
    expect(sniffContentType(Buffer.from('GIF89a...'))).to.equal('image/gif');
    expect(sniffContentType(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'))).to.equal('image/webp');
  });

  it('when the bytes are anything else, then no type is accepted', () => {
    for (const b of [HTML_AS_PNG, Buffer.from('MZ\x90\x00'), Buffer.from(''), Buffer.from('RIFF\x00\x00\x00\x00WAVE', 'latin1'), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')]) {
      expect(sniffContentType(b)).to.equal(null);
    }
  });

  it('when a name has a path or control characters, then only a clean base name is kept', () => {
    expect(safeFilename('../../etc/passwd', 'application/pdf')).to.equal('passwd.pdf');
    expect(safeFilename('C:\\Users\\x\\صورة.png', 'image/png')).to.equal('صورة.png');
    expect(safeFilename('a"b\r\n<c>.png', 'image/png')).to.equal('abc.png');
    expect(safeFilename('', 'image/jpeg')).to.equal('attachment.jpg');
  });
});
