/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005; Fader & Hardie 2013):
 * each customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers,
 * fitted on repeat buyers' mean repeat-transaction value and frequency. It assumes spend is
 * independent of frequency, which `independence` reports so users can see when it is doubtful.
 */
import { InputError, ModelError } from '../errors.js';
import { digamma, lgamma } from '../math/gamma.js';
import type { Estimator, FittedModel, ModelJSON } from '../models/estimator.js';
import { tTwoSided } from '../stats/distributions.js';
import { collapseRows, fitMle, fittedModelJSON, readFittedModelJSON, weightedColumnMeans, type Convergence, type MleSpec, type WeightedRows } from './fit.js';

export interface SpendData {
  /** Repeat purchases; rows with x = 0 are ignored. */
  x: Float64Array;
  /** Mean repeat-transaction value (NaN or anything for x = 0). */
  monetary: Float64Array;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaOptions {
  penalizer?: number;
}

/** Pearson correlation between frequency and mean spend among repeat buyers. */
export interface IndependenceCheck {
  correlation: number;
  pValue: number;
  n: number;
  /** |correlation| < 0.3: the model's independence assumption looks acceptable. */
  plausible: boolean;
}

interface Prepared {
  xi: Int32Array;
  maxX: number;
  /** Per row: ln m, ln x, x·m (data-only terms, computed once per dataset). */
  lm: Float64Array;
  lx: Float64Array;
  xm: Float64Array;
}

const preparedCache = new WeakMap<WeightedRows, Prepared>();

function prepare(rows: WeightedRows): Prepared {
  let p = preparedCache.get(rows);
  if (!p) {
    const [X, M] = rows.columns;
    const n = rows.length;
    p = { xi: new Int32Array(n), maxX: 0, lm: new Float64Array(n), lx: new Float64Array(n), xm: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      p.xi[i] = X[i];
      p.maxX = Math.max(p.maxX, X[i]);
      p.lm[i] = Math.log(M[i]);
      p.lx[i] = Math.log(X[i]);
      p.xm[i] = X[i] * M[i];
    }
    preparedCache.set(rows, p);
  }
  return p;
}

/**
 * Weighted Gamma-Gamma log-likelihood; columns x, m. The gamma-function terms depend only on x,
 * so they are computed once per distinct frequency; a row costs one log.
 */
export function gammaGammaLogLik(par: Float64Array, rows: WeightedRows, grad: Float64Array | null): number {
  const p = par[0];
  const q = par[1];
  const v = par[2];
  const w = rows.weight;
  const { xi, maxX, lm, lx, xm } = prepare(rows);
  const logV = Math.log(v);
  // Per-x sums of weight and of weight·(ln m + ln x - ln(xm + v)), for the x-only terms.
  const W = new Float64Array(maxX + 1);
  const Wp = new Float64Array(maxX + 1);
  let ll = 0;
  let gq = 0;
  let gv = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = xi[i];
    const wi = w[i];
    const px = p * x;
    const lxm = Math.log(xm[i] + v);
    ll += wi * ((px - 1) * lm[i] + px * lx[i] - (px + q) * lxm);
    W[x] += wi;
    if (grad) {
      Wp[x] += wi * (lm[i] + lx[i] - lxm);
      gq -= wi * lxm;
      gv -= (wi * (px + q)) / (xm[i] + v);
    }
  }
  const lgQ = lgamma(q);
  const dgQ = grad ? digamma(q) : 0;
  let gp = 0;
  let wTotal = 0;
  for (let x = 1; x <= maxX; x++) {
    const wx = W[x];
    if (wx === 0) continue;
    wTotal += wx;
    const px = p * x;
    ll += wx * (lgamma(px + q) - lgamma(px) - lgQ + q * logV);
    if (grad) {
      const dpq = digamma(px + q);
      gp += x * (wx * (dpq - digamma(px)) + Wp[x]);
      gq += wx * (dpq - dgQ + logV);
    }
  }
  if (grad) {
    grad[0] = gp;
    grad[1] = gq;
    grad[2] = gv + (wTotal * q) / v;
  }
  return ll;
}

export class GammaGammaModel implements FittedModel {
  readonly kind = 'gamma-gamma';

  constructor(
    readonly params: GammaGammaParams,
    readonly logLikelihood: number,
    readonly standardErrors: GammaGammaParams,
    readonly convergence: Convergence,
    readonly independence: IndependenceCheck,
    readonly n: number,
  ) {}

  /** Population mean spend per transaction, E[Z] = p γ / (q - 1) (infinite when q <= 1). */
  meanSpend(): number {
    const { p, q, gamma } = this.params;
    return q > 1 ? (p * gamma) / (q - 1) : Infinity;
  }

