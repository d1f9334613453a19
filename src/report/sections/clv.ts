/** Report section for customer lifetime value: model fit diagnostics, who is alive, and where value sits. */
import { BgNbdModel } from '../../clv/bgnbd.js';
import { MbgNbdModel } from '../../clv/mbgnbd.js';
import { ParetoNbdModel } from '../../clv/pnbd.js';
import type { PurchaseModel } from '../../clv/predict.js';
import { CLV_MODEL_NAMES, historyText, type ClvModelKind, type ClvResult } from '../../clv/run.js';
import { barChart, groupedBarChart, heatmap, histogram, lineChart } from '../charts/specs.js';
import { fmtInt, fmtMoney as formatMoney, fmtNum, fmtPct } from '../format.js';
import type { Block, Cell, ReportSection, TableBlock } from '../section.js';
import type { CustomerScores } from '../../clv/scores.js';

export interface ClvSectionOptions {
  /** Segment label (e.g. RFM segment) of a customer, by the customer's index in the transaction log. */
  segmentOf?: (customer: number) => string;
  currency?: string | null;
  /** Identified customers of the core analysis, and how many more the models see (only free purchases). */
  population?: { identified: number; freeOnly: number };
  /** Per-customer scores of the model used, for the churn-risk bands and the customers to win back. */
  scores?: CustomerScores;
  /** Customer id of a customer, by the customer's index in the transaction log (default: the index). */
  idOf?: (customer: number) => string;
}

