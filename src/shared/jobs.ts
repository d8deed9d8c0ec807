/**
 * Scheduled work shared by several app instances: a job runs at most once per period, by whichever
 * instance claims it first. The claim is ./claims.ts (an insert keyed by the job and its run count,
 * which only one instance can win on any engine) and it alone says who runs the job; the job's row
 * says when it last ran and how many runs it has had, so each run has a claim key of its own.
 */
import { Schema, model } from 'mongoose';
import { claim } from './claims.js';
import { isDuplicateKeyError } from './db/connect.js';

const jobSchema = new Schema({
  _id: { type: String, required: true },
  lastRunAt: { type: Date, required: true },
  /** Finished runs; the next run's claim is `job:<name>:<runs>`. */
  runs: { type: Number },
});

export const JobModel = model('Job', jobSchema, 'jobs');

/** A run this caller claimed: the job, and when it had last run as the claim read it. */
export interface JobRun {
  name: string;
  lastRunAt: Date;
}

/** Claims `name` if it last ran at least `everyMs` ago and nobody holds it; the run when this caller may run it, else null. */
export async function claimJob(name: string, owner: string, now: Date, everyMs: number, leaseMs: number): Promise<JobRun | null> {
  let job = await JobModel.findById(name).lean();
  if (!job) {
    try {
      await JobModel.create({ _id: name, lastRunAt: new Date(0), runs: 0 });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // another instance made the row first
    }
    job = (await JobModel.findById(name).lean())!;
  }
  if (job.lastRunAt.getTime() > now.getTime() - everyMs) return null;
  if (!(await claim(`job:${name}:${job.runs ?? 0}`, owner, now, leaseMs))) return null;
  return { name, lastRunAt: job.lastRunAt };
}

/**
 * Records a run: the next run claims the next key. Only once per claimed run: when a holder outlived
 * its claim and another instance took the run over, whichever finishes first records it.
 */
export async function finishJob(run: JobRun, now: Date): Promise<void> {
  await JobModel.updateOne({ _id: run.name, lastRunAt: run.lastRunAt }, { $set: { lastRunAt: now }, $inc: { runs: 1 } });
}

/**
 * Runs `work` when this caller claims the job (claimJob), and records the run when it ends, at the
 * clock's time then, even when it throws; null when the job was not due or someone else holds it.
 */
export async function runJob<T>(name: string, owner: string, now: Date, everyMs: number, leaseMs: number, clock: { now(): Date }, work: () => Promise<T>): Promise<T | null> {
  const run = await claimJob(name, owner, now, everyMs, leaseMs);
  if (!run) return null;
  try {
    return await work();
  } finally {
    await finishJob(run, clock.now());
  }
}
