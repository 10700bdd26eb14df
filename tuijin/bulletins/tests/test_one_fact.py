"""One fact, one figure: a quantity a bulletin states twice (a filed indicator and the ledger's count) agrees,
or the bulletin says where the two differ."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from tuijin.bulletins import documents
from tuijin.bulletins.selectors import SAME_FACTS, bulletin_data
from tuijin.core.models import FilingPeriod
from tuijin.core.scope import SYSTEM
from tuijin.indicators.services import actual_save, catalogue_install

pytestmark = pytest.mark.django_db


def stated(text: str, what: str, unit: str) -> set[str]:
    """Every figure the text states for ``what`` (e.g. 新签约亿元以上项目 … 个)."""
    if unit == "个":
        return set(re.findall(re.escape(what) + r"(?:数)?(\d+)个", text))
    base = re.escape(what.replace("计划总投资", ""))  # "…项目49个、计划总投资280.63亿元" or "…项目计划总投资280.63亿元"
    return set(re.findall(base + r"(?:\d+个、)?计划总投资([\d.]+(?:亿元|万元))", text))


def figures_stated_twice_agree(text: str) -> list[str]:
    """The quantities stated with two different figures and no sentence saying so."""
    problems = []
    for _code, _key, what, unit in SAME_FACTS:
        values = stated(text, what, unit)
        if len(values) > 1 and f"其中{what},项目台账登记" not in text:
            problems.append(f"{what}: {sorted(values)}")
    return problems


def _project(world, code, investment, signed, foreign=False):
    from tuijin.projects.services import project_create

    return project_create(member=SYSTEM, zone=world.zone_a, code=code, name=f"项目{code}", category="industry",
                          unit=world.street1, planned_investment=Decimal(investment), is_foreign=foreign,
                          signed_actual=signed)


@pytest.fixture
def june(world):
    cat = {i.code: i for i in catalogue_install(zone=world.zone_a)}
    FilingPeriod.objects.create(zone=world.zone_a, year=2023, month=6, locked=True)
    for i in range(3):
        _project(world, f"P{i}", 20000, dt.date(2023, 3, 1 + i))  # three ≥1亿元 projects in the ledger
    _project(world, "F1", 5000, dt.date(2023, 4, 1), foreign=True)
    return cat


def _file(world, cat, code, value):
    FilingPeriod.objects.filter(zone=world.zone_a, year=2023, month=6).update(locked=False)
    actual_save(member=SYSTEM, unit=world.street1, indicator=cat[code], year=2023, month=6, ytd=Decimal(value),
                approved=True)
    FilingPeriod.objects.filter(zone=world.zone_a, year=2023, month=6).update(locked=True)


def _text(data) -> str:
    from io import BytesIO

    from docx import Document

    doc = Document(BytesIO(documents.build_docx(data, closing="", issuer="", issued_on=dt.date(2023, 7, 5))))
    return "\n".join(p.text for p in doc.paragraphs)


def test_the_ledger_count_is_the_only_figure(world, june):
    """The counts of new signed projects are counted from the ledger (indicators/ledger.py): a unit cannot file a
    second figure for them, and the bulletin states one."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="项目台账"):
        _file(world, june, "new_projects_100m", "5")
    data = bulletin_data(member=SYSTEM, zone=world.zone_a, year=2023, month=6)
    text = _text(data)
    assert stated(text, "新签约亿元以上项目", "个") == {"3"}
    assert stated(text, "新签约亿元以上项目计划总投资", "万元") == {"6亿元"}
    assert all(c["agree"] for c in data["cross_checks"]) and len(data["cross_checks"]) == 4
    assert figures_stated_twice_agree(text) == []


def test_differing_figures_would_be_named():
    """Were a filed figure ever to differ (an indicator switched back to filing), the sentence names it."""
    from tuijin.bulletins.selectors import cross_checks
    from tuijin.indicators.dispatch import DispatchRow

    row = DispatchRow(zone="za", unit="全区", unit_id=None, group="", is_zone=True, indicator="新签约亿元以上项目数",
                      indicator_code="new_projects_100m", indicator_id=1, display_unit="个", decimals=0,
                      computed=False, main=False, actual_ytd=Decimal(5), target=None, last_year_ytd=None,
                      completion=None, time_progress=0.5, pace_gap_pp=None, yoy_growth=None, rank=None,
                      warning="none", warning_reason="", complete=True)
    checks = cross_checks([row], {"big_signed_count": 3})
    assert checks == [{"code": "new_projects_100m", "what": "新签约亿元以上项目", "filed": "5个", "ledger": "3个",
                       "agree": False}]


def test_the_check_catches_a_bulletin_that_contradicts_itself(world, june):
    """The check itself can fail: a text with two figures and no word about it."""
    assert figures_stated_twice_agree("新签约亿元以上项目20个。……新签约亿元以上项目49个、计划总投资280.63亿元。") == [
        "新签约亿元以上项目: ['20', '49']"]


def test_huaian_demo_bulletin_states_every_figure_once(demo_huaian):
    from tuijin.core.models import Zone

    zone = Zone.objects.get(code="huaian")
    data = bulletin_data(member=SYSTEM, zone=zone, year=2023, month=6)
    text = _text(data)
    assert figures_stated_twice_agree(text) == []
    assert stated(text, "新签约亿元以上项目", "个") == {"49"} and stated(text, "新签约外资项目", "个") == {"10"}


@pytest.fixture
def demo_huaian(db):
    from django.core.management import call_command

    call_command("demo", verbosity=0)
