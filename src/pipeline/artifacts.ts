import { basename } from 'node:path';
import type { Analysis } from './analyze.js';
import { executiveSummary } from '../insights/summary.js';
import { renderReport } from '../report/render.js';
import type { ReportSection } from '../report/section.js';
import { dataSection } from '../report/sections/data.js';
import { rfmSection } from '../report/sections/rfm.js';
import { cohortSection } from '../report/sections/cohorts.js';
import { revenueSection } from '../report/sections/revenue.js';
import { customerTableSection } from '../report/sections/customer-table.js';
import { csvChunks } from '../io/csv.js';
import { reconcile, type Check, type Placement } from './checks.js';
import { recommendations, type Recommendation } from '../insights/recommendations.js';
import { renderMarkdown } from '../report/markdown.js';
import { numbers } from '../engine/engine.js';
import { RfmModel } from '../features/rfm-model.js';
import { queryFingerprint } from '../models/fingerprint.js';
import { ScoringBundle, type BundlePart } from '../scoring/bundle.js';
import type { Scorer } from '../scoring/contract.js';

export const VERSION = '0.1.0';

/** Extra per-customer columns and report sections contributed by later stages (CLV, segments...). */
export interface Extension {
  readonly sections?: ReportSection[];
  readonly customerColumns?: { name: string; values: ArrayLike<string | number | null> }[];
  readonly summary?: Record<string, unknown>;
  /** Figures of this stage that the data checks reconcile with the core outputs. */
  readonly reconcile?: { clv?: { customers: number; freeOnly: number }; placements?: Placement[] };
  /** Fitted parts of the scoring bundle (model.json) this stage contributes, or why a part is missing. */
  readonly models?: Partial<Record<BundlePart, Scorer>>;
  readonly absent?: Partial<Record<BundlePart, string>>;
}

export function reportSections(a: Analysis, extensions: Extension[] = [], recs: Recommendation[] = recommendations(a, extensions, a.segmentMap)): ReportSection[] {
  const sections: ReportSection[] = [];
  if (recs.length) sections.push(recommendationsSection(recs, a.currency));
  if (a.customerTable) sections.push(customerTableSection(a.customerTable, a.currency));
  if (a.rfm) sections.push(rfmSection(a.rfm, { frequencyLabel: a.customerTable?.frequencyProxy ?? 'orders', currency: a.currency, hasAmounts: a.cleaning?.hasAmounts !== false }));
  if (a.revenue) sections.push(revenueSection(a.revenue, a.concentration, { currency: a.currency, identifiedRevenue: a.populations?.identified.revenue }));
  if (a.cohorts) sections.push(cohortSection(a.cohorts));
  for (const e of extensions) sections.push(...(e.sections ?? []));
  sections.push(dataSection(a));
  return sections;
}

export function summaryJson(a: Analysis, extensions: Extension[] = []): Record<string, unknown> {
  const exec = headline(a, extensions);
  const summary: Record<string, unknown> = {
    clientele: VERSION,
    file: basename(a.file),
    shape: a.detection.shape,
    rowsRead: a.load.rows,
    roles: a.detection.roles,
    asOf: a.asOf,
    currency: a.currency,
    numberFormats: a.load.numberFormats,
    populations: a.populations,
    facts: { ...a.facts, customersAnalysed: a.customers.rows },
    findings: exec.sentences,
    concentration: a.concentration && { top1: a.concentration.top1, top10: a.concentration.top10, top20: a.concentration.top20, gini: a.concentration.gini },
    rfm: a.rfm && { segments: a.rfm.segments },
    cohorts: a.cohorts && { averageRetention: a.cohorts.averageCurve, cohorts: a.cohorts.cohorts, sizes: a.cohorts.sizes },
    revenue: a.revenue && {
      total: a.revenue.totalRevenue,
      attributed: a.populations?.identified.revenue ?? a.revenue.attributedRevenue,
      orders: a.revenue.orders,
      dateRange: a.revenue.dateRange,
      byCountry: a.revenue.byCountry.slice(0, 20),
      byMonth: a.revenue.byMonth,
    },
    cleaning: a.cleaning && { rowsRead: a.cleaning.rowsRead, rowsAfterCleaning: a.cleaning.rowsAfterCleaning, analyticLines: a.cleaning.analyticLines, hasAmounts: a.cleaning.hasAmounts },
    cautions: a.cautions,
    warnings: a.load.warnings,
  };
  for (const e of extensions) Object.assign(summary, e.summary ?? {});
  summary.skipped = [...a.skipped, ...laterSkipped(extensions)];
  return summary;
}

export function customersCsv(a: Analysis, extensions: Extension[] = []): string {
  return customersCsvChunks(a, extensions).join('');
}

