import { expect } from 'chai';

/** The CSRF token a rendered form carries. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  expect(match, 'the page carries a CSRF token').to.not.equal(null);
  return match![1]!;
}
