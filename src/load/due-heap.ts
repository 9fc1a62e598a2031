/**
 * The connections of a worker that send on a schedule, ordered by when their next message is
 * due: one timer per worker wakes for the earliest, instead of one timer per connection.
 * A binary min-heap; each item keeps its own index so it can be taken out from the middle.
 */
export interface Scheduled {
  /** When the next message is due, performance.now() ms. */
  due: number;
  /** Where it sits in the heap; -1 when it is not in it. */
  heapIndex: number;
}

export class DueHeap<T extends Scheduled> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  /** The top's `due` grew: move it down to its place. */
  topChanged(): void {
    if (this.items.length > 0) this.down(0);
  }

  remove(item: T): void {
    const index = item.heapIndex;
    if (index < 0) return;
    const last = this.items.pop()!;
    item.heapIndex = -1;
    if (last === item) return;
    this.items[index] = last;
    last.heapIndex = index;
    this.down(index);
    this.up(last.heapIndex);
  }

  clear(): void {
    for (const item of this.items) item.heapIndex = -1;
    this.items.length = 0;
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (parent.due <= item.due) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index]!;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && items[right]!.due < items[child]!.due) child = right;
      const smaller = items[child]!;
      if (smaller.due >= item.due) break;
      items[index] = smaller;
      smaller.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