export function clvSection(result: ClvResult, opts: ClvSectionOptions = {}): ReportSection {
  const { summary, horizon } = result;
  const fmtMoney = (n: number) => formatMoney(n, opts.currency);
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
  // A forecast longer than every history it rests on says so where it is stated.
  const beyond = result.history > 0 && horizon.units > result.history ? ` This extrapolates: the longest customer history is ${historyText(result.history, result.timeUnit)}.` : '';
  if (hasClv) {
    const top = topShare(pred.clv, 0.1);
    findings.push(
      `Over the next ${horizon.months} months the ${who} are expected to make ${fmtInt(purchases)} purchases worth ${fmtMoney(clvTotal)} in discounted ${valueWord}; the top 10% of customers account for ${fmtPct(top)} of it.${beyond}`,
    );
  } else {
    findings.push(`Over the next ${horizon.months} months the ${who} are expected to make ${fmtInt(purchases)} purchases. ${result.clvWithheld}.${beyond}`);
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
  // Actual vs expected customers by repeat purchases in calibration (lifetimes' plot_period_transactions).
  const models = healthyModels(result);
  const counts = repeatCountTable(result, models);
  if (counts) {
    blocks.push({
      kind: 'chart',
      title: 'Customers by number of repeat purchases in calibration, actual vs expected',
      spec: groupedBarChart(counts.values, 'repeats', 'customers', 'series', { xTitle: 'repeat purchases in the calibration period', yTitle: 'customers', seriesTitle: 'actual or expected by' }),
      caption: `For each model, the expected number of customers with that many repeat purchases is Σ P(X(T) = x) over customers, each with their own time T since the first purchase; the last group gathers ${counts.last} or more. In a good fit each model's bars match the actual (first) bar in every group, at 0 and 1 above all, where most customers are.`,
    });
  }

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
  // The dashed rule marks the calibration end only when there is a holdout after it.
  const split = summary.holdoutX !== undefined;
  const rule = split ? { rule: { value: tr.calibrationPeriod + 1, label: 'calibration end' } } : {};
  const splitNote = split
    ? ` The dotted line marks the end of the calibration period (${periodName} ${tr.calibrationPeriod + 1}): the models were fitted on the purchases to its left and forecast those to its right.`
    : ' All periods are in the calibration period the models were fitted on.';
  blocks.push({
    kind: 'chart',
    title: `Cumulative repeat transactions by ${periodName}, actual vs expected`,
    spec: lineChart(cumulative, 'period', 'repeats', { xTitle: `${periodName}s since the first purchase in the data`, yTitle: 'cumulative repeat transactions', color: 'series', point: false, ...rule }),
    caption: `Repeat transactions (purchase days after each customer's first) summed over all customers, against what each model expects from the customers' first-purchase dates alone.${splitNote}`,
  });
  blocks.push({
    kind: 'chart',
    title: `Repeat transactions per ${periodName}, actual vs expected`,
    spec: lineChart(incremental, 'period', 'repeats', { xTitle: `${periodName}s since the first purchase in the data`, yTitle: `repeat transactions per ${periodName}`, color: 'series', point: false, ...rule }),
    caption: `The same counts ${periodName} by ${periodName}; a model that tracks well follows the actual line's level and trend, not its week-to-week noise.${splitNote}`,
  });

  // Frequency × recency grids (lifetimes' plot_frequency_recency_matrix and plot_probability_alive_matrix).
  const grid = frequencyRecencyGrid(result);
  const bestModel = models.find((m) => m.kind === best);
  if (grid && bestModel) {
    const next = gridValues(grid, (x, tx, T) => bestModel.expectedPurchases(horizon.units, x, tx, T));
    blocks.push({
      kind: 'chart',
      title: `Expected purchases in the next ${horizon.months} months by frequency and recency (${bestName})`,
      spec: heatmap(next, 'recency', 'frequency', 'value', { ...grid.axes, colorTitle: 'expected purchases', format: ',.2~f', scheme: 'blues' }),
      caption: grid.caption + ` Darker cells expect more purchases; for a given frequency, customers who bought recently (right) are worth more than those who went quiet.`,
      wide: true,
    });
  }
  const aliveModel = aliveKind ? models.find((m) => m.kind === aliveKind) : undefined;
  if (grid && aliveKind && aliveModel) {
    const alive = gridValues(grid, (x, tx, T) => aliveModel.pAlive(x, tx, T));
    blocks.push({
      kind: 'chart',
      title: `Probability a customer is still active by frequency and recency (${CLV_MODEL_NAMES[aliveKind]})`,
      spec: heatmap(alive, 'recency', 'frequency', 'value', { ...grid.axes, colorTitle: 'P(alive)', format: '.0%', scheme: 'greens' }),
      caption: grid.caption + ' Darker cells are more likely still active; frequent buyers who have not bought for a while (left of the upper rows) are the likeliest to have dropped out.',
      wide: true,
    });
  } else if (grid) {
    blocks.push({ kind: 'text', text: `No P(alive) by frequency and recency: ${result.pAlive.note ?? 'P(alive) is withheld'}` });
  }

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
        spec: barChart(segs.map(([segment, s]) => ({ segment, clv: s.clv / s.n })), 'segment', 'clv', { xTitle: 'segment', yTitle: `mean CLV${opts.currency ? ` (${opts.currency})` : ''}` }),
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

  if (opts.scores) {
    churnRisk(opts.scores, findings, blocks);
    const winBack = winBackTable(result, opts.scores, opts);
    if (winBack) {
      findings.push(winBack.finding);
      blocks.push(winBack.table);
    }
  }
  // Fit health, parameters and comparison.
  blocks.push(healthTable(result), parameterTable(result), comparisonTable(result));
  return { id: 'clv', title: 'Customer lifetime value', findings, blocks };
}

/** Rows of the win-back table: a working list for a campaign; customers.csv has everyone. */
const WIN_BACK_ROWS = 50;

/**
 * The customers most worth acting on: at high churn risk (medium when none is high) and with the
 * most predicted value, CLV or, when spend is not modelled, expected purchases, with the scores
 * and 90% intervals a campaign needs to pick and size its offers.
 */
function winBackTable(result: ClvResult, s: CustomerScores, opts: ClvSectionOptions): { table: TableBlock; finding: string } | null {
  const best = result.best;
  const pred = best ? result.predictions[best] : undefined;
  if (!pred || s.churnRisk.length === 0) return null;
  const band = s.churnRisk.includes('high') ? 'high' : s.churnRisk.includes('medium') ? 'medium' : null;
  if (!band) return null;
  const hasClv = result.clvWithheld === null;
  const value = hasClv ? pred.clv : pred.expectedPurchases;
  const inBand: number[] = [];
  for (let i = 0; i < s.churnRisk.length; i++) if (s.churnRisk[i] === band) inBand.push(i);
  inBand.sort((i, j) => value[j] - value[i] || i - j);
  const shown = inBand.slice(0, WIN_BACK_ROWS);
  const { months } = result.horizon;
  const money = (n: number) => formatMoney(n, opts.currency);
  const idOf = (i: number) => (opts.idOf ?? String)(result.summary.customerIndex[i]);
  const alivePred = result.pAlive.model ? result.predictions[result.pAlive.model] : undefined;
  const clvIv = hasClv ? s.clvInterval : null;
  const purchasesIv = s.purchasesInterval;
  const columns = [
    'customer',
    ...(opts.segmentOf ? ['segment'] : []),
    ...(hasClv ? ['CLV', ...(clvIv ? ['CLV low', 'CLV high'] : [])] : []),
    'purchases',
    ...(purchasesIv ? ['purchases low', 'purchases high'] : []),
    ...(alivePred ? ['P(alive)'] : []),
    `P(no purchase ${s.days}d)`,
    'next order',
    ...(s.dert ? ['DERT'] : []),
  ];
  const formats = [
    undefined,
    ...(opts.segmentOf ? [undefined] : []),
    ...(hasClv ? ['money', ...(clvIv ? ['money', 'money'] : [])] : []),
    'num2',
    ...(purchasesIv ? ['num2', 'num2'] : []),
    ...(alivePred ? ['pct'] : []),
    'pct',
    undefined,
    ...(s.dert ? ['num2'] : []),
  ];
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const rows = shown.map((i) => [
    idOf(i),
    ...(opts.segmentOf ? [opts.segmentOf(result.summary.customerIndex[i])] : []),
    ...(hasClv ? [finite(pred.clv[i]), ...(clvIv ? [finite(clvIv.low[i]), finite(clvIv.high[i])] : [])] : []),
    finite(pred.expectedPurchases[i]),
    ...(purchasesIv ? [finite(purchasesIv.low[i]), finite(purchasesIv.high[i])] : []),
    ...(alivePred ? [alivePred.pAlive[i]] : []),
    s.pNoPurchase[i],
    s.nextOrderDate[i] ?? shortNote(s.nextOrderReason[i]),
    ...(s.dert ? [finite(s.dert[i])] : []),
  ]);
  const withheld = [
    hasClv && !clvIv ? `No CLV interval: ${s.clvIntervalWithheld}.` : '',
    !purchasesIv ? `No interval for expected purchases: ${s.purchasesIntervalWithheld}.` : '',
    !alivePred ? `No P(alive): ${result.pAlive.note ?? 'withheld'}` : '',
  ].filter(Boolean);
  const rule = band === 'high' ? `${fmtPct(s.cutoffs.high)} or more` : `${fmtPct(s.cutoffs.medium)} to ${fmtPct(s.cutoffs.high)}`;
  const what = hasClv ? `predicted ${months}-month CLV` : `expected purchases over ${months} months`;
  let total = 0;
  let bandTotal = 0;
  for (let i = 0; i < value.length; i++) total += value[i];
  for (const i of inBand) bandTotal += value[i];
  const amount = hasClv ? money(bandTotal) : `${fmtInt(bandTotal)} purchases`;
  return {
    finding: `The ${fmtInt(inBand.length)} customers at ${band} churn risk hold ${amount} (${fmtPct(bandTotal / total)}) of the ${what}; the ${fmtInt(shown.length)} with the most are listed under "Customers to win back".`,
    table: {
      kind: 'table',
      title: `Customers to win back: ${band} churn risk, highest ${what}`,
      columns,
      rows,
      formats,
      caption:
        `${band === 'high' ? '' : 'No customer is at high churn risk, so these are at medium risk. '}The ${fmtInt(shown.length)} of the ${fmtInt(inBand.length)} customers with a chance of ${rule} of buying nothing in the next ${s.days} days` +
        ` that have the most ${what}; customers.csv has them all (churn_risk_${s.days}d = ${band}). ` +
        `CLV and purchases are over the next ${months} months; low and high are their 90% intervals from the fits' parameter uncertainty: where the model's expectation lies, not how much the customer will actually buy. ` +
        `The next order is the median of the time to the next purchase; DERT is the discounted number of all future purchases.` +
        (withheld.length ? ` ${withheld.join(' ')}` : ''),
    },
  };
}

/** A next-order note short enough for a table cell. */
function shortNote(reason: string | null): string | null {
  if (!reason) return null;
  if (reason.startsWith('unlikely')) return 'unlikely to buy again';
  return reason.replace(/^median time to next purchase is beyond /, 'after ');
}

/** How many customers fall in each churn-risk band, with the cut-offs, so the weekly targeting list is sized. */
function churnRisk(s: CustomerScores, findings: string[], blocks: Block[]): void {
  const n = s.churnRisk.length;
  if (n === 0) return;
  const bands = ['low', 'medium', 'high'] as const;
  const count = (b: string) => s.churnRisk.filter((x) => x === b).length;
  const { medium, high } = s.cutoffs;
  const rule = { low: `below ${fmtPct(medium)}`, medium: `${fmtPct(medium)} to ${fmtPct(high)}`, high: `${fmtPct(high)} or more` };
  findings.push(`${fmtInt(count('high'))} customers (${fmtPct(count('high') / n)}) are at high churn risk: a chance of ${fmtPct(high)} or more of buying nothing in the next ${s.days} days (churn_risk_${s.days}d in customers.csv).`);
  blocks.push({
    kind: 'table',
    title: `Churn risk over the next ${s.days} days`,
    columns: ['band', `P(no purchase in ${s.days} days)`, 'customers', 'share'],
    rows: bands.map((b) => [b, rule[b], count(b), count(b) / n]),
    formats: [undefined, undefined, 'int', 'pct'],
    caption: 'From the model used for predictions; the expected date of each customer\'s next order is next_order_date in customers.csv.',
  });
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

/** The healthy fitted models, rebuilt from their saved JSON; a model that cannot be read is left out. */
function healthyModels(result: ClvResult): PurchaseModel[] {
  const out: PurchaseModel[] = [];
  for (const fm of result.models) {
    if (!fm.health.healthy) continue;
    try {
      out.push(fm.kind === 'bgnbd' ? BgNbdModel.fromJSON(fm.model) : fm.kind === 'mbgnbd' ? MbgNbdModel.fromJSON(fm.model) : ParetoNbdModel.fromJSON(fm.model));
    } catch {
      // An unreadable saved model only costs its diagnostic charts.
    }
  }
  return out;
}

/** Highest repeat-purchase count shown separately; the last bin is "this many or more". */
const REPEAT_BINS = 6;

export interface RepeatCountTable {
  /** One row per series and repeat count: { repeats: '0'..'6+', series, customers }. */
  values: { repeats: string; series: string; customers: number }[];
  last: number;
}

/**
 * Actual customers by calibration repeat purchases 0..6+ and each model's expectation,
 * Σ_i P(X(T_i) = x), evaluated once per distinct T.
 */
export function repeatCountTable(result: ClvResult, models: readonly PurchaseModel[] = healthyModels(result)): RepeatCountTable | null {
  const { summary } = result;
  if (summary.n === 0) return null;
  const label = (k: number) => (k === REPEAT_BINS ? `${k}+` : String(k));
  const actual = new Float64Array(REPEAT_BINS + 1);
  for (const x of summary.x) actual[Math.min(REPEAT_BINS, Math.round(x))]++;
  const values: RepeatCountTable['values'] = [];
  for (let k = 0; k <= REPEAT_BINS; k++) values.push({ repeats: label(k), series: 'actual', customers: actual[k] });
  const byT = new Map<number, number>();
  for (const T of summary.T) byT.set(T, (byT.get(T) ?? 0) + 1);
  for (const m of models) {
    const expected = new Float64Array(REPEAT_BINS + 1);
    for (const [T, count] of byT) {
      let below = 0;
      for (let k = 0; k < REPEAT_BINS; k++) {
        const p = m.probabilityOfPurchases(k, T);
        expected[k] += count * p;
        below += p;
      }
      expected[REPEAT_BINS] += count * Math.max(0, 1 - below);
    }
    if (!expected.every(Number.isFinite)) continue;
    const series = CLV_MODEL_NAMES[m.kind as ClvModelKind] ?? m.kind;
    for (let k = 0; k <= REPEAT_BINS; k++) values.push({ repeats: label(k), series, customers: expected[k] });
  }
  return { values, last: REPEAT_BINS };
}

/** At most this many frequency rows and recency columns in the frequency × recency grids. */
const MAX_FREQUENCY_ROWS = 30;
const RECENCY_BINS = 20;

export interface FrequencyRecencyGrid {
  /** Representative frequency of each row and its label ("12" or "30–34"). */
  frequency: { x: number; label: string }[];
  /** Recency (t_x) at the middle of each column, and its label. */
  recency: { tx: number; label: string }[];
  /** The customer age T every cell is evaluated at (the median T). */
  T: number;
  axes: { xTitle: string; yTitle: string; ySort: string[]; xSort: string[] };
  caption: string;
}

/** Frequency 0..max (binned above 30 rows) × recency 0..T in 20 bins, at the median customer age T. */
export function frequencyRecencyGrid(result: ClvResult): FrequencyRecencyGrid | null {
  const { summary } = result;
  if (summary.n === 0) return null;
  const Ts = Float64Array.from(summary.T).sort();
  const T = Ts[Math.floor((Ts.length - 1) / 2)];
  if (!(T > 0)) return null;
  let maxX = 0;
  for (const x of summary.x) maxX = Math.max(maxX, x);
  const width = Math.ceil((maxX + 1) / MAX_FREQUENCY_ROWS);
  const frequency: FrequencyRecencyGrid['frequency'] = [];
  for (let lo = 0; lo <= maxX; lo += width) {
    const hi = Math.min(maxX, lo + width - 1);
    frequency.push({ x: Math.round((lo + hi) / 2), label: lo === hi ? String(lo) : `${lo}–${hi}` });
  }
  const unit = result.timeUnit === 'weeks' ? 'weeks' : 'days';
  const step = T / RECENCY_BINS;
  const digits = step >= 10 ? 0 : 1;
  const recency = Array.from({ length: RECENCY_BINS }, (_, k) => ({ tx: (k + 0.5) * step, label: ((k + 0.5) * step).toFixed(digits) }));
  return {
    frequency,
    recency,
    T,
    axes: {
      xTitle: `recency: time of the last purchase after the first (${unit}, bin middle)`,
      yTitle: width > 1 ? 'repeat purchases (frequency, binned)' : 'repeat purchases (frequency)',
      ySort: frequency.map((f) => f.label).reverse(),
      xSort: recency.map((r) => r.label),
    },
    caption:
      `Each cell is a customer first seen ${T.toFixed(1)} ${unit} before the calibration end (the median customer) with that many repeat purchases, the last on the column's recency; ` +
      `customers with no repeat purchase have recency 0 and fill only the first column${width > 1 ? `, and each frequency bin is evaluated at its middle` : ''}.`,
  };
}

/** Model values on the grid: one row per (frequency, recency) cell, x = 0 only at recency 0. */
export function gridValues(grid: FrequencyRecencyGrid, f: (x: Float64Array, tx: Float64Array, T: Float64Array) => Float64Array): { frequency: string; recency: string; value: number }[] {
  const cells: { frequency: string; recency: string; x: number; tx: number }[] = [];
  for (const fr of grid.frequency) {
    for (const [k, rc] of grid.recency.entries()) {
      if (fr.x === 0 && k > 0) continue;
      cells.push({ frequency: fr.label, recency: rc.label, x: fr.x, tx: fr.x === 0 ? 0 : rc.tx });
    }
  }
  const v = f(Float64Array.from(cells, (c) => c.x), Float64Array.from(cells, (c) => c.tx), new Float64Array(cells.length).fill(grid.T));
  // Four significant digits are more than a colour can show, and keep the report small.
  return cells.map((c, i) => ({ frequency: c.frequency, recency: c.recency, value: Number(v[i].toPrecision(4)) })).filter((c) => Number.isFinite(c.value));
}
