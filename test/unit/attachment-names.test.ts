import crypto from 'node:crypto';
import { expect } from 'chai';
import { displayFilename, pdfActiveContent, safeFilename, sniffContentType } from '../../src/cases/attachments.js';
import { PDF_MIN, PNG_1PX } from '../support/files.js';
import { GIF_HTML_POLYGLOT, PDF_ESCAPED_SCRIPT, PDF_LAUNCH, PDF_OPEN_SCRIPT, PDF_PLAIN_COMPRESSED, PDF_SCRIPT_IN_OBJECT_STREAM, PDF_UNREADABLE_OBJECT_STREAM, RLO_NAME } from '../support/risky-files.js';

describe('attachment names and PDF contents', () => {
  it('when a name ends with another extension than its bytes say, then the stored name ends with the detected one', () => {
    expect(safeFilename('report.html', 'image/png')).to.equal('report.png');
    expect(safeFilename('photo.JPEG', 'image/jpeg')).to.equal('photo.jpg');
    expect(safeFilename('scan.pdf.exe', 'application/pdf')).to.equal('scan.pdf.pdf');
    expect(safeFilename('no extension', 'image/webp')).to.equal('no extension.webp');
    expect(safeFilename('...', 'image/gif')).to.equal('attachment.gif');
    expect(safeFilename('صورة العمود.png', 'image/png')).to.equal('صورة العمود.png');
    expect(safeFilename(safeFilename('report.html', 'image/png'), 'image/png')).to.equal('report.png'); // idempotent
  });

  it('when a name carries bidi overrides or other format characters, then they are gone from the stored and displayed name', () => {
    expect(sniffContentType(GIF_HTML_POLYGLOT)).to.equal('image/gif');
    expect(safeFilename(RLO_NAME, 'image/gif')).to.equal('evidencefig.gif');
    const every = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C', '\u200B', '\uFEFF', '\u2028', '\u2029', '\u0000', '\u001B'];
    const name = `a${every.join('')}b.png`;
    expect(safeFilename(name, 'image/png')).to.equal('ab.png');
    expect(displayFilename(name)).to.equal('ab.png');
    expect(displayFilename('evidence\u202Efig.gif')).to.equal('evidencefig.gif');
    expect(displayFilename('شكوى.pdf')).to.equal('شكوى.pdf');
  });

  it('when a PDF would run something (script, open action, launch), then the check names it, escaped or compressed', () => {
    expect(pdfActiveContent(PDF_OPEN_SCRIPT)).to.equal('OpenAction');
    expect(pdfActiveContent(PDF_ESCAPED_SCRIPT)).to.equal('OpenAction');
    expect(pdfActiveContent(Buffer.from('%PDF-1.4\n3 0 obj<</S/J#61vaScript/J#53(x)>>endobj\n'))).to.equal('JavaScript');
    expect(pdfActiveContent(PDF_LAUNCH)).to.equal('AA');
    expect(pdfActiveContent(PDF_SCRIPT_IN_OBJECT_STREAM)).to.equal('OpenAction');
    expect(pdfActiveContent(PDF_UNREADABLE_OBJECT_STREAM)).to.equal('ObjStm');
  });

  it('when a PDF is plain, compressed pages and random image data included, then nothing is found', () => {
    expect(pdfActiveContent(PDF_MIN)).to.equal(null);
    expect(pdfActiveContent(PDF_PLAIN_COMPRESSED)).to.equal(null);
    const image = crypto.randomBytes(2 * 1024 * 1024);
    const withImage = Buffer.concat([Buffer.from('%PDF-1.4\n8 0 obj<</Type/XObject/Subtype/Image/Filter/DCTDecode/Length 2097152>>stream\n'), image, Buffer.from('\nendstream\nendobj\ntrailer<<>>\n%%EOF\n')]);
    expect(pdfActiveContent(withImage)).to.equal(null);
    expect(pdfActiveContent(PNG_1PX)).to.equal(null);
  });
});
