/**
 * Where a page may send the browser after a form or a link (`?next=`): the language switch and
 * sign-in both take it from the request, so it must never leave the site.
 */

/** Only a path on this site: `/x`, never `//host` or `https://…` (no open redirect). */
export function safeLocalPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/';
}
