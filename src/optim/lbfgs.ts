/**
 * Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright 2006, Alg. 7.5, 3.5, 3.6).
 * Likelihood fits call this with a few parameters and costly objectives, so the design
 * minimises function evaluations; NaN or infinite values at a trial point are treated as
 * "too far" and the step is cut back, which keeps fits alive near the edge of the domain.
 */

export interface MinimizeOptions {
  maxIterations?: number;
  gradientTolerance?: number;
  functionTolerance?: number;
  memory?: number;
  /**
   * Initial inverse-Hessian approximation (row-major n×n) in place of the scaled identity, e.g.
   * from a fit on a subsample; a good one makes the first steps Newton steps.
   */
  initialInverseHessian?: Float64Array;
}

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

export type Objective = (x: Float64Array, grad: Float64Array) => number;

const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_EVALS = 40;

/** f writes the gradient into `grad` and returns the value. */
export function minimize(f: Objective, x0: Float64Array, options: MinimizeOptions = {}): MinimizeResult {
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.functionTolerance ?? 1e-12;
  const m = Math.max(1, options.memory ?? 8);
  const n = x0.length;

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let evaluations = 1;
  let fx = f(x, g);
  if (!Number.isFinite(fx) || !allFinite(g)) {
    return result(x, fx, g, 0, evaluations, false, 'objective is not finite at the starting point');
  }

  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alphaBuf = new Float64Array(m);
  let stored = 0;
  let head = 0; // next slot to overwrite

  let H0 = options.initialInverseHessian && options.initialInverseHessian.length === n * n ? options.initialInverseHessian : null;
  const tmp = new Float64Array(n);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const state: LineState = { f, x, d, xTrial: xNew, gTrial: gNew, evaluations: 0, flat: 0 };

  let iterations = 0;
  let message = 'maximum iterations reached';
  let converged = false;

  if (infNorm(g) <= gtol) {
    return result(x, fx, g, 0, evaluations, true, 'gradient below tolerance at the starting point');
  }

  while (iterations < maxIterations) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = 0; k < stored; k++) {
      const j = (head - 1 - k + m) % m;
      const a = rho[j] * dot(S[j], d);
      alphaBuf[j] = a;
      axpy(-a, Y[j], d);
    }
    if (H0) {
      tmp.set(d);
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H0[i * n + j] * tmp[j];
        d[i] = v;
      }
    } else if (stored > 0) {
      const j = (head - 1 + m) % m;
      const gamma = dot(S[j], Y[j]) / dot(Y[j], Y[j]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = stored - 1; k >= 0; k--) {
      const j = (head - 1 - k + m) % m;
      const b = rho[j] * dot(Y[j], d);
      axpy(alphaBuf[j] - b, S[j], d);
    }

    let dg = dot(d, g);
    if (!(dg < 0)) {
      // Curvature information went bad: restart from steepest descent.
      stored = 0;
      H0 = null;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg = dot(d, g);
    }
    // The first step has no scale: keep it to unit length in parameter space.
    const step0 = stored === 0 && !H0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;

    state.evaluations = 0;
    state.flat = ftol * Math.max(1, Math.abs(fx));
    const ls = strongWolfe(state, fx, dg, step0);
    evaluations += state.evaluations;
    iterations++;
    if (!ls.ok) {
      if (stored > 0 || H0) {
        // Retry once along steepest descent before giving up: a quasi-Newton direction can be
        // nearly orthogonal to the gradient, and so flat, far from any minimum.
        stored = 0;
        H0 = null;
        continue;
      }
      if (ls.flat) {
        // Along -g itself no step can lower f by more than the function tolerance: the same
        // verdict the relative-change test below gives after a step that small.
        converged = true;
        message = 'no decrease above the function tolerance along the gradient';
        break;
      }
      message = 'line search could not find a lower value';
      break;
    }

    // Update memory with s = xNew - x, y = gNew - g.
    const s = S[head];
    const y = Y[head];
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }

    const fOld = fx;
    fx = ls.value;
    x.set(xNew);
    g.set(gNew);

    if (infNorm(g) <= gtol) {
      converged = true;
      message = 'gradient below tolerance';
      break;
    }
    if (Math.abs(fOld - fx) <= ftol * Math.max(1, Math.abs(fx))) {
      converged = true;
      message = 'relative change in objective below tolerance';
      break;
    }
  }
  return result(x, fx, g, iterations, evaluations, converged, message);
}

interface LineState {
  f: Objective;
  x: Float64Array;
  d: Float64Array;
  xTrial: Float64Array;
  gTrial: Float64Array;
  evaluations: number;
  /** Changes of f below this (the function tolerance, absolute) are not worth resolving. */
  flat: number;
}

interface LineResult {
  ok: boolean;
  value: number;
  /** No decrease was found because none above `flat` is possible inside the final bracket. */
  flat?: boolean;
}

interface LinePoint {
  t: number;
  f: number;
  dg: number;
}

/**
 * Strong-Wolfe line search with cubic interpolation in the zoom phase. On success the accepted
 * point is left in state.xTrial / state.gTrial.
 */
