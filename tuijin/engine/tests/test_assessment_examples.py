"""The example schemes run through `tuijin assess` as a user would run them: JSON, Excel, robustness, errors."""
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tuijin.engine.assessment.cli import main as assess_main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"


def run_json(tmp_path, scheme, data, *extra):
    out = tmp_path / "r.json"
    assert assess_main(["--scheme", str(scheme), "--data", str(data), "--format", "json", "--out", str(out), *extra]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_jiangyan_sanbi_reproduces_the_seed(tmp_path):
    r = run_json(tmp_path, EXAMPLES / "jiangyan_2021_sanbi.yaml", EXAMPLES / "jiangyan_2021_sanbi.csv")
    units = {u["unit"]: u for u in r["units"]}
    kfq, kj = units["姜堰经济开发区"], units["姜堰区现代科技产业园区"]
    assert (round(kfq["score"], 2), kfq["group"], kfq["rank"], kfq["tier"]) == (170.46, "A档", 1, "第一等次")
    assert (round(kj["score"], 2), kj["group"], kj["rank"], kj["tier"]) == (167.50, "B档", 1, "第一等次")
    assert kfq["scores"]["total"] == pytest.approx(164)  # 200 − 36, before the 6.46 bonus points
    assert units["姜堰区大伦产业园区"]["tier"] == "第三等次" and units["姜堰区大伦产业园区"]["vetoed"]
    # B档 has 4 parks, so at most 2 in the first tier; 姜堰区数字经济产业园 (167.0) is the second
    assert sorted(u["unit"] for u in r["units"] if u["group"] == "B档" and u["tier"] == "第一等次") == [
        "姜堰区数字经济产业园", "姜堰区现代科技产业园区"]


def test_the_example_scheme_is_the_one_the_demo_uses():
    demo = ROOT / "tuijin" / "assessment" / "data" / "jiangyan_2021_sanbi.yaml"
    if not demo.exists():
        pytest.skip("the app's demo scheme is not there")
    assert (EXAMPLES / "jiangyan_2021_sanbi.yaml").read_text(encoding="utf-8") == demo.read_text(encoding="utf-8")


def test_explanations_only_when_asked_for(tmp_path):
    plain = run_json(tmp_path, EXAMPLES / "jiangyan_2021_sanbi.yaml", EXAMPLES / "jiangyan_2021_sanbi.csv")
    explained = run_json(tmp_path, EXAMPLES / "jiangyan_2021_sanbi.yaml", EXAMPLES / "jiangyan_2021_sanbi.csv",
                         "--explain")
    assert all(u["breakdown"] == [] for u in plain["units"])
    assert all(u["breakdown"] for u in explained["units"])
    assert [u["score"] for u in plain["units"]] == [u["score"] for u in explained["units"]]


def test_year_end_scheme_uses_every_points_rule(tmp_path):
    r = run_json(tmp_path, EXAMPLES / "jiangyan_2021_year_end.yaml", EXAMPLES / "jiangyan_2021_year_end.csv",
                 "--explain")
    units = {u["unit"]: u for u in r["units"]}
    kfq = units["姜堰经济开发区"]
    # 59.7 (growth) + 24.6 (key work) + 14.2 (party) + 3 bonus points
    assert kfq["scores"]["growth"] == pytest.approx(15.5 + 9.7 + 10 + 10 + 4.5 + 10)
    assert kfq["score"] == pytest.approx(59.7 + 24.6 + 14.2 + 3)
    reasons = {b["code"]: b["reason"] for b in kfq["breakdown"]}
    assert reasons["revenue"] == "完成目标的105.0%,超额加0.50分,得15.50分"
    assert reasons["tickets"] == "完成目标的99.2%,低于100%,扣0.40分"
    # A档: 姜堰高新 reaches 85 but the 40% quota of 3 parks leaves one first-tier place
    assert (units["姜堰高新技术产业开发区"]["tier"], round(units["姜堰高新技术产业开发区"]["score"], 2)) == ("第二等次", 87.90)
    assert {u["group"] for u in r["units"]} == {"A档", "B档", "镇街"}
    for g in ("A档", "B档", "镇街"):
        ranks = sorted(u["rank"] for u in r["units"] if u["group"] == g)
        assert ranks[0] == 1 and len(ranks) == len(set(ranks))


def test_xlsx_output_and_input(tmp_path):
    data = tmp_path / "d.xlsx"
    wb = Workbook()
    src = (EXAMPLES / "jiangyan_2021_sanbi.csv").read_text(encoding="utf-8").splitlines()
    for line in src:
        wb.active.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in line.split(",")])
    wb.save(data)
    out = tmp_path / "r.xlsx"
    assert assess_main(["--scheme", str(EXAMPLES / "jiangyan_2021_sanbi.yaml"), "--data", str(data), "--uncertainty",
                        "100", "--seed", "3", "--format", "xlsx", "--out", str(out), "--explain"]) == 0
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames == ["考核结果", "得分说明", "稳健性", "敏感性"]
    rows = list(book["考核结果"].iter_rows(values_only=True))
    assert rows[0][:5] == ("单位", "分组", "总分", "排名", "等次")
    first = next(r for r in rows if r[0] == "姜堰经济开发区")
    assert first[1:5] == ("A档", 170.46, 1, "第一等次")
    assert any("完成目标的90.0%,低于100%,扣5.00分" in (r[4] or "") for r in book["得分说明"].iter_rows(values_only=True))


