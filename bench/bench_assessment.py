"""Assessment: 3,000 units × 60 indicators in a three-level tree, scored (with and without the breakdown of every
point); the robustness analysis with 1,000 … 10,000 Monte Carlo samples, to show how its time grows with N."""
import time

import numpy as np


def scheme_text(n_cat=6, per_cat=10):
    """Index → 2 sub-indices → 6 categories → 60 indicators (min-max), uneven weights."""
    lines = ["aggregation: amean", "tree:", "  code: total", "  children:"]
    for s in range(2):
        lines += [f"    - code: sub{s}", "      children:"]
        for c in range(n_cat // 2):
            lines += [f"        - code: cat{s}_{c}", "          children:"]
            for i in range(per_cat):
                lines.append(f"            - {{code: i{s}_{c}_{i}, weight: {1 + i % 3}, rule: {{type: minmax}}}}")
    return "\n".join(lines)


def data(n=3000, seed=1):
    from tuijin.engine.assessment import Data, parse_scheme

    rng = np.random.default_rng(seed)
    scheme = parse_scheme(scheme_text())
    codes = [i.code for i in scheme.indicators()]
    cols = {c: rng.normal(100, 20, n) for c in codes}
    cols[codes[0]][::50] = np.nan  # some units with a gap: they take the node-by-node path
    return scheme, Data(units=[f"u{i}" for i in range(n)], columns=cols)


def timed(fn, repeat=1):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def asem_file(path, n=3000, seed=1):
    """The ASEM data (COINr's example, 49 indicators) grown to ``n`` units by resampling its 51 with noise."""
    import csv
    import random
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent / "examples" / "asem" / "data" / "input_raw_data.csv"
    src = list(csv.reader(here.open(encoding="utf-8")))
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(src[0])
        for i in range(n):
            r = list(rng.choice(src[1:]))
            r[0] = f"U{i:04d}"
            for k in range(2, len(r)):
                try:
                    r[k] = repr(float(r[k]) * rng.uniform(0.8, 1.2))
                except ValueError:
                    pass  # NA stays NA
            w.writerow(r)


def cli_seconds(*args, repeat=7):
    """Median wall time of `tuijin assess …` as a user runs it: a new process each time, start-up included."""
    import statistics
    import subprocess
    import sys

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tuijin", "assess", *args], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run():
    import tempfile
    from pathlib import Path

    from tuijin.engine.assessment import assess, robustness

    scheme, d = data()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, out = Path(tmp) / "asem3000.csv", Path(tmp) / "r.json"
        asem_file(csv_path)
        cli = ["--scheme", str(root / "examples/asem/a_minmax_amean.yaml"), "--data", str(csv_path), "--format",
               "json", "--out", str(out)]
        cli_rows = [
            {"benchmark": "tuijin assess end to end: 3,000 units × 49 indicators (ASEM tree), CSV in, JSON out, "
                          "process start included (median of 7)", "figure": cli_seconds(*cli), "unit": "s",
             "limit": "≤ 0.3 s"},
            {"benchmark": "… the same with --explain (a reason for each of the 147,000 points)",
             "figure": cli_seconds(*cli, "--explain", repeat=3), "unit": "s", "limit": ""},
        ]
    rows = cli_rows + [
        {"benchmark": "assessment: 3,000 units × 60 indicators, 3-level tree, scored (best of 3)",
         "figure": timed(lambda: assess(scheme, d, explain=False), 3), "unit": "s", "limit": "≤ 0.2 s"},
        {"benchmark": "assessment: the same with the reason for every one of the 180,000 points",
         "figure": timed(lambda: assess(scheme, d)), "unit": "s", "limit": ""},
    ]
    times = {}
    for samples in (1000, 2500, 5000, 10000):
        times[samples] = timed(lambda: robustness(scheme, d, samples=samples, seed=1))
        rows.append({"benchmark": f"assessment robustness: 3,000 × 60 with {samples:,} Monte Carlo samples",
                     "figure": times[samples], "unit": "s", "limit": "≤ 10 s" if samples == 10000 else ""})
    rows.append({"benchmark": "assessment robustness: time per 1,000 samples at N = 10,000 vs N = 1,000",
                 "figure": (times[10000] / 10) / times[1000], "unit": "x", "limit": "≈ 1 (linear in N)"})
    small, sd = data(n=300, seed=2)
    rows.append({"benchmark": "assessment robustness: 300 units × 60 with 10,000 samples",
                 "figure": timed(lambda: robustness(small, sd, samples=10000, seed=1)), "unit": "s", "limit": ""})
    return rows
