/** ClickHouse wraps its messages as `Code: N, e.displayText() = DB::Exception: …, e.what() = …`: the sentence alone. */
export function cleanMessage(msg: string): string {
  return msg.replace(/^Code: \d+, e\.displayText\(\) = /, '').replace(/^DB::Exception: /, '').replace(/,? e\.what\(\) = .*$/, '').replace(/\s*\(version [^)]*\)\s*$/, '').trim();
}
