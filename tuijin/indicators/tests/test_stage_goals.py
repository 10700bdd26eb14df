"""Stage goals judged from the zone's totals: met, not met with the shortfall, or pending while figures are missing."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tuijin.campaigns.models import Campaign
from tuijin.campaigns.services import stage_goal_add
from tuijin.core.scope import SYSTEM
from tuijin.indicators.models import Actual
from tuijin.indicators.services import actual_save
from tuijin.indicators.stage_goals import goal_sentence, stage_goal_status


@pytest.fixture
def campaign(world):
    return Campaign.objects.create(zone=world.zone_a, year=2023, theme="项目落地年")


@pytest.mark.django_db
def test_double_half_not_met_names_the_shortfall(world, filed, campaign):
    stage_goal_add(member=world.office, campaign=campaign, kind="double_half", due=dt.date(2023, 6, 30),
                   indicator_codes=["general_budget_revenue"])
    [s] = stage_goal_status(world.zone_a, 2023, 6)
    assert (s.goal, s.month, s.met, s.required) == ("双过半", 6, False, 0.5)
    assert s.completion == pytest.approx(8.6 / 20)
    assert goal_sentence([s], "double_half") == "一般公共预算收入未实现“双过半”,其中一般公共预算收入完成43.0%,差7.0个百分点。"
    assert stage_goal_status(world.zone_a, 2023, 5) == []  # June has not come yet


@pytest.mark.django_db
def test_met_and_pending(world, filed, campaign):
    stage_goal_add(member=world.office, campaign=campaign, kind="double_half", due=dt.date(2023, 6, 30),
                   indicator_codes=["general_budget_revenue"])
    rev = filed["general_budget_revenue"]
    actual_save(member=SYSTEM, unit=world.street1, indicator=rev, year=2023, month=6, ytd=Decimal("7.5"),
                approved=True)
    [s] = stage_goal_status(world.zone_a, 2023, 6)
    assert s.met is True and goal_sentence([s], "double_half") == "一般公共预算收入均实现“双过半”。"
    # a unit has not filed: the total is incomplete, so the goal is pending, not missed
    Actual.objects.filter(unit=world.street2, indicator=rev, year=2023).delete()
    [s] = stage_goal_status(world.zone_a, 2023, 6)
    assert s.met is None and "待数据报齐后判定" in goal_sentence([s], "double_half")


@pytest.mark.django_db
def test_in_the_dispatch_json(world, filed, campaign, capsys):
    stage_goal_add(member=world.office, campaign=campaign, kind="double_half", due=dt.date(2023, 6, 30),
                   indicator_codes=["general_budget_revenue"])
    call_command("dispatch", zone=world.zone_a.code, period="2023-06", format="json")
    goals = json.loads(capsys.readouterr().out)["stage_goals"]
    assert goals == [{"goal": "双过半", "indicator": "一般公共预算收入", "indicator_code": "general_budget_revenue",
                      "met": False, "completion": pytest.approx(0.43), "required": 0.5}]


@pytest.mark.django_db
def test_bad_stage_goals_are_refused(world, campaign):
    with pytest.raises(ValidationError, match="2023"):
        stage_goal_add(member=world.office, campaign=campaign, kind="double_half", due=dt.date(2024, 6, 30))
    with pytest.raises(ValidationError):
        stage_goal_add(member=world.office, campaign=campaign, kind="double_half", due=dt.date(2023, 6, 30),
                       indicator_codes=["<script>"])
    assert not campaign.stage_goals.exists()


@pytest.mark.django_db
def test_stated_in_the_bulletin_and_on_the_cockpit(world, filed, campaign, client_for):
    from tuijin.bulletins.selectors import bulletin_data

    stage_goal_add(member=world.office, campaign=campaign, kind="double_half", due=dt.date(2023, 6, 30),
                   indicator_codes=["general_budget_revenue"])
    data = bulletin_data(member=world.office, zone=world.zone_a, year=2023, month=6)
    assert data["stage_goal_lines"] == ["一般公共预算收入未实现“双过半”,其中一般公共预算收入完成43.0%,差7.0个百分点。"]
    assert bulletin_data(member=world.office, zone=world.zone_a, year=2023, month=5)["stage_goal_lines"] == []
    html = client_for(world.office).get("/dashboard/?period=2023-06").content.decode()
    assert 'id="stage-goals"' in html and "双过半 · 1项中0项实现" in html and "一般公共预算收入:完成43.0%,未实现" in html
