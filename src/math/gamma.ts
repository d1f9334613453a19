/** Log-gamma and digamma, accurate to ~1e-15 relative, for likelihoods and distributions. */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (reflection for x < 0.5). */
export function lgamma(x: number): number {
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x > 1e7) {
    // Stirling series: the Lanczos sum loses digits for huge arguments.
    return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
  }
  x -= 1;
  let a = LANCZOS[0];
  const t = x + LANCZOS_G + 0.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ψ(x), the derivative of ln Γ. */
export function digamma(x: number): number {
  let result = 0;
  if (x <= 0 && Math.floor(x) === x) return NaN;
  if (x < 0) {
    // Reflection: ψ(1-x) - ψ(x) = π cot(πx)
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  result +=
    Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))));
  return result;
}

/** ln B(a, b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/**
 * ln Γ(b + e) - ln Γ(b). With b in the millions and e of order one, each lgamma is ~1e7 and the
 * difference of the two keeps only ~1e-9 of its value; Stirling's series of the two, subtracted
 * term by term, keeps every digit. The first omitted term, 1/(1188 x^9), is below 1e-16 from x = 30.
 */
export function lgammaRatio(b: number, e: number): number {
  const c = b + e;
  if (!(b >= 30 && c >= 30)) return lgamma(c) - lgamma(b);
  // (c - ½) ln c - (b - ½) ln b - e = (b - ½) ln(c/b) + e ln c - e.
  return (b - 0.5) * Math.log1p(e / b) + e * Math.log(c) - e + stirlingTail(c) - stirlingTail(b);
}

function stirlingTail(x: number): number {
  const f = 1 / (x * x);
  return (1 / 12 - f * (1 / 360 - f * (1 / 1260 - f / 1680))) / x;
}

/**
 * ψ(b + e) - ψ(b), for the same reason as lgammaRatio: with b in the millions ψ(b) ≈ ln b and the
 * difference, ≈ e/b, would keep only the digits the two logarithms do not share.
 */
export function digammaDiff(b: number, e: number): number {
  const c = b + e;
  if (!(b >= 30 && c >= 30)) return digamma(c) - digamma(b);
  // ψ(x) = ln x - 1/(2x) - 1/(12x²) + 1/(120x⁴) - 1/(252x⁶) + 1/(240x⁸) - …; first omitted term below 1e-16 from x = 30.
  return Math.log1p(e / b) + e / (2 * b * c) + digammaTail(c) - digammaTail(b);
}

function digammaTail(x: number): number {
  const f = 1 / (x * x);
  return -f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f / 240)));
}
