/**
 * An amount (records, body bytes) that requests share and hold until they are answered: what
 * bounds the memory the gateway keeps for its clients. Each request takes what it needs through a
 * {@link Hold}, and gives all of it back once, when it is answered.
 */
export class Allowance {
  private heldAmount = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** What the requests in progress hold now. */
  get held(): number {
    return this.heldAmount;
  }

  /** A request's share, empty until it takes something. */
  hold(): Hold {
    return new Hold(this);
  }

  /**
   * Whether `amount` more fits, for a request that already holds `own`. When the others hold
   * nothing, any amount does: a lone request larger than the limit goes through on its own
   * rather than never.
   */
  fits(amount: number, own: number): boolean {
    return this.heldAmount === own || this.heldAmount + amount <= this.limit;
  }

  /** Only through a {@link Hold}. */
  change(amount: number): void {
    this.heldAmount += amount;
  }
}

/** One request's share of an {@link Allowance}. */
export class Hold {
  private amount = 0;
  private released = false;
  private readonly allowance: Allowance;

  constructor(allowance: Allowance) {
    this.allowance = allowance;
  }

  /** Takes `amount` more, or takes nothing and returns false when it does not fit. */
  take(amount: number): boolean {
    if (this.released || !this.allowance.fits(amount, this.amount)) return false;
    this.amount += amount;
    this.allowance.change(amount);
    return true;
  }

  /** Gives back all it took; later calls do nothing. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.allowance.change(-this.amount);
    this.amount = 0;
  }
}
