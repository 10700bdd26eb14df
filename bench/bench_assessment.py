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


def run():
    from tuijin.engine.assessment import assess, robustness

    scheme, d = data()
    rows = [
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
