"""Assessment: 3,000 units × 60 indicators in a three-level tree, scored; and with 10,000 Monte Carlo samples."""
import time

import numpy as np


def scheme_text(n_cat=6, per_cat=10):
    lines = ["aggregation: amean", "tree:", "  code: total", "  children:"]
    for s in range(2):
        lines += [f"    - code: sub{s}", "      children:"]
        for c in range(n_cat // 2):
            lines += [f"        - code: cat{s}_{c}", "          children:"]
            for i in range(per_cat):
                lines.append(f"            - {{code: i{s}_{c}_{i}, weight: {1 + i % 3}, rule: {{type: minmax}}}}")
    return "\n".join(lines)


def run():
    from tuijin.engine.assessment import Data, assess, parse_scheme, robustness

    rng = np.random.default_rng(1)
    scheme = parse_scheme(scheme_text())
    codes = [i.code for i in scheme.indicators()]
    n = 3000
    cols = {c: rng.normal(100, 20, n) for c in codes}
    cols[codes[0]][::50] = np.nan
    data = Data(units=[f"u{i}" for i in range(n)], columns=cols)
    assess(scheme, data, explain=False)
    t = time.perf_counter()
    assess(scheme, data, explain=False)
    score_s = time.perf_counter() - t
    rows = [{"benchmark": "assessment: 3,000 units × 60 indicators, 3-level tree, scored", "figure": score_s,
             "unit": "s", "limit": "≤ 0.2 s"}]
    for samples in (1000, 10000):
        t = time.perf_counter()
        robustness(scheme, data, samples=samples, seed=1)
        rows.append({"benchmark": f"assessment robustness: 3,000 × 60 with {samples:,} Monte Carlo samples",
                     "figure": time.perf_counter() - t, "unit": "s", "limit": "≤ 10 s" if samples == 10000 else ""})
    return rows
