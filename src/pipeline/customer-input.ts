import { InputError } from '../errors.js';
import { findColumn } from '../data/table.js';
import type { CustomerInput, ScorerInputs } from '../scoring/contract.js';
import type { Analysis } from './analyze.js';
import { customerFeatureTable, dayOf, transactionLog } from './stages.js';
import { CUSTOMER_FEATURES } from '../features/customers.js';

/**
 * The customers of an analysed file as a scorer's input: the feature table analyze builds, and (for an order
 * log) each customer's purchase days, so a saved model scores a file exactly as the analysis that fitted it did.
 */
export async function customerInput(a: Analysis, inputs: ScorerInputs): Promise<CustomerInput> {
  const core = new Set<string>(CUSTOMER_FEATURES);
  const behaviour = a.detection.shape === 'order-log' && inputs.features.some((f) => !core.has(f.name));
  const features = await customerFeatureTable(a, { behaviour, expected: inputs.features.map((f) => f.name) });
  for (const f of inputs.features) {
    const c = findColumn(features, f.name);
    if (!c) throw new InputError('score-missing-column', `The model needs the column ${f.name}, which ${a.file} does not give`, 'Score data of the same shape as the model was trained on');
    if (c.kind !== f.type) throw new InputError('score-column-type', `The model reads ${f.name} as a ${f.type} column, but ${a.file} has ${c.kind} values there`, 'Score data of the same shape as the model was trained on');
  }
  const ids = a.customers.columns[a.customers.names.indexOf('customer_id')].map(String);
  const observationEnd = a.asOf ? dayOf(a.asOf, '--as-of') : NaN;
  if (inputs.purchases === 'unused' || a.detection.shape !== 'order-log') {
    if (inputs.purchases === 'required') throw new InputError('score-needs-log', `The model's CLV scores need an order log with dates; ${a.file} has one row per customer`, 'Score the order export instead');
    return { ids, features, log: null, observationEnd };
  }
  // The transaction log numbers customers its own way (and holds customers whose every purchase was free): map to table rows.
  if (!a.lines) throw new InputError('score-needs-log', `The model's CLV scores need cleaned order lines; ${a.file} has none`, 'Score the order export instead');
  const t = await transactionLog(a.lines);
  const rowOf = new Map(ids.map((id, i) => [id, i]));
  const keep: number[] = [];
  const code = new Int32Array(t.customer.length);
  for (let k = 0; k < t.customer.length; k++) {
    const row = rowOf.get(t.ids[t.customer[k]]);
    if (row !== undefined) {
      code[keep.length] = row;
      keep.push(k);
    }
  }
  return {
    ids,
    features,
    log: { customer: code.slice(0, keep.length), days: Float64Array.from(keep, (k) => t.days[k]), amount: Float64Array.from(keep, (k) => t.amount[k]), customers: ids.length },
    observationEnd,
  };
}
