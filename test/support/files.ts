/** Tiny real files for upload tests: their first bytes are what the server checks. */
export const PNG_1PX = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000185d4e3870000000049454e44ae426082', 'hex');
export const PDF_MIN = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const HTML_AS_PNG = Buffer.from('<html><script>alert(1)</script></html>');