  /**
   * E[Z | x, m]: expected mean transaction value, a weighted average of the population mean and the
   * customer's own mean; customers with x = 0 get the population mean.
   */
  expectedSpend(x: Float64Array, monetary: Float64Array): Float64Array {
    if (monetary.length !== x.length) throw new InputError('clv-summary-length', `Gamma-Gamma: x and monetary have different lengths (${x.length}, ${monetary.length})`);
    const { p, q } = this.params;
    const pop = this.meanSpend();
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      if (!(xi > 0)) {
        out[i] = pop;
        continue;
      }
      const wgt = (p * xi) / (p * xi + q - 1);
      out[i] = (1 - wgt) * pop + wgt * monetary[i];
    }
    return out;
  }

  toJSON(): ModelJSON {
    return fittedModelJSON(this.kind, { ...this.params }, this, ['x', 'monetary'], { independence: { ...this.independence } });
  }

  static fromJSON(json: unknown): GammaGammaModel {
    const { params, diagnostics: d, raw } = readFittedModelJSON(json, 'gamma-gamma', ['p', 'q', 'gamma']);
    const ind = (raw.independence ?? {}) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : NaN);
    return new GammaGammaModel(
      params as unknown as GammaGammaParams,
      d.logLikelihood,
      d.standardErrors as unknown as GammaGammaParams,
      d.convergence,
      { correlation: num(ind.correlation), pValue: num(ind.pValue), n: num(ind.n), plausible: ind.plausible === true },
      d.n,
    );
  }
}

export class GammaGamma implements Estimator<SpendData, GammaGammaModel> {
  constructor(readonly options: GammaGammaOptions = {}) {}

  fit(data: SpendData): GammaGammaModel {
    const { x, monetary } = data;
    if (x.length !== monetary.length) {
      throw new InputError('clv-spend-length', `Gamma-Gamma: x and monetary differ in length (${x.length}, ${monetary.length})`);
    }
    let n = 0;
    for (let i = 0; i < x.length; i++) {
      if (!(x[i] > 0)) continue;
      const m = monetary[i];
      if (!(m > 0) || !Number.isFinite(m)) {
        throw new InputError(
          'clv-nonpositive-spend',
          `Gamma-Gamma needs positive spend, but customer row ${i} has mean repeat-transaction value ${m}`,
          'Net returns and refunds into their orders and drop zero-value orders before fitting spend',
        );
      }
      n++;
    }
    if (n < 2) {
      throw new ModelError(
        'clv-no-repeat',
        `Gamma-Gamma needs at least 2 repeat buyers, found ${n}`,
        'Spend per transaction is estimated from repeat purchases; use a longer calibration period',
      );
    }
    const xs = new Float64Array(n);
    const ms = new Float64Array(n);
    for (let i = 0, k = 0; i < x.length; i++) {
      if (x[i] > 0) {
        xs[k] = x[i];
        ms[k++] = monetary[i];
      }
    }
    const rows = collapseRows([xs, ms]);
    const spec: MleSpec = { names: ['p', 'q', 'gamma'], logLik: gammaGammaLogLik, starts: gammaGammaStarts };
    const fit = fitMle(spec, rows, { penalizer: this.options.penalizer });
    const [p, q, gamma] = fit.params;
    const se = fit.standardErrors;
    return new GammaGammaModel(
      { p, q, gamma },
      fit.logLikelihood,
      { p: se[0], q: se[1], gamma: se[2] },
      fit.convergence,
      independenceCheck(xs, ms),
      n,
    );
  }
}

/** Moment-based start: mean spend ≈ pγ/(q-1) with moderate heterogeneity, then generic ones. */
function gammaGammaStarts(rows: WeightedRows): Float64Array[] {
  const mean = weightedColumnMeans(rows)[1];
  return [
    new Float64Array([4, 4, (3 * mean) / 4]),
    new Float64Array([1, 2, mean]),
    new Float64Array([1, 1, 1]),
    new Float64Array([10, 10, mean]),
  ];
}

export function independenceCheck(x: Float64Array, m: Float64Array): IndependenceCheck {
  const n = x.length;
  let mx = 0;
  let mm = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    mm += m[i];
  }
  mx /= n;
  mm /= n;
  let sxx = 0;
  let smm = 0;
  let sxm = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dm = m[i] - mm;
    sxx += dx * dx;
    smm += dm * dm;
    sxm += dx * dm;
  }
  const correlation = sxx > 0 && smm > 0 ? sxm / Math.sqrt(sxx * smm) : 0;
  const df = n - 2;
  const t = df > 0 && Math.abs(correlation) < 1 ? correlation * Math.sqrt(df / (1 - correlation * correlation)) : 0;
  const pValue = df > 0 ? tTwoSided(t, df) : NaN;
  return { correlation, pValue, n, plausible: Math.abs(correlation) < 0.3 };
}
