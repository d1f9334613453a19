/**
 * Stable argsort of doubles by LSD radix sort on their IEEE-754 bits: 1,000,000 values sort in a few
 * milliseconds, where a comparator sort of indices takes hundreds — and trees presort every feature.
 * NaN must not occur (fit inputs are validated).
 */
export function argsortFloat64(values: Float64Array): Int32Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  // Map each double to two unsigned words that compare like the numbers: flip all bits of negatives,
  // only the sign bit of non-negatives. Little-endian: word 2i is low, 2i+1 high.
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + 1];
    const l = bits[2 * i];
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  let idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Int32Array(n);
  // Digits of 16 bits (4 passes) for long columns; 8 bits (8 passes) for short ones, where clearing and summing
  // 65,536 counts per pass cost more than the rows (4,334 rows: 12 columns took 14 ms, nearly all in the counts).
  const width = n >= 1 << 14 ? 16 : 8;
  const buckets = 1 << width;
  const mask = buckets - 1;
  const count = new Int32Array(buckets + 1);
  for (let pass = 0; pass < 64 / width; pass++) {
    const word = pass < 32 / width ? lo : hi;
    const shift = (pass % (32 / width)) * width;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((word[i] >>> shift) & mask) + 1]++;
    // A digit shared by every key leaves the order unchanged: skip the scatter (common for the low words of integers).
    let skip = false;
    for (let d = 1; d <= buckets; d++) {
      if (count[d] === n) {
        skip = true;
        break;
      }
      if (count[d] !== 0) break;
    }
    if (skip) continue;
    for (let d = 1; d <= buckets; d++) count[d] += count[d - 1];
    for (let i = 0; i < n; i++) {
      const k = idx[i];
      tmp[count[(word[k] >>> shift) & mask]++] = k;
    }
    const t = idx;
    idx = tmp;
    tmp = t;
  }
  return idx;
}