function strongWolfe(st: LineState, f0: number, dg0: number, t0: number): LineResult {
  const lo0: LinePoint = { t: 0, f: f0, dg: dg0 };
  let prev = lo0;
  let t = t0;
  let tMax = Infinity;
  for (let i = 0; i < MAX_LINE_EVALS; i++) {
    const cur = evaluate(st, t);
    if (!Number.isFinite(cur.f) || !Number.isFinite(cur.dg)) {
      // Outside the domain: treat as an upper bound on the step and back off.
      tMax = t;
      t = prev.t + 0.1 * (t - prev.t);
      if (t - prev.t < 1e-16 * Math.max(1, prev.t)) break;
      continue;
    }
    if (approxWolfe(cur, f0, dg0)) return { ok: true, value: cur.f };
    if (cur.f > f0 + C1 * t * dg0 || (i > 0 && cur.f >= prev.f)) {
      return zoom(st, f0, dg0, prev, cur);
    }
    if (Math.abs(cur.dg) <= -C2 * dg0) return { ok: true, value: cur.f };
    if (cur.dg >= 0) return zoom(st, f0, dg0, cur, prev);
    prev = cur;
    // Extrapolate, staying inside any known non-finite boundary.
    const next = Number.isFinite(tMax) ? 0.5 * (t + tMax) : 4 * t;
    t = next;
  }
  // Accept any decrease found rather than failing outright.
  if (prev.t > 0 && prev.f < f0) {
    const p = evaluate(st, prev.t);
    return { ok: true, value: p.f };
  }
  return { ok: false, value: f0 };
}

function zoom(st: LineState, f0: number, dg0: number, lo: LinePoint, hi: LinePoint): LineResult {
  let flat = false;
  for (let i = 0; i < MAX_LINE_EVALS; i++) {
    let t = cubicMin(lo, hi);
    const left = Math.min(lo.t, hi.t);
    const width = Math.abs(hi.t - lo.t);
    // Safeguard: keep the trial inside the middle 80% of the bracket.
    if (!Number.isFinite(t) || t < left + 0.1 * width || t > left + 0.9 * width) t = 0.5 * (lo.t + hi.t);
    if (width < 1e-16 * Math.max(1, Math.abs(lo.t))) break;
    // Near a minimum f varies by less than its rounding, and the bracket then shrinks on noise
    // alone until the evaluations run out. Stop once nothing worth finding is left: inside the
    // bracket f cannot fall below lo by much more than |slope| × width, and once every trial
    // point rounds to the same x a new evaluation only repeats an old one.
    if (Math.abs(lo.dg) * width <= st.flat) {
      flat = true;
      break;
    }
    if (sameTrialPoints(st, left, width)) break;
    const cur = evaluate(st, t);
    if (approxWolfe(cur, f0, dg0)) return { ok: true, value: cur.f };
    if (!Number.isFinite(cur.f) || !Number.isFinite(cur.dg) || cur.f > f0 + C1 * t * dg0 || cur.f >= lo.f) {
      hi = Number.isFinite(cur.f) ? cur : { t, f: Infinity, dg: NaN };
    } else {
      if (Math.abs(cur.dg) <= -C2 * dg0) return { ok: true, value: cur.f };
      if (cur.dg * (hi.t - lo.t) >= 0) hi = lo;
      lo = cur;
    }
  }
  if (lo.t > 0 && lo.f < f0) {
    const p = evaluate(st, lo.t);
    return { ok: true, value: p.f };
  }
  return { ok: false, value: f0, flat };
}

/** Whether x + t d is the same point in floating point for every t in [t0, t0 + width]. */
function sameTrialPoints(st: LineState, t0: number, width: number): boolean {
  const { x, d } = st;
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(width * d[i]) > Number.EPSILON * Math.abs(x[i] + t0 * d[i])) return false;
  }
  return true;
}

/**
 * Hager-Zhang approximate Wolfe test: near the optimum, f changes by less than rounding and the
 * sufficient-decrease test becomes noise, so accept a point whose value is flat to rounding and
 * whose slope satisfies the curvature condition.
 */
function approxWolfe(p: LinePoint, f0: number, dg0: number): boolean {
  return (
    Number.isFinite(p.f) && p.f <= f0 + 1e-14 * Math.abs(f0) && p.dg >= C2 * dg0 && p.dg <= (2 * C1 - 1) * dg0
  );
}

/** Minimiser of the cubic through two points with values and slopes (NaN if it does not exist). */
function cubicMin(a: LinePoint, b: LinePoint): number {
  if (!Number.isFinite(b.f) || !Number.isFinite(b.dg)) return NaN;
  const d1 = a.dg + b.dg - (3 * (a.f - b.f)) / (a.t - b.t);
  const disc = d1 * d1 - a.dg * b.dg;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b.t - a.t) * Math.sqrt(disc);
  return b.t - ((b.t - a.t) * (b.dg + d2 - d1)) / (b.dg - a.dg + 2 * d2);
}

function evaluate(st: LineState, t: number): LinePoint {
  const { x, d, xTrial, gTrial } = st;
  for (let i = 0; i < x.length; i++) xTrial[i] = x[i] + t * d[i];
  st.evaluations++;
  const fv = st.f(xTrial, gTrial);
  return { t, f: Number.isNaN(fv) ? Infinity : fv, dg: dot(gTrial, d) };
}

function result(
  x: Float64Array,
  value: number,
  g: Float64Array,
  iterations: number,
  evaluations: number,
  converged: boolean,
  message: string,
): MinimizeResult {
  return { x: Float64Array.from(x), value, gradientNorm: infNorm(g), iterations, evaluations, converged, message };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (!(v <= m)) m = v; // NaN propagates as the norm
  }
  return m;
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
