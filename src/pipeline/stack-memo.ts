/**
 * What was read from a stack text (its top frame, its fingerprint), kept for the next record
 * with the same text. An error storm repeats one stack thousands of times a second, and
 * reading it (a regular expression and a URL per frame) is most of the cost, and most of the
 * garbage, of mapping an error.
 *
 * The key is the stack from a given offset on (callers leave out the message line). The few
 * most recent stacks are kept.
 */
export class StackMemo<T> {
  private readonly entries: Array<{ text: string; value: T }> = [];
  private readonly capacity: number;
  private next = 0;

  constructor(capacity = 8) {
    this.capacity = capacity;
  }

  /** What was kept for `stack` from `from` on, or undefined. */
  get(stack: string, from = 0): T | undefined {
    const length = stack.length - from;
    let key: string | undefined;
    for (const entry of this.entries) {
      if (entry.text.length !== length) continue;
      // `slice` makes a view, not a copy, and `===` compares the characters as memory: several
      // times faster than `startsWith(text, from)`, which V8 runs character by character.
      key ??= from === 0 ? stack : stack.slice(from);
      if (key === entry.text) return entry.value;
    }
    return undefined;
  }

  /** Keeps `value` for `stack` from `from` on, in place of the oldest entry when full. */
  set(stack: string, value: T, from = 0): void {
    const entry = { text: stack.slice(from), value };
    const kept = this.entries.findIndex((candidate) => candidate.text === entry.text);
    if (kept !== -1) this.entries[kept] = entry;
    else if (this.entries.length < this.capacity) this.entries.push(entry);
    else {
      this.entries[this.next] = entry;
      this.next = (this.next + 1) % this.capacity;
    }
  }
}
