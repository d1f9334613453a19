/**
 * The NBD model (gamma-Poisson purchasing, nobody ever leaves): the common limit of BG/NBD and
 * MBG/NBD as a → 0 or b → ∞ and of Pareto/NBD as s → 0 or β → ∞. It is the nested reference every
 * dropout model must match or beat, and the closed form of the limit those fits run towards when
 * the data show no dropout. ln L = Σ_{j<x} ln(r+j) - r ln(1 + T/α) - x ln(α+T): recency carries
 * no information once no one can drop out.
 */
import { risingLogs, type RepeatData } from './bgnbd.js';
import { collapseRows, fitMle, weightedColumnMeans, type Convergence, type WeightedRows } from './fit.js';

export interface NbdFit {
  params: { r: number; alpha: number };
  standardErrors: { r: number; alpha: number };
  logLikelihood: number;
  convergence: Convergence;
}

export function nbdLogLik(p: Float64Array, rows: WeightedRows, grad: Float64Array | null): number {
  const r = p[0];
  const alpha = p[1];
  const [X, , TT] = rows.columns;
  const w = rows.weight;
  let maxX = 0;
  for (let i = 0; i < rows.length; i++) if (X[i] > maxX) maxX = X[i];
  const rl = risingLogs(r, maxX, grad !== null);
  let ll = 0;
  let gR = 0;
  let gA = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = X[i];
    const T = TT[i];
    const l1p = Math.log1p(T / alpha);
    ll += w[i] * (rl.log[x] - r * l1p - x * Math.log(alpha + T));
    if (grad) {
      gR += w[i] * (rl.inv[x] - l1p);
      gA += w[i] * (r * (1 / alpha - 1 / (alpha + T)) - x / (alpha + T));
    }
  }
  if (grad) {
    grad[0] = gR;
    grad[1] = gA;
  }
  return ll;
}

/** Maximum-likelihood NBD fit on (x, T); tx is ignored because it carries no information here. */
export function fitNbd(data: RepeatData): NbdFit {
  const rows = collapseRows([data.x, data.tx, data.T]);
  const fit = fitMle(
    {
      names: ['r', 'alpha'],
      logLik: nbdLogLik,
      starts: (rs) => {
        const [meanX, , meanT] = weightedColumnMeans(rs);
        const rate = Math.max(meanX, 1e-3) / Math.max(meanT, 1e-3);
        return [new Float64Array([1, 1 / rate]), new Float64Array([0.3, 0.3 / rate]), new Float64Array([3, 3 / rate])];
      },
    },
    rows,
  );
  return {
    params: { r: fit.params[0], alpha: fit.params[1] },
    standardErrors: { r: fit.standardErrors[0], alpha: fit.standardErrors[1] },
    logLikelihood: fit.logLikelihood, convergence: fit.convergence };
}
