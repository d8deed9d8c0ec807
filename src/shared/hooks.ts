/**
 * The calls one module makes into a module above it, as small hooks. Arrows between modules run one
 * way (see .dependency-cruiser.cjs for the order): `cases` never imports `recurring`, `users` never
 * imports `cases`, and so on. Where a lower module must tell a higher one that something happened,
 * or ask it something, it calls a hook named here; `src/wiring.ts` fills them in from the modules'
 * faces, and app.ts, server.ts and cli.ts hand them down in `deps.hooks`.
 */
import type { Types } from 'mongoose';
import type { Principal, Role } from './principal.js';

/** What recurring-issue detection needs of a case that just got its category. */
export interface RoutedCase {
  _id: Types.ObjectId;
  profile: string;
  reference: string;
  category?: string | null;
  area?: string | null;
  location?: { lat?: number | null; lng?: number | null } | null;
  agency?: string | null;
  citizenId?: Types.ObjectId | null;
  contactEmail: string;
  title?: string | null;
  description: string;
}

/** A case being anonymised (retention, or its citizen closing their account): who filed it. */
export interface AnonymisedCaseRef {
  _id: Types.ObjectId;
  citizenId?: Types.ObjectId | null;
  contactEmail?: string | null;
}

/** A case being written, before it is filed: what a look-alike search needs. */
export interface SimilarDraft {
  title?: string;
  description: string;
  category?: string | null;
  area?: string | null;
}

export interface SimilarAnswer {
  category: string | null;
  area: string | null;
  items: { reference: string; status: string; createdAt: string; score: number; sharedWords: string[] }[];
}

/** A staff-corrected case, as a training example for the text classifier. */
export interface CorrectedCase {
  reference: string;
  text: string;
  category: string;
  agency: string;
  area?: string | null;
}

export interface RoutingBarLike {
  threshold: number;
  margin: number;
}

export interface Hooks {
  /** Cases → recurring: a case got its category (filed with one, or routed out of triage). True when it was queued for detection; never throws. */
  caseRouted: (c: RoutedCase, at: Date) => Promise<boolean>;
  /** Cases → recurring: a case is being anonymised; what detection holds of its citizen, place and words goes (before the case itself is emptied). */
  caseAnonymised: (c: AnonymisedCaseRef, at: Date) => Promise<void>;
  /** Cases → recurring: open cases like the one being written ("is this your problem?"); nothing stored. */
  similarOpenCases: (profile: string, draft: SimilarDraft, bar: RoutingBarLike, now: Date) => Promise<SimilarAnswer>;
  /** Cases → recurring: a signed-in citizen follows an open case (they count among its recurring issue's citizens). Returns the reference. */
  followCase: (p: Principal, reference: unknown) => Promise<string>;
  /** Users → cases: a citizen's email is verified (at verification and each sign-in): guest cases filed with it become theirs. Returns how many. */
  emailVerified: (user: { _id: Types.ObjectId; email: string; role: Role; emailVerifiedAt?: Date | null }) => Promise<number>;
  /** SLA → cases: a calendar changed; the open cases counted on it get their deadlines again. Returns how many changed. */
  calendarChanged: (code: string, now: Date) => Promise<number>;
  /** Classification → cases: the cases staff routed by hand, as training examples. */
  correctedCases: (profile: string) => Promise<CorrectedCase[]>;
}
