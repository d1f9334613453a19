#!/usr/bin/python3
"""Regenerate every crosscheck input and answer: the shape files, then one expected JSON per case.

    /usr/bin/python3 scripts/crosscheck/run_all.py

CI has no Python, so the outputs are committed; rerun this after changing docs/cleaning.md, a shape or a case.
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_shapes  # noqa: E402
import recompute  # noqa: E402


def main() -> int:
    make_shapes.main()
    out = HERE / 'expected'
    out.mkdir(exist_ok=True)
    cases = json.loads((HERE / 'cases.json').read_text())
    names = {c['name'] for c in cases}
    for stale in out.glob('*.json'):
        if stale.stem not in names:
            stale.unlink()
    for case in cases:
        result = recompute.recompute(case)
        (out / f"{case['name']}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + '\n')
        print(f"{case['name']}: {summary(result)}")
    return 0


def summary(r: dict) -> str:
    if r['shape'] == 'customer-table':
        return f"{r['rowsRead']} rows, {r['customers']} customers, spend {r['totalSpend']:.2f}"
    i = r['identified']
    rev = 'n/a' if i['revenue'] is None else f"{i['revenue']:.2f}"
    return (f"{r['rowsRead']} rows, {r['duplicates']} dup, {r['cutAfterAsOf']} cut, {r['linesKept']} kept, "
            f"{i['customers']} customers, {i['orders']} orders, revenue {rev}")


if __name__ == '__main__':
    sys.exit(main())
