"""tuijin assess --scheme FILE --data FILE [--uncertainty N --seed S] --format json|xlsx [--out FILE]

Works on plain files with no database. Errors go to stderr in Chinese, naming the node or the row; exit 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tuijin.engine.assessment.io import dumps, read_data, result_json, result_xlsx
from tuijin.engine.assessment.robustness import robustness
from tuijin.engine.assessment.run import assess
from tuijin.engine.assessment.scheme import SchemeError, parse_scheme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tuijin assess", description="Score units with an assessment scheme.")
    parser.add_argument("--scheme", required=True, help="the scheme (YAML)")
    parser.add_argument("--data", required=True, help="one row per unit (.csv or .xlsx)")
    parser.add_argument("--uncertainty", type=int, default=0, metavar="N", help="Monte Carlo samples for robustness")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=["json", "xlsx"], default="json")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    try:
        scheme_path = Path(args.scheme)
        if not scheme_path.is_file():
            raise SchemeError(f"找不到方案文件「{args.scheme}」")
        scheme = parse_scheme(scheme_path.read_text(encoding="utf-8"))
        data = read_data(args.data, scheme)
        result = assess(scheme, data)
        rob = robustness(scheme, data, samples=args.uncertainty, seed=args.seed) if args.uncertainty else None
    except SchemeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.format == "json":
        text = dumps(result_json(result, rob))
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
        return 0
    if not args.out:
        print("xlsx 格式需要 --out 文件名", file=sys.stderr)
        return 1
    Path(args.out).write_bytes(result_xlsx(result, scheme, rob))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
