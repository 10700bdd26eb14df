"""`tuijin assess` reproduces COINr's scores at every level (relative 1e-12) and its ranks (rounded to 9 places)."""
import csv
import json
from pathlib import Path

import pytest

from tuijin.engine.assessment.cli import main as assess_main

ASEM = Path(__file__).resolve().parents[3] / "examples" / "asem"
CONFIGS = ["a_minmax_amean", "b_zscore_amean", "b2_zscore10_2_amean", "c_minmax1_100_gmean", "d_rank_amean",
           "e1_dist2targ_amean", "e2_dist2targ_capped_amean", "f_minmax_amean_customweights", "h_minmax60_100_amean"]


def read(path):
    with open(path, encoding="utf-8") as fh:
        return {r["uCode"]: r for r in csv.DictReader(fh)}


@pytest.mark.parametrize("config", CONFIGS)
def test_scores_and_ranks_match_coinr(config, tmp_path):
    out = tmp_path / "r.json"
    code = assess_main(["--scheme", str(ASEM / f"{config}.yaml"), "--data", str(ASEM / "data" / "input_raw_data.csv"),
                        "--format", "json", "--out", str(out)])
    assert code == 0
    ours = {u["unit"]: u for u in json.loads(out.read_text(encoding="utf-8"))["units"]}
    expected = read(ASEM / "data" / config / "aggregated.csv")
    expected_ranks = read(ASEM / "data" / config / "ranks_rounded9.csv")
    assert set(ours) == set(expected)
    checked = 0
    for unit, row in expected.items():
        for col, value in row.items():
            if col == "uCode":
                continue
            mine = ours[unit]["scores"][col]
            if value == "NA":
                assert mine is None, (unit, col)
                continue
            assert mine == pytest.approx(float(value), rel=1e-12, abs=1e-300), (unit, col)
            checked += 1
    assert checked > 51 * 49
    # ranks of every column, computed the way the reference did (scores rounded to 9 decimals)
    from tuijin.engine.ranking import competition_rank

    units = sorted(expected)
    for col in expected_ranks[units[0]]:
        if col == "uCode":
            continue
        vals = [None if ours[u]["scores"][col] is None else round(ours[u]["scores"][col], 9) for u in units]
        got = competition_rank(vals)
        want = [None if expected_ranks[u][col] == "NA" else int(float(expected_ranks[u][col])) for u in units]
        assert got == want, col
    for unit, u in ours.items():
        assert u["rank"] == int(float(expected_ranks[unit]["Index"]))
