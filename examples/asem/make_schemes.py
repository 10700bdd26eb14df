"""Write one tuijin scheme per COINr reference configuration (examples/asem/*.yaml) from the ASEM metadata.

Run from the repository root: python examples/asem/make_schemes.py
"""
import csv
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CONFIGS = {
    "a_minmax_amean": ({"type": "minmax", "low": 0, "high": 100}, "amean"),
    "b_zscore_amean": ({"type": "zscore", "mean": 0, "sd": 1}, "amean"),
    "b2_zscore10_2_amean": ({"type": "zscore", "mean": 10, "sd": 2}, "amean"),
    "c_minmax1_100_gmean": ({"type": "minmax", "low": 1, "high": 100}, "gmean"),
    "d_rank_amean": ({"type": "rank"}, "amean"),
    "e1_dist2targ_amean": ({"type": "dist2targ", "cap": False}, "amean"),
    "e2_dist2targ_capped_amean": ({"type": "dist2targ", "cap": True}, "amean"),
    "f_minmax_amean_customweights": ({"type": "minmax", "low": 0, "high": 100}, "amean"),
    "h_minmax60_100_amean": ({"type": "minmax", "low": 60, "high": 100}, "amean"),
}


def main():
    meta = list(csv.DictReader(open(HERE / "data" / "metadata.csv", encoding="utf-8")))
    custom = {r["child"]: float(r["weight"]) for r in
              csv.DictReader(open(HERE / "data" / "f_minmax_amean_customweights" / "tree_weights.csv", encoding="utf-8"))}
    children: dict[str, list[dict]] = {}
    for row in meta:
        children.setdefault(row["Parent"], []).append(row)
    for name, (rule, agg) in CONFIGS.items():
        def node(row):
            weight = custom.get(row["iCode"], 1.0) if name.startswith("f_") else float(row["Weight"])
            out = {"code": row["iCode"], "name": row["iName"], "weight": weight}
            if row["Type"] == "Indicator":
                r = dict(rule)
                if r["type"] == "dist2targ":
                    r["target"] = float(row["Target"])
                out["direction"] = int(row["Direction"])
                out["rule"] = r
            else:
                out["children"] = [node(c) for c in children.get(row["iCode"], [])]
            return out

        root = next(r for r in meta if r["Parent"] == "NA")
        scheme = {"code": f"asem_{name}", "name": f"ASEM connectivity and sustainability — COINr config {name}",
                  "version": 1, "unit_column": "uCode", "aggregation": agg, "missing": "drop", "tree": node(root)}
        (HERE / f"{name}.yaml").write_text(
            f"# COINr reference configuration {name}: see data/COINR_README.md\n"
            + yaml.safe_dump(scheme, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")


if __name__ == "__main__":
    main()
