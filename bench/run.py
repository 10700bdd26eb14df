"""Run every bench/bench_*.py and print one table of figures.

Each module defines ``run() -> list[dict]`` with keys benchmark, figure, unit, limit.
Modules run in separate processes so one's Django set-up or data never skews another's.
Usage: python bench/run.py [name-filter]
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_one(path: Path) -> list[dict]:
    code = (
        "import json, runpy, sys; sys.path.insert(0, %r); "
        "mod = runpy.run_path(%r); print('@@BENCH@@' + json.dumps(mod['run']()))" % (str(ROOT), str(path))
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("@@BENCH@@"):
            return json.loads(line[len("@@BENCH@@"):])
    sys.stderr.write(f"{path.name} failed:\n{proc.stderr[-3000:]}\n")
    return [{"benchmark": f"{path.stem}: FAILED", "figure": float("nan"), "unit": "", "limit": ""}]


def main(argv: list[str]) -> int:
    pattern = argv[0] if argv else ""
    rows = []
    for path in sorted(HERE.glob("bench_*.py")):
        if pattern in path.stem:
            print(f"running {path.name} …", file=sys.stderr, flush=True)
            rows += run_one(path)
    width = max([len(r["benchmark"]) for r in rows] + [10])
    print(f"\n{'benchmark'.ljust(width)}  {'figure':>12}  unit  limit")
    print("-" * (width + 32))
    for r in rows:
        fig = r["figure"]
        print(f"{r['benchmark'].ljust(width)}  {fig:>12.3f}  {r['unit']:<4}  {r.get('limit', '')}")
    return 1 if any("FAILED" in r["benchmark"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
