/**
 * The requests of one worker awaiting replies, in send order, in typed arrays: a request is a
 * number (its id), not an object, so a million in flight cost a few tens of MB and no garbage.
 * Ids grow by one per request; the table holds the ids from `oldest` (the oldest not yet known
 * resolved) to `next`, each at `id & mask`. Because the reply timeout is the same for all, the
 * oldest request is the first to time out, and the sweep only looks at the front.
 */
export class PendingTable<Owner, Key> {
  private mask: number;
  /** When the request was due (the schedule's time; the send time in closed loop), performance.now() ms. */
  private intended: Float64Array;
  /** When it was handed to the socket. */
  private actual: Float64Array;
  private waiting: Uint8Array;
  private owners: Array<Owner | undefined>;
  private keys: Array<Key | undefined>;
  /** The id the next request gets. */
  private next = 0;
  /** No request below this id awaits a reply. */
  private oldest = 0;
  /** Requests awaiting a reply now. */
  count = 0;

  constructor(capacity = 1024) {
    this.mask = capacity - 1;
    this.intended = new Float64Array(capacity);
    this.actual = new Float64Array(capacity);
    this.waiting = new Uint8Array(capacity);
    this.owners = new Array<Owner | undefined>(capacity);
    this.keys = new Array<Key | undefined>(capacity);
  }

  add(owner: Owner, key: Key, intended: number, actual: number): number {
    if (this.next - this.oldest > this.mask) this.makeRoom();
    const id = this.next++;
    const slot = id & this.mask;
    this.intended[slot] = intended;
    this.actual[slot] = actual;
    this.waiting[slot] = 1;
    this.owners[slot] = owner;
    this.keys[slot] = key;
    this.count++;
    return id;
  }

  isWaiting(id: number): boolean {
    return id >= this.oldest && this.waiting[id & this.mask] === 1;
  }

  keyOf(id: number): Key | undefined {
    return this.keys[id & this.mask];
  }

  intendedOf(id: number): number {
    return this.intended[id & this.mask]!;
  }

  actualOf(id: number): number {
    return this.actual[id & this.mask]!;
  }

  /** The request is answered, timed out or abandoned: it no longer waits. */
  resolve(id: number): void {
    const slot = id & this.mask;
    this.waiting[slot] = 0;
    this.owners[slot] = undefined;
    this.keys[slot] = undefined;
    this.count--;
  }

  /**
   * Time out, oldest first, every request sent at or before `sentBefore`: `expire` is called
   * with each (still waiting when called; the table resolves it after).
   */
  expire(sentBefore: number, expire: (owner: Owner, id: number) => void): void {
    while (this.oldest < this.next) {
      const slot = this.oldest & this.mask;
      if (this.waiting[slot] === 1) {
        if (this.actual[slot]! > sentBefore) return;
        const owner = this.owners[slot]!;
        this.resolve(this.oldest);
        expire(owner, this.oldest);
      }
      this.oldest++;
    }
  }

  /** Full: move `oldest` past resolved requests, and if that frees nothing, double the table. */
  private makeRoom(): void {
    while (this.oldest < this.next && this.waiting[this.oldest & this.mask] === 0) this.oldest++;
    if (this.next - this.oldest <= this.mask) return;
    const capacity = (this.mask + 1) * 2;
    const mask = capacity - 1;
    const intended = new Float64Array(capacity);
    const actual = new Float64Array(capacity);
    const waiting = new Uint8Array(capacity);
    const owners = new Array<Owner | undefined>(capacity);
    const keys = new Array<Key | undefined>(capacity);
    for (let id = this.oldest; id < this.next; id++) {
      const from = id & this.mask;
      const to = id & mask;
      intended[to] = this.intended[from]!;
      actual[to] = this.actual[from]!;
      waiting[to] = this.waiting[from]!;
      owners[to] = this.owners[from];
      keys[to] = this.keys[from];
    }
    Object.assign(this, { mask, intended, actual, waiting, owners, keys });
  }
}
