"""What to push (推进重点) on the standing page: from the newest assessment run, the indicators that would move the
unit's total most per unit of effort, each with its lead unit and the 补齐短板 button."""
import pytest

from tuijin.assessment import services as assessment
from tuijin.standing import services

pytestmark = pytest.mark.django_db

SCHEME = """
code: push
name: 园区考核
unit_column: unit
aggregation: sum
tree:
  code: total
  children:
    - {code: revenue, name: 营业收入, points: 40, rule: {type: completion, target: 10, per_pp: 1}}
    - {code: tax, name: 税收, points: 20, rule: {type: completion, target: 10, per_pp: 0.5}}
    - {code: full, name: 已满分项, points: 10, rule: {type: completion, target: 1, per_pp: 1}}
"""
ROWS = [["unit", "revenue", "tax", "full"], ["钵池街道", 8, 8, 2], ["枚乘街道", 10, 10, 2]]


@pytest.fixture
def run(world):
    scheme = assessment.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME)
    r = assessment.run_create(member=world.office, scheme=scheme, title="2023年园区考核", year=2023, rows=ROWS)
    assessment.run_publish(member=world.office, run=r)
    services.leads_save(member=world.office, zone=world.zone_a, leads={"revenue": ("营业收入", world.dept)})
    return r


def test_push_rows_in_order_with_lead_and_button(world, run, client_for):
    page = client_for(world.office).get("/standing/?push_unit=钵池街道").content.decode()
    card = page[page.index('id="push-card"'):page.index('id="results"')]
    assert card.index("营业收入") < card.index("税收")  # 0.2 points per 1% of the range before 0.1
    assert "已满分项" not in card  # full marks: nothing to gain
    assert "经济发展局" in card and card.count('name="code" value="revenue"') == 1  # one button, on the led row
    r = client_for(world.office).post("/standing/assign/", {"code": "revenue", "note": "2023年园区考核:营业收入"})
    assert r.status_code == 302


def test_a_street_sees_its_own_unit_only_and_no_button(world, run, client_for):
    page = client_for(world.staff2).get("/standing/?push_unit=钵池街道").content.decode()
    if 'id="push-card"' in page:
        card = page[page.index('id="push-card"'):page.index('id="results"')]
        assert "钵池街道" not in card and 'name="code"' not in card
    other = client_for(world.office_b).get("/standing/").content.decode()
    assert 'id="push-card"' not in other  # another zone's run is never read
