/** The Prediction section: leakage warnings first, then held-out metrics, confusion matrix, ROC, importance, coefficients and rules. */
import type { Block, Cell, ReportSection } from '../section.js';
import { barChart } from '../charts/specs.js';
import type { ClassificationMetrics, RegressionMetrics } from '../../predict/metrics.js';
import type { TrainResult } from '../../predict/train.js';

const MODEL_LABELS: Record<string, string> = {
  logistic: 'Logistic regression',
  linear: 'Linear regression',
  tree: 'Decision tree',
  forest: 'Random forest',
  boosting: 'Gradient boosting',
};

const TOP_IMPORTANCE = 15;
/** ROC curves on large test sets are thinned to about this many points; the shape is unchanged at report size. */
const ROC_POINTS = 400;

export function predictionSection(result: TrainResult): ReportSection {
  const label = MODEL_LABELS[result.model] ?? result.model;
  const blocks: Block[] = result.leakage.map((w) => ({ kind: 'callout', level: 'warning', text: w.message }));
  const findings: string[] = [];
  if (result.leakage.length) findings.push(`Leakage warning: ${result.leakage.map((w) => w.columns.join(', ')).join('; ')} — the scores below do not show real predictive power.`);
  const cv = result.cv ? ` (${result.cv.folds}-fold cross-validation ${fmtScore(result.cv.mean, result.task)} ± ${fmtScore(result.cv.std, result.task)})` : '';

  if (result.task === 'classification') {
    const m = result.metrics as ClassificationMetrics;
    findings.push(`${label} predicts ${result.target.description} with ${pct(m.accuracy)} accuracy on ${result.rows.test} held-out customers${cv}.`);
    if (Number.isFinite(m.rocAuc)) findings.push(`ROC-AUC ${m.rocAuc.toFixed(3)}: ${aucWords(m.rocAuc)}.`);
    if (result.trainScore - m.accuracy > 0.1) findings.push(`Training accuracy is ${pct(result.trainScore)}, well above the held-out ${pct(m.accuracy)}: the model overfits; limit its depth or size.`);
    blocks.push(metricsTable([
      ['accuracy', m.accuracy, 'pct'],
      [result.target.classes?.length === 2 ? 'precision' : 'precision (macro)', m.precision, 'pct'],
      [result.target.classes?.length === 2 ? 'recall' : 'recall (macro)', m.recall, 'pct'],
      [result.target.classes?.length === 2 ? 'F1' : 'F1 (macro)', m.f1, 'pct'],
      ['ROC-AUC', Number.isFinite(m.rocAuc) ? m.rocAuc : null, 'num4'],
      ['log-loss', m.logLoss, 'num4'],
      ['training accuracy', result.trainScore, 'pct'],
    ], result));
    const classes = result.target.classes ?? m.confusion.map((_, c) => String(c));
    blocks.push({
      kind: 'table',
      title: 'Confusion matrix (held-out customers)',
      columns: ['actual \\ predicted', ...classes],
      rows: m.confusion.map((row, c) => [classes[c], ...row]),
      formats: [undefined, ...classes.map(() => 'int')],
      caption: 'Rows are the true class, columns the predicted one; the diagonal counts correct predictions.',
    });
    if (m.roc) blocks.push(rocChart(m, classes[1] ?? 'positive'));
  } else {
    const m = result.metrics as RegressionMetrics;
    findings.push(`${label} explains ${pct(m.r2)} of the variance of ${result.target.description} on ${result.rows.test} held-out customers${cv}; typical error (RMSE) ${m.rmse.toPrecision(4)}.`);
    blocks.push(metricsTable([
      ['R²', m.r2, 'num4'],
      ['RMSE', m.rmse, 'num2'],
      ['MAE', m.mae, 'num2'],
      ['training R²', result.trainScore, 'num4'],
    ], result));
  }

  const top = result.importance.slice(0, TOP_IMPORTANCE);
  if (top.length && top[0].importance > 0) findings.push(`Most important input: ${top[0].feature}${top[1] && top[1].importance > 0 ? `, then ${top[1].feature}` : ''}.`);
  blocks.push({
    kind: 'chart',
    title: 'Permutation importance',
    spec: barChart(top.map((x) => ({ feature: x.feature, importance: x.importance })), 'feature', 'importance', { yTitle: result.task === 'classification' ? 'accuracy lost when shuffled' : 'R² lost when shuffled' }),
    caption: 'How much the held-out score drops when one input is shuffled; near zero means the model does not rely on it.',
  });

  if (result.coefficients) blocks.push(coefficientTable(result));
  if (result.rules) {
    const json = result.rules.json.params;
    blocks.push({
      kind: 'table',
      title: 'Business rules from the tree (original columns and units)',
      columns: ['if', 'then', 'customers', 'share', 'precision'],
      rows: json.rules.map((r) => [
        r.conditions.length ? r.conditions.map((c) => `${c.column} ${c.op} ${Array.isArray(c.value) ? `(${c.value.join(', ')})` : c.value}`).join(' AND ') : 'always',
        r.prediction,
        r.support,
        r.share,
        r.precision,
      ]),
      formats: [undefined, undefined, 'int', 'pct', 'pct'],
      caption: `Customers matching no rule: ${json.defaultClass}. Support and precision are counted on the training customers.`,
    });
    blocks.push({ kind: 'text', text: `The same tree as a SQL expression, to run on raw customer data:\n${result.rules.sql}` });
  }
  if (result.candidates) {
    blocks.push({
      kind: 'table',
      title: 'Model selection (cross-validated)',
      columns: ['model', result.task === 'classification' ? 'mean accuracy' : 'mean R²'],
      rows: result.candidates.map((c) => [MODEL_LABELS[c.model] ?? c.model, c.cvMean]),
      formats: [undefined, result.task === 'classification' ? 'pct' : 'num4'],
    });
  }
  return { id: 'prediction', title: `Prediction: ${result.target.name}`, findings, blocks };
}

