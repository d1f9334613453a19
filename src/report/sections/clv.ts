/** Report section for customer lifetime value: model fit diagnostics, who is alive, and where value sits. */
import { CLV_MODEL_NAMES, type ClvModelKind, type ClvResult } from '../../clv/run.js';
import { barChart, histogram, lineChart } from '../charts/specs.js';
import { fmtInt, fmtMoney as money, fmtNum, fmtPct } from '../format.js';
import type { Block, Cell, ReportSection, TableBlock } from '../section.js';

export interface ClvSectionOptions {
  /** Segment label (e.g. RFM segment) of a customer, by the customer's index in the transaction log. */
  segmentOf?: (customer: number) => string;
  currency?: string | null;
  /** Identified customers of the core analysis, and how many more the models see (only free purchases). */
  population?: { identified: number; freeOnly: number };
}

export function clvSection(result: ClvResult, opts: ClvSectionOptions = {}): ReportSection {
  const { summary, horizon } = result;
  const fmtMoney = (n: number) => money(n, opts.currency);
  // The models count purchase days, free ones included, so they can see a few more customers than RFM: say so.
  const who = opts.population && opts.population.freeOnly > 0 && summary.n === opts.population.identified + opts.population.freeOnly
    ? `${fmtInt(summary.n)} customers (the ${fmtInt(opts.population.identified)} identified customers plus ${fmtInt(opts.population.freeOnly)} whose every purchase was free)`
    : `${fmtInt(summary.n)} customers`;
  const best = result.best;
  const findings: string[] = [];
  const blocks: Block[] = [];
  if (best === null) {
    findings.push(result.fitSkipped ?? `No purchase forecast or CLV is given: ${result.selection.reason}.`);
    for (const w of result.warnings) blocks.push({ kind: 'callout', level: 'warning', text: w });
    if (result.models.length > 0) blocks.push(healthTable(result), parameterTable(result), comparisonTable(result));
    return { id: 'clv', title: 'Customer lifetime value', findings, blocks };
  }
  const bestName = CLV_MODEL_NAMES[best];
  const pred = result.predictions[best]!;
  const unit = result.timeUnit === 'weeks' ? 'week' : 'day';

  // Findings, most decision-relevant first.
  const hasClv = result.clvWithheld === null;
  const clvTotal = hasClv ? sum(pred.clv) : NaN;
  const purchases = sum(pred.expectedPurchases);
  const valueWord = horizon.margin < 1 ? 'margin' : 'revenue';
  if (hasClv) {
    const top = topShare(pred.clv, 0.1);
    findings.push(
      `Over the next ${horizon.months} months the ${who} are expected to make ${fmtInt(purchases)} purchases worth ${fmtMoney(clvTotal)} in discounted ${valueWord}; the top 10% of customers account for ${fmtPct(top)} of it.`,
    );
  } else {
    findings.push(`Over the next ${horizon.months} months the ${who} are expected to make ${fmtInt(purchases)} purchases. ${result.clvWithheld}.`);
  }
  const aliveKind = result.pAlive.model;
  const alivePred = aliveKind ? result.predictions[aliveKind] : undefined;
  if (result.pAlive.note) findings.push(result.pAlive.note);
  if (aliveKind && alivePred) {
    let alive = 0;
    for (const p of alivePred.pAlive) if (p >= 0.5) alive++;
    findings.push(`${fmtPct(alive / summary.n)} of customers are probably still active (P(alive) ≥ 50% under ${CLV_MODEL_NAMES[aliveKind]}).`);
  }
  const cmp = result.comparison.find((c) => c.kind === best)!;
  if (Number.isFinite(cmp.holdoutActual)) {
    const err = (cmp.holdoutPredicted - cmp.holdoutActual) / cmp.holdoutActual;
    findings.push(
      `In the holdout period ${bestName} predicted ${fmtInt(cmp.holdoutPredicted)} repeat purchases against ${fmtInt(cmp.holdoutActual)} actual (${err >= 0 ? '+' : ''}${fmtPct(err, 1)}).`,
    );
  }
  if (result.models.length > 1) findings.push(`${bestName} is used for predictions: ${result.selection.reason}.`);
  if (result.spend) {
    const ind = result.spend.independence;
    findings.push(
      `A typical transaction is worth ${fmtMoney(result.spend.meanSpend)}; spend and purchase frequency are ${ind.plausible ? 'nearly independent' : 'correlated'} (r = ${fmtNum(ind.correlation)}), ${ind.plausible ? 'as the spend model assumes' : 'so expected spend is less reliable'}.`,
    );
  }
  for (const w of result.warnings) blocks.push({ kind: 'callout', level: 'warning', text: w });
  // Calibration vs holdout.
  const ch = result.calibrationHoldout;
  if (ch) {
    const label = (b: number) => (b === ch.frequency.length - 1 ? `${b}+` : String(b));
    const values: Record<string, unknown>[] = [];
    ch.frequency.forEach((b, k) => {
      values.push({ frequency: label(b), series: 'actual', purchases: ch.actual[k] });
      for (const [kind, p] of Object.entries(ch.predicted)) {
        values.push({ frequency: label(b), series: CLV_MODEL_NAMES[kind as ClvModelKind] ?? kind, purchases: p[k] });
      }
    });
    blocks.push({
      kind: 'chart',
      title: 'Mean holdout purchases by calibration-period repeat purchases',
      spec: lineChart(values, 'frequency', 'purchases', { xTitle: 'repeat purchases in calibration', yTitle: 'mean purchases in holdout', color: 'series', xType: 'ordinal' }),
      caption: `Holdout of ${fmtNum(summary.holdoutT![0], 1)} ${unit}s; each point averages the customers with that many calibration repeat purchases.`,
    });
  }

  // Tracking through calendar time.
  const tr = result.tracking;
  const periodName = tr.periodDays === 7 ? 'week' : `${tr.periodDays}-day period`;
  const cumulative: Record<string, unknown>[] = [];
  const incremental: Record<string, unknown>[] = [];
  tr.periodEnd.forEach((_, k) => {
    cumulative.push({ period: k + 1, series: 'actual', repeats: tr.cumulativeActual[k] });
    incremental.push({ period: k + 1, series: 'actual', repeats: tr.actual[k] });
    for (const kind of Object.keys(tr.expected)) {
      const name = CLV_MODEL_NAMES[kind as ClvModelKind] ?? kind;
      cumulative.push({ period: k + 1, series: name, repeats: tr.cumulativeExpected[kind][k] });
      incremental.push({ period: k + 1, series: name, repeats: tr.expected[kind][k] });
    }
  });
  const calibrationRule = (spec: Record<string, unknown>) => {
    const { data, height, ...line } = spec;
    return {
      data,
      height,
      layer: [line, { mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { x: { datum: tr.calibrationPeriod + 1 } } }],
    };
  };
  blocks.push({
    kind: 'chart',
    title: `Cumulative repeat transactions by ${periodName}, actual vs expected`,
    spec: calibrationRule(lineChart(cumulative, 'period', 'repeats', { xTitle: periodName, yTitle: 'cumulative repeat transactions', color: 'series', point: false })),
    caption: 'The dashed line marks the end of the calibration period; to its right the models forecast.',
  });
  blocks.push({
    kind: 'chart',
    title: `Repeat transactions per ${periodName}, actual vs expected`,
    spec: calibrationRule(lineChart(incremental, 'period', 'repeats', { xTitle: periodName, yTitle: 'repeat transactions', color: 'series', point: false })),
  });

  // P(alive) distribution, only from a model that found dropout.
  if (aliveKind && alivePred) {
    const bins = new Float64Array(10);
    for (const p of alivePred.pAlive) bins[Math.min(9, Math.floor(p * 10))]++;
    blocks.push({
      kind: 'chart',
      title: `Probability each customer is still active (${CLV_MODEL_NAMES[aliveKind]})`,
      spec: histogram(Array.from(bins, (c, k) => ({ from: k / 10, to: (k + 1) / 10, customers: c })), 'from', 'to', 'customers', { xTitle: 'P(alive)' }),
    });
  }

  // CLV deciles and segments.
  if (hasClv) {
    blocks.push({
      kind: 'chart',
      title: `Share of ${horizon.months}-month CLV by customer decile`,
      spec: barChart(decileShares(pred.clv).map((s, k) => ({ decile: `D${k + 1}`, share: s })), 'decile', 'share', {
        xTitle: 'customer decile (D1 = most valuable)',
        yTitle: `share of predicted ${valueWord}`,
        format: '%',
        horizontal: false,
        sort: 'none',
      }),
      caption: `Discounted at ${fmtPct(horizon.monthlyDiscountRate, 1)} a month${horizon.margin < 1 ? ` with a ${fmtPct(horizon.margin)} margin` : ''}; a month is 365.25/12 days.`,
    });
    if (opts.segmentOf) {
      const bySeg = new Map<string, { n: number; clv: number; alive: number }>();
      for (let i = 0; i < summary.n; i++) {
        const seg = opts.segmentOf(summary.customerIndex[i]);
        const s = bySeg.get(seg) ?? { n: 0, clv: 0, alive: 0 };
        s.n++;
        s.clv += pred.clv[i];
        s.alive += alivePred ? alivePred.pAlive[i] : NaN;
        bySeg.set(seg, s);
      }
      const segs = [...bySeg.entries()].sort((a, b) => b[1].clv / b[1].n - a[1].clv / a[1].n);
      blocks.push({
        kind: 'chart',
        title: 'Mean predicted CLV by segment',
        spec: barChart(segs.map(([segment, s]) => ({ segment, clv: s.clv / s.n })), 'segment', 'clv', { xTitle: 'segment', yTitle: 'mean CLV' }),
      });
      const withAlive = alivePred !== undefined;
      blocks.push({
        kind: 'table',
        title: 'CLV by segment',
        columns: ['segment', 'customers', 'mean CLV', 'total CLV', 'share of CLV', ...(withAlive ? ['mean P(alive)'] : [])],
        rows: segs.map(([segment, s]) => [segment, s.n, s.clv / s.n, s.clv, s.clv / clvTotal, ...(withAlive ? [s.alive / s.n] : [])]),
        formats: [undefined, 'int', 'money', 'money', 'pct', 'pct'],
        ...(withAlive ? {} : { caption: result.pAlive.note ?? undefined }),
      });
    }
  }

  // Fit health, parameters and comparison.
  blocks.push(healthTable(result), parameterTable(result), comparisonTable(result));
  return { id: 'clv', title: 'Customer lifetime value', findings, blocks };
}

