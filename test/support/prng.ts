/** A seeded PRNG (mulberry32) so generated test cases are the same on every run and a failure names its seed. */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256);
    return b;
  }

  /** A string from a mix of ASCII, XML-special, control, non-ASCII and astral characters. */
  text(maxLen: number): string {
    const pools = ['abcXYZ019 ', '<>&"\'=/;:', '\r\n\t\u0000\u0001\u001f\u007f', 'éÜßøå漢字売上ж', '\u{1F600}\u{10FFFF}', '\uD800\uDFFF'];
    let s = '';
    const n = this.int(0, maxLen);
    for (let i = 0; i < n; i++) {
      const pool = [...this.pick(pools)];
      s += this.pick(pool);
    }
    return s;
  }
}
