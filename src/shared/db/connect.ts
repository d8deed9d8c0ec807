import mongoose from 'mongoose';

/**
 * Mongoose settings that keep operator-shaped input out of queries: `sanitizeFilter` wraps any
 * `$`-key object in a filter with `$eq`, `strictQuery` drops unknown paths from filters.
 */
export function configureMongoose(): void {
  mongoose.set('strictQuery', true);
  mongoose.set('sanitizeFilter', true);
  mongoose.set('autoIndex', false); // indexes are built once, explicitly, by ensureIndexes()
  mongoose.set('bufferTimeoutMS', 5_000); // an operation waiting for a lost connection gives up within seconds
}

/**
 * `operationTimeoutMs`: how long one operation may wait on its socket for the database's answer (a
 * paused or stuck server); the service sets it (DB_OPERATION_TIMEOUT_MS), benchmarks and test
 * set-up leave it unbounded for their long scans.
 */
export async function connectMongoose(uri: string, options: { operationTimeoutMs?: number } = {}): Promise<typeof mongoose> {
  configureMongoose();
  // Bounded waits when the database is away: a request fails within seconds (503
  // DATABASE_UNAVAILABLE) instead of hanging, and the driver reconnects by itself when it is back.
  return mongoose.connect(uri, { serverSelectionTimeoutMS: 5_000, ...(options.operationTimeoutMs ? { socketTimeoutMS: options.operationTimeoutMs, connectTimeoutMS: options.operationTimeoutMs } : {}) });
}

/** Builds every registered model's indexes; unique indexes must exist before the first write. */
export async function ensureIndexes(): Promise<void> {
  for (const name of mongoose.modelNames()) await mongoose.model(name).createIndexes();
}

export async function pingDatabase(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected || !db) return false;
  try {
    await Promise.race([
      db.admin().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * A duplicate key is code 11000 on insert and upsert, but FerretDB v1 answers a plain update that
 * breaks a unique index with code 1 and "UNIQUE constraint failed" (docs/database.md).
 */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; writeErrors?: { code?: unknown }[] } | null;
  if (!e) return false;
  if (e.code === 11000 || e.code === 11001) return true;
  if (e.code === 1 && typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed')) return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.some((w) => w.code === 11000);
}