/** One row per fitted model: the checks that decide whether it may feed predictions. */
function healthTable(result: ClvResult): TableBlock {
  return {
    kind: 'table',
    title: 'Fit health',
    columns: ['model', 'used', 'converged', 'log-likelihood', 'NBD log-likelihood', 'dropout LR', 'expected / actual repeats', 'next / last year', 'notes'],
    rows: result.models.map((m) => {
      const h = m.health;
      const notes = [...h.problems, ...h.flags, ...(h.boundary ? [h.boundary.reason] : h.dropoutDetected ? [] : ['no detectable dropout'])];
      return [
        m.name,
        h.healthy ? (m.kind === result.best ? 'yes (best)' : 'yes') : 'no',
        h.converged ? 'yes' : 'no',
        finite(m.logLikelihood),
        finite(h.nbdLogLikelihood),
        finite(h.dropoutLr),
        finite(h.inSample.expected / h.inSample.actual),
        finite(h.forecast.ratio),
        notes.join('; '),
      ];
    }),
    formats: [undefined, undefined, undefined, 'num2', 'num2', 'num2', 'num4', 'num2', undefined],
    caption:
      'A model is used only if it converged, its log-likelihood is finite and no worse than the no-dropout NBD model, and it reproduces the calibration purchases. Dropout is detected when 2·(LL − LL_NBD) ≥ 2.71 (5% boundary likelihood-ratio test).',
  };
}

