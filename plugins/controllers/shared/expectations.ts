/**
 * Controller expectations (Kubernetes' UIDTrackingControllerExpectations): after issuing N creates
 * or deleting a set of pods, a controller waits until its informer has observed them before it
 * counts pods again, so a lagging cache never causes double creates or double deletes. A record
 * expires after `ttlMs` (5 minutes, as in Kubernetes) so a lost event cannot wedge a controller.
 */
export interface ExpectationRecord {
  add: number;
  del: number;
  /** pod keys expected to be deleted (each observed deletion counts once) */
  deleting: Set<string>;
  timestamp: number;
}

export class ControllerExpectations {
  private readonly records = new Map<string, ExpectationRecord>();
  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): ExpectationRecord | undefined {
    return this.records.get(key);
  }

  /** True when nothing is pending for `key` (no record, all observed, or the record expired). */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.now() - r.timestamp > this.ttlMs;
  }

  /** Replace the record: expect `add` creations and the deletion of these pod keys. */
  expect(key: string, add: number, deleting: readonly string[] = []): void {
    this.records.set(key, { add, del: deleting.length, deleting: new Set(deleting), timestamp: this.now() });
  }

  expectCreations(key: string, n: number): void {
    this.expect(key, n);
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.expect(key, 0, podKeys);
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.add--;
  }

  /** A pod was seen deleted (or marked for deletion); counts once per pod key. */
  deletionObserved(key: string, podKey: string): void {
    const r = this.records.get(key);
    if (r && r.deleting.delete(podKey)) r.del--;
  }

  /** Give back expectations for operations that were never issued or failed. */
  lower(key: string, add: number, deletedPodKeys: readonly string[] = []): void {
    const r = this.records.get(key);
    if (!r) return;
    r.add -= add;
    for (const k of deletedPodKeys) if (r.deleting.delete(k)) r.del--;
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}