/** customers.csv as pieces of whole rows (see csvChunks): a million customers' table exceeds V8's longest string. */
export function customersCsvChunks(a: Analysis, extensions: Extension[] = []): string[] {
  const names = [...a.customers.names];
  const cols: ArrayLike<string | number | boolean | null>[] = [...a.customers.columns];
  if (a.rfm) {
    names.push('r_score', 'f_score', 'm_score', 'rfm_segment');
    cols.push(a.rfm.r, a.rfm.f, a.rfm.m, a.rfm.segment);
  }
  for (const e of extensions) {
    for (const c of e.customerColumns ?? []) {
      names.push(c.name);
      cols.push(c.values);
    }
  }
  return csvChunks(names, cols);
}

/** What the later stages could not run on these data, with the reason (the core analysis keeps its own list). */
function laterSkipped(extensions: Extension[]): { analysis: string; reason: string }[] {
  return extensions.flatMap((e) => Object.entries((e.summary?.skipped ?? {}) as Record<string, string>).map(([analysis, reason]) => ({ analysis, reason })));
}

/** The executive summary: the core analysis's sentences, then the headline finding of each later stage. */
function headline(a: Analysis, extensions: Extension[]) {
  const exec = executiveSummary(a);
  const more = extensions.flatMap((e) => (e.sections ?? []).map((s) => s.findings[0]).filter((f): f is string => Boolean(f)));
  const later = laterSkipped(extensions).map((s) => `${s.analysis} skipped: ${s.reason}.`);
  return { keyNumbers: exec.keyNumbers, sentences: [...exec.sentences, ...more, ...later] };
}

/** Which summaries `analyze` writes besides customers.csv and cleaning-log.json. */
export type OutputFormat = 'html' | 'md' | 'json';

export function analysisArtifacts(
  a: Analysis,
  extensions: Extension[] = [],
  formats: OutputFormat[] = ['html', 'md', 'json'],
  onStage: (stage: string) => void = () => {},
): Record<string, string> {
  return Object.fromEntries(Object.entries(analysisOutputs(a, extensions, formats, onStage)).map(([name, text]) => [name, typeof text === 'string' ? text : text.join('')]));
}

/** The same files as analysisArtifacts, customers.csv as pieces of whole rows, to be written piece by piece (writeOutputs). */
export function analysisOutputs(
  a: Analysis,
  extensions: Extension[] = [],
  formats: OutputFormat[] = ['html', 'md', 'json'],
  onStage: (stage: string) => void = () => {},
): Record<string, string | string[]> {
  const exec = headline(a, extensions);
  const csv = customersCsvChunks(a, extensions);
  const summary = summaryJson(a, extensions);
  const recs = recommendations(a, extensions, a.segmentMap);
  summary.recommendations = recs;
  // The outputs are reconciled as written, before anything is handed to the user.
  const clv = extensions.find((e) => e.reconcile?.clv)?.reconcile?.clv;
  onStage('checking outputs');
  const bundle = scoringBundle(a, extensions);
  const placements = [...rfmPlacement(a, bundle), ...extensions.flatMap((e) => e.reconcile?.placements ?? [])];
  const checks = reconcile(a, { customersCsv: csv, summary, clv, placements });
  onStage('rendering report');
  summary.checks = checks;
  const failed = checks.filter((c) => !c.ok);
  const doc = {
    title: `Customer analysis: ${basename(a.file)}`,
    subtitle: [
      a.asOf ? `Observed up to ${a.asOf}` : null,
      a.detection.shape === 'order-log' ? 'order log' : 'customer table',
      a.currency ? `amounts in ${a.currency}` : null,
    ].filter(Boolean).join(' · '),
    keyNumbers: exec.keyNumbers,
    summary: [...failed.map((c) => `Data check failed: ${c.name} (${c.detail}).`), ...exec.sentences, ...(recs[0] ? [`First priority: ${recs[0].sentence}`] : [])],
    sections: [...reportSections(a, extensions, recs), checksSection(checks)],
    generatedBy: `Generated by clientele ${VERSION}`,
    currency: a.currency,
  };
  const files: Record<string, string | string[]> = { 'customers.csv': csv, 'model.json': JSON.stringify(bundle.toJSON(), null, 2) + '\n' };
  if (formats.includes('html')) files['report.html'] = renderReport(doc);
  if (formats.includes('md')) files['summary.md'] = renderMarkdown(doc);
  if (formats.includes('json')) files['summary.json'] = JSON.stringify(summary, null, 2) + '\n';
  if (a.cleaning) files['cleaning-log.json'] = JSON.stringify({ ...a.cleaning, numberFormats: a.load.numberFormats, currency: a.currency }, null, 2) + '\n';
  return files;
}

