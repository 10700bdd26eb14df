"""A unit's staff see published runs only, and of a run's robustness only their own unit's line."""
import pytest

from tuijin.assessment import services

pytestmark = pytest.mark.django_db

SCHEME = """
code: t
name: 测试考核
unit_column: unit
group_column: group
aggregation: amean
tree:
  code: total
  name: 总分
  children:
    - {code: a, name: 指标甲, column: a, rule: {type: minmax}}
    - {code: b, name: 指标乙, column: b, rule: {type: minmax}}
"""
ROWS = [["unit", "group", "a", "b"], ["钵池街道", "街道", 5, 3], ["枚乘街道", "街道", 4, 6], ["经济发展局", "部门", 2, 2]]


@pytest.fixture
def runs(world):
    scheme = services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME)
    published = services.run_create(member=world.office, scheme=scheme, title="已发布", year=2023, rows=ROWS,
                                    samples=50, seed=1)
    services.run_publish(member=world.office, run=published)
    draft = services.run_create(member=world.office, scheme=scheme, title="草稿", year=2023, rows=ROWS, samples=50,
                                seed=2)
    return published, draft


def test_street_api_sees_only_its_own_robustness_line(world, runs, api_for):
    published, _draft = runs
    data = api_for(world.staff1).get(f"/api/v1/assessment/runs/{published.pk}/").json()
    assert [u["unit"] for u in data["results"]] == ["钵池街道"]
    assert [u["unit"] for u in data["robustness"]["units"]] == ["钵池街道"]
    office = api_for(world.office).get(f"/api/v1/assessment/runs/{published.pk}/").json()
    assert len(office["robustness"]["units"]) == 3


def test_street_does_not_see_a_draft_run(world, runs, api_for, client_for):
    _published, draft = runs
    assert api_for(world.staff1).get(f"/api/v1/assessment/runs/{draft.pk}/").status_code == 404
    assert client_for(world.staff1).get(f"/assessment/runs/{draft.pk}/").status_code == 404
    listed = [r["title"] for r in api_for(world.staff1).get("/api/v1/assessment/runs/").json()["results"]]
    assert listed == ["已发布"]
    assert api_for(world.leader).get(f"/api/v1/assessment/runs/{draft.pk}/").status_code == 200