function parameterTable(result: ClvResult): TableBlock {
  const paramRows: Cell[][] = [];
  for (const m of result.models) {
    const edge = new Set(m.health.boundary?.params ?? []);
    for (const [name, v] of Object.entries(m.params)) {
      paramRows.push(edge.has(name) ? [m.name, name, `${v < 1 ? '→ 0' : '→ ∞'}`, m.health.dropoutDetected ? 'at the edge' : 'no detectable dropout'] : [m.name, name, v, m.standardErrors[name] ?? null]);
    }
    paramRows.push([m.name, 'log-likelihood', m.logLikelihood, null]);
  }
  if (result.spend) {
    for (const [name, v] of Object.entries(result.spend.params)) paramRows.push(['Gamma-Gamma', name, v, result.spend.standardErrors[name] ?? null]);
  }
  return {
    kind: 'table',
    title: 'Fitted parameters',
    columns: ['model', 'parameter', 'estimate', 'std. error'],
    rows: paramRows.map((r) => r.map((c) => (typeof c === 'number' && !Number.isFinite(c) ? null : c))),
    formats: [undefined, undefined, 'num4', 'num4'],
    caption: `Time unit: ${result.timeUnit}. Standard errors from the inverse Hessian (delta method); a parameter at the edge of the parameter space has none.`,
  };
}

function comparisonTable(result: ClvResult): TableBlock {
  return {
    kind: 'table',
    title: 'Model comparison',
    columns: ['model', 'log-likelihood', 'AIC', 'BIC', 'holdout MAE', 'holdout RMSE', 'holdout predicted', 'holdout actual'],
    rows: result.comparison.map((c) => [
      CLV_MODEL_NAMES[c.kind as ClvModelKind] ?? c.kind,
      finite(c.logLikelihood),
      finite(c.aic),
      finite(c.bic),
      finite(c.holdoutMae),
      finite(c.holdoutRmse),
      finite(c.holdoutPredicted),
      finite(c.holdoutActual),
    ]),
    formats: [undefined, 'num2', 'num2', 'num2', 'num4', 'num4', 'int', 'int'],
  };
}

function sum(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Share of the total held by the top `fraction` of values. */
function topShare(values: Float64Array, fraction: number): number {
  const sorted = Float64Array.from(values).sort().reverse();
  const k = Math.max(1, Math.round(values.length * fraction));
  return sum(sorted.subarray(0, k)) / sum(sorted);
}

/** Share of the total in each tenth of customers, most valuable first. */
function decileShares(values: Float64Array): number[] {
  const sorted = Float64Array.from(values).sort().reverse();
  const total = sum(sorted);
  const n = sorted.length;
  return Array.from({ length: 10 }, (_, d) => sum(sorted.subarray(Math.floor((d * n) / 10), Math.floor(((d + 1) * n) / 10))) / total);
}
