"""The lifecycle is defined once (projects/lifecycle.py); the model, rules, ledger, selectors and API follow it."""
import datetime as dt
import re
from pathlib import Path

import pytest

from tuijin.projects import lifecycle
from tuijin.projects.exchange import DATE_COLUMNS, ledger_columns
from tuijin.projects.models import Project

D = dt.date
APP = Path(__file__).resolve().parent.parent


def test_model_follows_the_lifecycle():
    assert Project.Stage.choices == lifecycle.CHOICES
    assert [c for c, _n in lifecycle.CHOICES] == ["planned", "signed", "registered", "land", "started", "completed",
                                                  "production", "capacity"]
    for s in lifecycle.STAGES:
        for field in (s.planned_field, s.actual_field):
            assert Project._meta.get_field(field).null  # one column per stage and kind, as before
    assert [s[0] for s in Project(code="x").stage_dates()] == lifecycle.STAGE_CODES


def test_ledger_carries_every_actual_date_in_lifecycle_order():
    fields = [f for _h, f in DATE_COLUMNS]
    assert [f for f in fields if f.endswith("_actual")] == lifecycle.ACTUAL_FIELDS
    assert [f for f in fields if f.endswith("_planned")] == [s.planned_field for s in lifecycle.STAGES
                                                             if s.ledger_planned]
    headers = [c.header for c in ledger_columns()]
    assert "实际达产日期" in headers and "实际注册日期" in headers and "实际供地日期" in headers
    assert headers.index("签约日期") < headers.index("实际达产日期")


def test_api_and_forms_offer_every_date():
    from tuijin.projects.api import ProjectSerializer
    from tuijin.projects.forms import ProjectForm

    assert set(lifecycle.DATE_FIELDS) <= set(ProjectSerializer.Meta.fields)
    assert set(lifecycle.DATE_FIELDS) <= set(ProjectForm.base_fields)


def test_no_copy_of_the_stages_left_in_the_app():
    """The stage list is written out only in lifecycle.py (and migrations, which record history)."""
    names = "签约|注册|供地|开工|竣工|投产|达产"
    copies = []
    for path in APP.rglob("*.py"):
        if path.name == "lifecycle.py" or "migrations" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(rf"\(\s*\"(signed|started)\"\s*,\s*\"({names})\"", text) or \
                re.search(r"\"(registered|land|production|capacity)_(planned|actual)\"", text):
            copies.append(path.name)
    assert copies == []


@pytest.mark.parametrize("values, stage, problem", [
    ({}, "planned", None),
    ({"signed_actual": D(2023, 1, 1)}, "signed", None),
    ({"signed_actual": D(2023, 1, 1)}, "capacity", "当前阶段为「达产」,须填写实际达产日期"),
    ({"signed_actual": D(2023, 1, 1)}, "planned", "当前阶段填的是「谋划」,但日期显示已签约"),
    ({"started_actual": D(2023, 3, 1)}, "signed", "当前阶段为「签约」,须填写签约日期"),
    ({"signed_actual": D(2023, 1, 1), "started_actual": D(2023, 3, 1)}, "signed",
     "当前阶段填的是「签约」,但日期显示已开工"),
    ({"registered_actual": D(2023, 1, 1)}, "registered", None),
])
def test_stated_stage(values, stage, problem):
    assert lifecycle.stated_stage_error(stage, values) == problem


def test_order_rules():
    today = D(2024, 1, 1)
    assert lifecycle.order_errors({"started_actual": D(2023, 5, 1), "completed_actual": D(2023, 4, 1)}, today=today) \
        == {"completed_actual": "实际竣工日期2023-04-01早于实际开工日期2023-05-01"}
    assert lifecycle.order_errors({"completed_actual": D(2023, 4, 1)}, today=today) == \
        {"completed_actual": "尚未开工,不能先竣工"}
    # 签约, 注册 and 供地 may be skipped
    assert lifecycle.order_errors({"started_actual": D(2023, 4, 1)}, today=today) == {}
    assert lifecycle.order_errors({"capacity_actual": D(2024, 3, 1), "started_actual": D(2023, 4, 1),
                                   "completed_actual": D(2023, 8, 1), "production_actual": D(2023, 9, 1)},
                                  today=today) == {"capacity_actual": "实际达产日期2024-03-01晚于今天"}


def test_a_skipped_stage_counts_as_passed_once_a_later_one_is_done():
    actuals = [D(2023, 1, 1), None, None, D(2023, 4, 1), None, None, None]
    assert lifecycle.passed_dates(actuals) == [D(2023, 1, 1), D(2023, 4, 1), D(2023, 4, 1), D(2023, 4, 1), None,
                                               None, None]
    # a stage that may not be skipped is never "passed" by a later one
    assert lifecycle.passed_dates([None, None, None, None, None, D(2023, 9, 1), None])[4] is None
