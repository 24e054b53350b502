/**
 * What was read from a stack text (its top frame, its fingerprint), kept for the next record
 * with the same text. An error storm repeats one stack thousands of times a second, and
 * reading it (a regular expression and a URL per frame) is most of the cost, and most of the
 * garbage, of mapping an error. Bounded: when full, it starts over.
 */
export class StackMemo<T> {
  private readonly entries = new Map<string, T>();
  private readonly capacity: number;

  constructor(capacity = 256) {
    this.capacity = capacity;
  }

  /** What was kept for `stack`, or undefined. */
  get(stack: string): T | undefined {
    return this.entries.get(stack);
  }

  set(stack: string, value: T): void {
    if (this.entries.size >= this.capacity && !this.entries.has(stack)) this.entries.clear();
    this.entries.set(stack, value);
  }
}