def test_robustness_in_json_is_deterministic(tmp_path):
    args = (EXAMPLES / "jiangyan_2021_sanbi.yaml", EXAMPLES / "jiangyan_2021_sanbi.csv", "--uncertainty", "200",
            "--seed", "9")
    a = run_json(tmp_path, *args)["robustness"]
    assert a == run_json(tmp_path, *args)["robustness"]
    assert a["samples"] == 200 and {u["unit"] for u in a["units"]} >= {"姜堰经济开发区"}


def test_json_to_stdout_has_every_node(capsys):
    assert assess_main(["--scheme", str(EXAMPLES / "asem" / "a_minmax_amean.yaml"), "--data",
                        str(EXAMPLES / "asem" / "data" / "input_raw_data.csv")]) == 0
    r = json.loads(capsys.readouterr().out)
    u = r["units"][0]
    assert {"unit", "score", "rank", "tier", "group", "scores"} <= set(u)
    assert len(u["scores"]) == 49 + 8 + 2 + 1


@pytest.mark.parametrize("args, message", [
    (["--scheme", "nope.yaml", "--data", "x.csv"], "找不到方案文件「nope.yaml」"),
    (["--scheme", str(EXAMPLES / "jiangyan_2021_sanbi.yaml"), "--data", "nope.csv"], "找不到数据文件「nope.csv」"),
    (["--scheme", str(EXAMPLES / "jiangyan_2021_sanbi.yaml"), "--data", str(EXAMPLES / "jiangyan_2021_sanbi.csv"),
      "--format", "xlsx"], "xlsx 格式需要 --out 文件名"),
    (["--scheme", str(EXAMPLES / "jiangyan_2021_sanbi.yaml"), "--data", str(EXAMPLES / "jiangyan_2021_sanbi.csv"),
      "--uncertainty", "-5"], "蒙特卡洛抽样次数必须大于0"),
    (["--scheme", str(EXAMPLES / "jiangyan_2021_sanbi.yaml"), "--data", str(EXAMPLES / "asem" / "data" /
                                                                           "input_raw_data.csv")], "数据缺少单位列「单位」"),
])
def test_cli_errors(args, message, capsys):
    assert assess_main(args) == 1
    assert message in capsys.readouterr().err


def test_cli_bad_data_names_the_row(tmp_path, capsys):
    data = tmp_path / "d.csv"
    text = (EXAMPLES / "jiangyan_2021_sanbi.csv").read_text(encoding="utf-8").replace("姜堰经济开发区,A档,12.0",
                                                                                      "姜堰经济开发区,,12.0")
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "r.json"
    assert assess_main(["--scheme", str(EXAMPLES / "jiangyan_2021_sanbi.yaml"), "--data", str(data), "--out",
                        str(out)]) == 1
    assert "第2行 单位「姜堰经济开发区」没有分组,而方案按分组考核" in capsys.readouterr().err
    assert not out.exists()  # nothing written


def test_gb18030_csv_is_read(tmp_path):
    data = tmp_path / "d.csv"
    data.write_bytes((EXAMPLES / "jiangyan_2021_sanbi.csv").read_text(encoding="utf-8").encode("gb18030"))
    r = run_json(tmp_path, EXAMPLES / "jiangyan_2021_sanbi.yaml", data)
    assert len(r["units"]) == 7