function recommendationsSection(recs: Recommendation[], currency: string | null): ReportSection {
  const top = recs.filter((r) => r.source === 'RFM').slice(0, 3);
  const hasClv = recs.some((r) => r.clv !== null);
  // A log without amounts has no revenue share to show or rank by.
  const hasRevenue = recs.some((r) => r.revenueShare !== null);
  return {
    id: 'recommendations',
    title: 'Recommendations',
    findings: top.map((r) => `${r.priority}. ${r.sentence}`),
    blocks: (['RFM', 'k-means'] as const)
      .map((source) => recs.filter((r) => r.source === source))
      .filter((list) => list.length > 0)
      .map((list) => ({
        kind: 'table' as const,
        title: `Who to target, in priority order (${list[0].source} segments)`,
        columns: ['priority', 'segment', 'customers', ...(hasRevenue ? ['share of revenue'] : []), ...(hasClv ? [`predicted CLV${currency ? ` (${currency})` : ''}`] : []), 'action', 'selects them in customers.csv'],
        rows: list.map((r) => [r.priority, r.segment, r.customers, ...(hasRevenue ? [r.revenueShare] : []), ...(hasClv ? [r.clv] : []), r.action, r.query]),
        formats: [undefined, undefined, 'int', ...(hasRevenue ? ['pct'] : []), ...(hasClv ? ['money'] : [])],
        caption: hasClv
          ? "Ranked by the customers' predicted lifetime value over the CLV horizon, then by their share of revenue."
          : hasRevenue
            ? 'Ranked by share of revenue, then by size.'
            : 'Ranked by size (the log has no amounts).',
      })),
  };
}

function checksSection(checks: Check[]): ReportSection {
  const failed = checks.filter((c) => !c.ok);
  return {
    id: 'checks',
    title: 'Data checks',
    findings: [
      failed.length === 0
        ? `All ${checks.length} checks passed: the written outputs reconcile with each other.`
        : `${failed.length} of ${checks.length} checks failed: ${failed.map((c) => c.name).join(', ')}. Treat the affected figures with caution.`,
    ],
    blocks: [
      ...failed.map((c) => ({ kind: 'callout' as const, level: 'warning' as const, text: `${c.name}: ${c.detail}` })),
      { kind: 'table', title: 'Reconciliation of the outputs', columns: ['check', 'result', 'what was compared'], rows: checks.map((c) => [c.name, c.ok ? 'passed' : 'FAILED', c.detail]) },
    ],
  };
}

/**
 * model.json: every fitted part an analysis used to place its customers, so `score` and the service place new
 * customers the same way. Stamped with the analysis time and a digest of the customer table it was fitted on.
 */
export function scoringBundle(a: Analysis, extensions: Extension[] = [], trainedAt: string = new Date().toISOString()): ScoringBundle {
  const parts: Partial<Record<BundlePart, Scorer>> = {};
  const absent: Partial<Record<BundlePart, string>> = {};
  const num = (name: string) => (a.customers.names.includes(name) ? numbers(a.customers, name) : null);
  const [recency, frequency, monetary] = [num('recency_days'), num('frequency'), num('monetary')];
  if (a.rfm && recency && frequency && monetary) parts.rfm = RfmModel.fit(recency, frequency, monetary, a.segmentMap, a.currency);
  else absent.rfm = 'the data give no recency, frequency and spend per customer';
  for (const e of extensions) Object.assign(parts, e.models ?? {});
  for (const e of extensions) Object.assign(absent, e.absent ?? {});
  const skipped = new Map(a.skipped.map((s) => [s.analysis, s.reason]));
  for (const e of extensions) for (const [k, v] of Object.entries((e.summary?.skipped as Record<string, string> | undefined) ?? {})) skipped.set(k, v);
  if (!parts.segmentation) absent.segmentation ??= skipped.get('Segments') ?? 'no segmentation was fitted';
  if (!parts.rules) absent.rules = parts.segmentation ? 'no rules were fitted' : 'the rules describe the segments, and there are none';
  if (!parts.clv) absent.clv ??= skipped.get('Customer lifetime value') ?? (a.detection.shape === 'order-log' ? 'no CLV model was fitted' : 'CLV needs an order log with dates');
  const fingerprint = queryFingerprint(a.customers);
  return new ScoringBundle(parts, { asOf: a.asOf, currency: a.currency, absent }, { trainedAt, fingerprint });
}

/** The saved RFM cut points must give every analysed customer the scores and segment the SQL ranking gave. */
function rfmPlacement(a: Analysis, bundle: ScoringBundle): Placement[] {
  const model = bundle.parts.rfm as RfmModel | undefined;
  if (!model || !a.rfm) return [];
  const s = model.scores(numbers(a.customers, 'recency_days'), numbers(a.customers, 'frequency'), numbers(a.customers, 'monetary'));
  let mismatched = 0;
  for (let i = 0; i < s.r.length; i++) if (s.r[i] !== a.rfm.r[i] || s.f[i] !== a.rfm.f[i] || s.m[i] !== a.rfm.m[i] || s.segment[i] !== a.rfm.segment[i]) mismatched++;
  return [{ part: 'RFM segments', customers: s.r.length, mismatched }];
}
