import type { CustomerInput, CustomerRecord, Scorer, ScoreTable } from './contract.js';
import { recordsToInput } from './records.js';

/**
 * The one scoring function: `clientele score` and the service both end here, so their outputs are identical.
 * Customer ids come first; then the scorer's columns.
 */
export function scoreInput(scorer: Scorer, input: CustomerInput): ScoreTable {
  const s = scorer.score(input);
  return { names: ['customer_id', ...s.names], columns: [input.ids, ...s.columns], notes: s.notes };
}

/** Records (the service's request) scored, one object per customer; `path` names record i in error messages. */
export function scoreRecords(scorer: Scorer, records: readonly CustomerRecord[], asOf: string, path?: (i: number) => string): Record<string, string | number | null>[] {
  return scoreRows(scoreInput(scorer, recordsToInput(records, scorer.inputs, asOf, path)));
}

export function scoreRows(t: ScoreTable): Record<string, string | number | null>[] {
  const n = t.columns[0]?.length ?? 0;
  const out: Record<string, string | number | null>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    // A null-prototype row: keys come from the model, never from the request.
    const row: Record<string, string | number | null> = Object.create(null);
    for (let j = 0; j < t.names.length; j++) {
      const v = t.columns[j][i];
      row[t.names[j]] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
    }
    out[i] = row;
  }
  return out;
}
