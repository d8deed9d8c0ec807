/**
 * SLA policies in the database: administrators list, create, replace and delete them; the clock
 * reads them (cached briefly per instance, cleared on every change made here) to resolve the targets
 * and calendar of a case.
 */
import { Types } from 'mongoose';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { ReadCache } from '../shared/read-cache.js';
import type { Principal } from '../shared/principal.js';
import { getCalendar } from './calendar.service.js';
import { SlaPolicyModel } from './policy.model.js';
import { profileIdentity } from '../config/index.js';
import { checkPolicyShape, parseSlaTargets, resolvePolicy, type PolicyMatch, type ResolvedPolicy, type SlaPolicy, type SlaTargets } from './policy.js';

const cache = new ReadCache<SlaPolicy[]>(30_000);

export function invalidatePolicyCache(): void {
  cache.clear();
}

type PolicyDoc = { _id: Types.ObjectId } & Omit<SlaPolicy, 'id'>;

function toPolicy(d: PolicyDoc): SlaPolicy {
  const clean = <T extends object>(o: T | undefined | null): T | undefined => (o ? (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T) : undefined);
  const p: SlaPolicy = { id: d._id.toHexString(), name: d.name, match: clean(d.match) ?? {} };
  if (d.firstResponse) p.firstResponse = clean(d.firstResponse)!;
  if (d.resolution) p.resolution = clean(d.resolution)!;
  if (d.managersAfter) p.managersAfter = clean(d.managersAfter)!;
  if (d.calendar) p.calendar = d.calendar;
  if (typeof d.restartOnTransfer === 'boolean') p.restartOnTransfer = d.restartOnTransfer;
  if (d.headContact?.email) p.headContact = clean(d.headContact)!;
  if (d.videoLink) p.videoLink = d.videoLink;
  return p;
}

export async function listPolicies(profile: string): Promise<SlaPolicy[]> {
  const docs = await SlaPolicyModel.find({ profile }).sort({ _id: 1 }).lean<PolicyDoc[]>();
  return docs.map(toPolicy);
}

async function listPoliciesCached(profile: string): Promise<SlaPolicy[]> {
  return cache.get(profile, () => listPolicies(profile));
}

const defaultsByProfile = new Map<string, SlaTargets>();

/** The deployment's SLA defaults: the `sla` of its profile.json (profiles/<code>/), read once. */
export function slaDefaultsOf(profile: string): SlaTargets {
  let found = defaultsByProfile.get(profile);
  if (!found) defaultsByProfile.set(profile, (found = parseSlaTargets(profileIdentity(profile).sla)));
  return found;
}

/** The policy of a case (by its agency, category, type and priority), over the profile's defaults. */
export async function policyFor(profile: string, c: PolicyMatch): Promise<ResolvedPolicy> {
  return resolvePolicy(await listPoliciesCached(profile), c, slaDefaultsOf(profile));
}

async function checkCalendarExists(code: string | undefined): Promise<void> {
  if (!code) return;
  try {
    await getCalendar(code);
  } catch (err) {
    if (err instanceof NotFoundError) throw new ValidationError([{ field: 'calendar', code: 'UNKNOWN_CALENDAR', message: `No calendar with the code ${code}.` }]);
    throw err;
  }
}

export async function createPolicy(profile: string, body: Omit<SlaPolicy, 'id'>, by: Principal, now: Date): Promise<SlaPolicy> {
  checkPolicyShape(body);
  await checkCalendarExists(body.calendar);
  const doc = await SlaPolicyModel.create({ ...body, profile, updatedBy: { userId: by.userId, name: by.name }, createdAt: now, updatedAt: now });
  invalidatePolicyCache();
  return toPolicy(doc.toObject() as PolicyDoc);
}

const notFound = (): NotFoundError => new NotFoundError('POLICY_NOT_FOUND', 'No SLA policy with this id.');

export async function replacePolicy(profile: string, id: string, body: Omit<SlaPolicy, 'id'>, by: Principal, now: Date): Promise<SlaPolicy> {
  if (!Types.ObjectId.isValid(id)) throw notFound();
  checkPolicyShape(body);
  await checkCalendarExists(body.calendar);
  const unset = Object.fromEntries(['firstResponse', 'resolution', 'managersAfter', 'calendar', 'restartOnTransfer', 'headContact', 'videoLink'].filter((k) => body[k as keyof typeof body] === undefined).map((k) => [k, 1]));
  const result = await SlaPolicyModel.updateOne(
    { _id: new Types.ObjectId(id), profile },
    { $set: { ...body, updatedBy: { userId: by.userId, name: by.name }, updatedAt: now }, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
  );
  if (result.matchedCount !== 1) throw notFound();
  invalidatePolicyCache();
  return toPolicy((await SlaPolicyModel.findById(id).lean<PolicyDoc>())!);
}

export async function deletePolicy(profile: string, id: string): Promise<void> {
  if (!Types.ObjectId.isValid(id)) throw notFound();
  const result = await SlaPolicyModel.deleteOne({ _id: new Types.ObjectId(id), profile });
  if (result.deletedCount !== 1) throw notFound();
  invalidatePolicyCache();
}
