"""tuijin assess --scheme FILE --data FILE [--uncertainty N --seed S] [--explain] --format json|xlsx [--out FILE]

Works on plain files with no database. Errors go to stderr in Chinese, naming the node or the row; exit 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tuijin.engine.assessment.io import decode, dumps, read_data, result_json
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
    parser.add_argument("--explain", action="store_true",
                        help="give every point its reason (the breakdown); slower for thousands of units")
    args = parser.parse_args(argv)
    try:
        scheme_path = Path(args.scheme)
        if not scheme_path.is_file():
            raise SchemeError(f"找不到方案文件「{args.scheme}」")
        scheme = parse_scheme(decode(scheme_path.read_bytes(), scheme_path.name))
        data = read_data(args.data, scheme)
        if args.format == "xlsx" and not args.out:
            raise SchemeError("xlsx 格式需要 --out 文件名")
        result = assess(scheme, data, explain=args.explain)
        rob = None
        if args.uncertainty:
            from tuijin.engine.assessment.robustness import robustness  # only when asked: NumPy-heavy set-up

            rob = robustness(scheme, data, samples=args.uncertainty, seed=args.seed)
    except SchemeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法读取文件:{exc}", file=sys.stderr)
        return 1
    try:
        if args.format == "json":
            text = dumps(result_json(result, rob))
            if not args.out:
                sys.stdout.write(text + "\n")
                return 0
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            from tuijin.engine.assessment.io import result_xlsx

            Path(args.out).write_bytes(result_xlsx(result, scheme, rob))
    except OSError as exc:
        print(f"无法写入结果文件「{args.out}」:{exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
