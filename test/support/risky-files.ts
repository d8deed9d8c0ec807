/** Files an attacker sends: their first bytes pass the type check, their names or contents do not. */
import zlib from 'node:zlib';

/** Starts as a GIF, reads as HTML to a browser that sniffs. */
export const GIF_HTML_POLYGLOT = Buffer.from('GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;<html><body><script>alert(document.domain)</script></body></html>', 'latin1');
/** Shown as `evidenceath.gif` in a page: the right-to-left override turns `fig.hta` round. */
export const RLO_NAME = 'evidence\u202Efig.hta';

const pdf = (...objects: string[]): Buffer => Buffer.from(`%PDF-1.7\n${objects.join('\n')}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');

/** Runs a script when opened. */
export const PDF_OPEN_SCRIPT = pdf('1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj', '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj', '3 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj');
/** The same with the names written in `#xx` escapes, which every reader decodes. */
export const PDF_ESCAPED_SCRIPT = pdf('1 0 obj<</Type/Catalog/Pages 2 0 R/Open#41ction 3 0 R>>endobj', '3 0 obj<</S/J#61vaScript/J#53(app.alert(1))>>endobj');
/** Starts a program when a page opens (an additional action). */
export const PDF_LAUNCH = pdf('1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj', '4 0 obj<</Type/Page/AA<</O<</S/Launch/F(cmd.exe)>>>>>>endobj');

function objectStream(inner: string, filter = '/Filter/FlateDecode'): string {
  const data = filter.includes('Flate') ? zlib.deflateSync(Buffer.from(inner, 'latin1')).toString('latin1') : Buffer.from(inner, 'latin1').toString('hex');
  return `5 0 obj<</Type/ObjStm/N 1/First 4${filter}/Length ${data.length}>>stream\n${data}\nendstream\nendobj`;
}

/** The script hidden in a compressed object stream (PDF 1.5+), invisible to a search of the raw bytes. */
export const PDF_SCRIPT_IN_OBJECT_STREAM = pdf('1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj', objectStream('3 0 <</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>'));
/** An object stream in a filter the check does not read: it cannot be checked. */
export const PDF_UNREADABLE_OBJECT_STREAM = pdf('1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj', objectStream('3 0 <</Pages 2 0 R>>', '/Filter/ASCIIHexDecode'));
/** An ordinary PDF 1.5 with an object stream and a compressed page: nothing active. */
export const PDF_PLAIN_COMPRESSED = pdf(
  '1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj',
  objectStream('2 0 <</Type/Pages/Kids[6 0 R]/Count 1>>'),
  `6 0 obj<</Type/Page/Parent 2 0 R/Contents 7 0 R>>endobj`,
  `7 0 obj<</Length 30/Filter/FlateDecode>>stream\n${zlib.deflateSync(Buffer.from('BT /F1 12 Tf (Hello /JS) Tj ET')).toString('latin1')}\nendstream\nendobj`,
);