/** Formats differ per row, so values are formatted here rather than by column. */
function metricsTable(rows: [string, number | null, string][], result: TrainResult): Block {
  return {
    kind: 'table',
    title: `${MODEL_LABELS[result.model] ?? result.model}: held-out performance`,
    columns: ['metric', 'value'],
    rows: rows.map(([name, value, format]) => [name, value === null ? null : format === 'pct' ? pct(value) : format === 'num2' ? value.toFixed(2) : value.toFixed(4)]),
    caption: `Fitted on ${result.rows.train} customers, evaluated on ${result.rows.test} held out${result.rows.missingTarget ? `; ${result.rows.missingTarget} without a target value were left out` : ''}.`,
  };
}

function rocChart(m: ClassificationMetrics, positive: string): Block {
  const roc = m.roc!;
  const step = Math.max(1, Math.ceil(roc.length / ROC_POINTS));
  const values = roc.filter((_, i) => i % step === 0 || i === roc.length - 1).map((p) => ({ fpr: p.fpr, tpr: p.tpr }));
  return {
    kind: 'chart',
    title: `ROC curve (AUC ${m.rocAuc.toFixed(3)})`,
    spec: {
      height: 260,
      width: 260,
      layer: [
        {
          data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
          mark: { type: 'line', color: '#999999', strokeDash: [4, 4] },
          encoding: { x: { field: 'fpr', type: 'quantitative' }, y: { field: 'tpr', type: 'quantitative' } },
        },
        {
          data: { values },
          mark: { type: 'line', color: '#2f6fde' },
          encoding: {
            x: { field: 'fpr', type: 'quantitative', title: 'false positive rate', scale: { domain: [0, 1] } },
            y: { field: 'tpr', type: 'quantitative', title: `true positive rate (${positive})`, scale: { domain: [0, 1] } },
          },
        },
      ],
    },
    caption: 'Each point is a probability cut-off; the dashed diagonal is guessing. The closer the curve hugs the top-left corner, the better the ranking.',
  };
}

function coefficientTable(result: TrainResult): Block {
  const coefs = result.coefficients!;
  const multi = coefs.some((c) => c.class !== undefined) && new Set(coefs.map((c) => c.class)).size > 1;
  const hasSe = coefs.some((c) => c.se !== undefined);
  const columns = [...(multi ? ['class'] : []), 'feature', result.task === 'classification' ? 'coefficient (log-odds)' : 'coefficient', ...(hasSe ? ['std. error', 'p'] : [])];
  const rows: Cell[][] = coefs.map((c) => [...(multi ? [c.class ?? null] : []), c.feature, c.coef, ...(hasSe ? [c.se ?? null, c.p ?? null] : [])]);
  return {
    kind: 'table',
    title: 'Coefficients',
    columns,
    rows,
    formats: [...(multi ? [undefined] : []), undefined, 'num4', ...(hasSe ? ['num4', 'p'] : [])],
    caption: result.task === 'classification' ? 'Per one unit of the (scaled) input; positive raises the odds of the class.' : 'Per one unit of the (scaled) input, with ordinary least-squares standard errors.',
  };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function fmtScore(x: number, task: string): string {
  return task === 'classification' ? pct(x) : x.toFixed(3);
}

function aucWords(auc: number): string {
  if (auc >= 0.9) return 'the model ranks customers very well';
  if (auc >= 0.8) return 'good ranking of customers';
  if (auc >= 0.7) return 'fair ranking of customers';
  return 'weak ranking, little better than chance';
}
