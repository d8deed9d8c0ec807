/** Only a path on this site: `/x`, never `//host` or `https://…` (no open redirect). */
export function safeLocalPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/';
}
