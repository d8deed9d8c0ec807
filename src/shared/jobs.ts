/**
 * Scheduled work shared by several app instances: a job runs at most once per period, by whichever
 * instance claims it first (a conditional update on the job's row: due, and no live lease).
 */
import { Schema, model } from 'mongoose';
import { lte } from './db/operators.js';

const jobSchema = new Schema({
  _id: { type: String, required: true },
  lastRunAt: { type: Date, required: true },
  owner: { type: String },
  leaseUntil: { type: Date },
});

export const JobModel = model('Job', jobSchema, 'jobs');

/** Claims `name` if it last ran at least `everyMs` ago and nobody holds it; true when this caller may run it. */
export async function claimJob(name: string, owner: string, now: Date, everyMs: number, leaseMs: number): Promise<boolean> {
  await JobModel.updateOne({ _id: name }, { $setOnInsert: { lastRunAt: new Date(0) } }, { upsert: true });
  const result = await JobModel.updateOne(
    { _id: name, lastRunAt: lte(new Date(now.getTime() - everyMs)), $or: [{ leaseUntil: null }, { leaseUntil: lte(now) }] },
    { $set: { owner, leaseUntil: new Date(now.getTime() + leaseMs) } },
  );
  return result.modifiedCount === 1;
}

/** Records a run and releases the lease (only by the instance that holds it). */
export async function finishJob(name: string, owner: string, now: Date): Promise<void> {
  await JobModel.updateOne({ _id: name, owner }, { $set: { lastRunAt: now }, $unset: { leaseUntil: 1, owner: 1 } });
}

/**
 * Runs `work` when this caller claims the job (claimJob), and records the run when it ends, at the
 * clock's time then, even when it throws; null when the job was not due or someone else holds it.
 */
export async function runJob<T>(name: string, owner: string, now: Date, everyMs: number, leaseMs: number, clock: { now(): Date }, work: () => Promise<T>): Promise<T | null> {
  if (!(await claimJob(name, owner, now, everyMs, leaseMs))) return null;
  try {
    return await work();
  } finally {
    await finishJob(name, owner, clock.now());
  }
}
