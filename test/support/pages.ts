import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';

/** The CSRF token a rendered form carries. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  expect(match, 'the page carries a CSRF token').to.not.equal(null);
  return match![1]!;
}

/** A browser holding the page session cookie of a user (as sign-in would set it). */
export function browserWith(app: Express, accessToken: string): ReturnType<typeof request.agent> {
  const agent = request.agent(app);
  agent.jar.setCookie(`tw_at=${accessToken}; Path=/`);
  return agent;
}
