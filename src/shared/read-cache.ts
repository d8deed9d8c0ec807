/**
 * Reference data that each instance reads from the database and keeps for a short while (the
 * directory, calendars, SLA policies, the classifier model, keyword and grouping rules): one shape
 * for every such copy. A change made on this instance clears its cache at once; one made on another
 * instance shows within the cache's lifetime.
 *
 * A copy's age is measured on the machine's clock, not the injected one: how stale a copy may be is
 * a fact about this process, and a clock fixed in the past or the future (tests, a replayed run) must
 * neither keep a copy forever nor throw every copy away.
 */
const registry = new Set<ReadCache<unknown>>();

export class ReadCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  /** Loads under way: callers asking for the same key meanwhile share one (a page of 25 rows, one read). */
  private readonly loading = new Map<string, Promise<V>>();
  /** Bumped by clear() and delete(): a load started before them does not keep its now-old value. */
  private generation = 0;

  constructor(readonly ttlMs: number) {
    registry.add(this);
  }

  /** The value kept for `key` if it is younger than the lifetime. */
  fresh(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && Date.now() - hit.at < this.ttlMs ? hit.value : undefined;
  }

  /** The value kept for `key`, however old (e.g. to reuse it when the database says it is unchanged). */
  kept(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V): V {
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.fresh(key);
    if (hit !== undefined) return hit;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loaded = load()
      .then((value) => (generation === this.generation ? this.set(key, value) : value))
      .finally(() => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
      });
    this.loading.set(key, loaded);
    return loaded;
  }

  delete(key: string): void {
    this.generation++;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }
}

/** Forgets every cached copy in this process (e.g. when it is pointed at another database). */
export function clearReadCaches(): void {
  for (const cache of registry) cache.clear();
}
