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
  const count = new Int32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((word[i] >>> shift) & 0xffff) + 1]++;
    // A digit shared by every key leaves the order unchanged: skip the scatter (common for the low words of integers).
    let skip = false;
    for (let d = 1; d <= 65536; d++) {
      if (count[d] === n) {
        skip = true;
        break;
      }
      if (count[d] !== 0) break;
    }
    if (skip) continue;
    for (let d = 1; d <= 65536; d++) count[d] += count[d - 1];
    for (let i = 0; i < n; i++) {
      const k = idx[i];
      tmp[count[(word[k] >>> shift) & 0xffff]++] = k;
    }
    const t = idx;
    idx = tmp;
    tmp = t;
  }
  return idx;
}
