/** The Drivers section: ranked table of factors, box plots for the top factors, interaction plots, findings. */
import type { Block, Cell, ReportSection } from '../section.js';
import type { Driver, DriversResult, Interaction } from '../../stats/drivers.js';
import { TEST_LABELS } from '../../stats/sentences.js';

const TOP_BOX_PLOTS = 3;

/** Vega-Lite boxplot from five-number summaries: with five values per group, Vega's quartiles are exactly them. */
function boxPlot(d: Driver, outcome: string): Block {
  const groups = d.groups ?? [];
  const values = groups.flatMap((g) => [g.whiskerLow, g.q1, g.median, g.q3, g.whiskerHigh].map((value) => ({ [d.factor]: g.level, value })));
  return {
    kind: 'chart',
    title: `${outcome} by ${d.factor}`,
    spec: {
      data: { values },
      height: 240,
      mark: { type: 'boxplot', extent: 'min-max', color: '#2f6fde' },
      encoding: {
        x: { field: d.factor, type: 'nominal', title: d.factor, sort: groups.map((g) => g.level) },
        y: { field: 'value', type: 'quantitative', title: outcome },
      },
    },
    caption: 'Boxes span the quartiles with the median inside; whiskers reach the most extreme values within 1.5 IQR; outliers are not drawn.',
  };
}

/** For a yes/no outcome: the share of the positive level by factor level. */
function rateChart(d: Driver, outcome: string, positive: string): Block {
  const groups = d.groups ?? [];
  return {
    kind: 'chart',
    title: `Share of ${outcome} = ${positive} by ${d.factor}`,
    spec: {
      data: { values: groups.map((g) => ({ [d.factor]: g.level, share: g.rate, n: g.n })) },
      height: 240,
      mark: { type: 'bar', color: '#2f6fde', tooltip: true },
      encoding: {
        x: { field: d.factor, type: 'nominal', title: d.factor, sort: groups.map((g) => g.level) },
        y: { field: 'share', type: 'quantitative', title: `share ${positive}`, axis: { format: '%' } },
      },
    },
  };
}

function interactionPlot(x: Interaction, outcome: string): Block {
  const [a, b] = x.factors;
  return {
    kind: 'chart',
    title: `Mean ${outcome} by ${a} and ${b}`,
    spec: {
      data: { values: x.cells.map((c) => ({ [a]: c.a, [b]: c.b, mean: c.mean, n: c.n })) },
      height: 240,
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: a, type: 'nominal', title: a, sort: null },
        y: { field: 'mean', type: 'quantitative', title: `mean ${outcome}` },
        color: { field: b, type: 'nominal', title: b },
      },
    },
    caption: 'Lines that are not parallel mean the effect of one factor depends on the other.',
  };
}

function anovaTable(x: Interaction): Block {
  const rows: Cell[][] = [];
  for (const [type, table] of [['II', x.anova.typeII], ['III', x.anova.typeIII]] as const) {
    for (const r of table) rows.push([type, r.term, r.sumSq, r.df, Number.isNaN(r.F) ? null : r.F, Number.isNaN(r.pValue) ? null : r.pValue, r.term === 'Residual' || r.term === 'Intercept' ? null : r.partialEtaSquared]);
  }
  return {
    kind: 'table',
    title: `Two-way ANOVA: ${x.factors[0]} × ${x.factors[1]}`,
    columns: ['type', 'term', 'sum of squares', 'df', 'F', 'p', 'partial η²'],
    rows,
    formats: [undefined, undefined, 'num2', 'int', 'num2', 'p', 'pct'],
    caption: 'Type II tests each main effect adjusted for the other; Type III uses sum-to-zero contrasts. The interaction row is the same in both.',
  };
}

function effectText(d: Driver): string | null {
  const e = d.test.effect;
  return e && Number.isFinite(e.value) ? `${e.name} = ${e.value.toFixed(3)}` : null;
}

export function driversSection(result: DriversResult): ReportSection {
  const correction = result.correction === 'holm' ? 'Holm' : 'Benjamini-Hochberg';
  const blocks: Block[] = [
    {
      kind: 'table',
      title: `What moves ${result.outcome}`,
      columns: ['factor', 'test', 'n', 'statistic', 'effect size', 'share of variance', 'p', `${correction} p`, 'significant'],
      rows: result.drivers.map((d) => [
        d.factor,
        TEST_LABELS[d.test.test] ?? d.test.test,
        d.test.n,
        Number.isFinite(d.test.statistic) ? d.test.statistic : null,
        effectText(d),
        d.strength,
        d.test.pValue,
        d.pAdjusted,
        d.significant ? 'yes' : 'no',
      ]),
      formats: [undefined, undefined, 'int', 'num2', undefined, 'pct', 'p', 'p', undefined],
      caption: `Ranked by share of variance explained (η², r² or Cramér's V²), significant factors first; ${result.family} tests corrected together at α = ${result.alpha}.`,
    },
  ];
  const boxable = result.drivers.filter((d) => d.significant && d.factorKind === 'categorical' && d.groups?.every((g) => Number.isFinite(g.q1)));
  for (const d of boxable.slice(0, TOP_BOX_PLOTS)) blocks.push(boxPlot(d, result.outcome));
  const positive = result.positive;
  if (positive !== undefined) {
    const rated = result.drivers.filter((d) => d.significant && d.groups?.every((g) => g.rate !== undefined));
    for (const d of rated.slice(0, TOP_BOX_PLOTS)) blocks.push(rateChart(d, result.outcome, positive));
  }
  for (const x of result.interactions) {
    blocks.push(interactionPlot(x, result.outcome), anovaTable(x));
  }
  for (const d of result.drivers) {
    if (!d.postHoc) continue;
    blocks.push({
      kind: 'table',
      title: `Which ${d.factor} levels differ (Tukey HSD)`,
      columns: ['level', 'vs level', 'difference in mean', 'p'],
      rows: d.postHoc.map((p) => [p.a, p.b, p.diff, p.pValue]),
      formats: [undefined, undefined, 'num2', 'p'],
    });
  }
  if (result.skipped.length > 0) {
    blocks.push({ kind: 'callout', level: 'info', text: `Not tested: ${result.skipped.map((s) => `${s.factor} (${s.reason})`).join('; ')}.` });
  }
  return { id: 'drivers', title: `Drivers of ${result.outcome}`, findings: result.findings, blocks };
}
