"""An assessment fed by the system's records: bonus claims (verified only, under the cap), incidents (deductions and
the veto), record inputs with their source in the breakdown, the data scope of claims and of results."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tuijin.assessment import inputs, services
from tuijin.assessment.models import Claim, Incident

pytestmark = pytest.mark.django_db

SCHEME = """
code: rec
name: 年度综合考核
unit_column: unit
aggregation: sum
missing: zero
tiers:
  - {name: 第一等次, min_score: 10}
  - {name: 第二等次}
bonuses:
  - {code: claims, name: 向上争取加分, column: rec_claims, cap: 5}
deductions:
  - {code: env, name: 中央环保督察问题, column: rec_incidents_env_central, per: 0.3, cap: 3}
  - {code: larger, name: 较大安全事故, column: rec_incidents_safety_larger, per: 1}
vetoes:
  - {code: safety, name: 重大安全事故一票否决, column: rec_incidents_safety_major}
tree:
  code: total
  name: 总分
  children:
    - {code: a, name: 重点工作, column: a, points: 10, rule: {type: value}}
    - {code: tickets, name: 企业诉求办结率, column: rec_ticket_resolution_rate, points: 5,
       rule: {type: ratio_to_best, points: 5}}
"""
ROWS = [["unit", "a"], ["钵池街道", 10], ["枚乘街道", 10], ["经济发展局", 10]]


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def claim(world, member, unit, points="4", title="争取到省级试点"):
    return services.claim_submit(member=member, zone=world.zone_a, unit=unit, year=2023, kind=Claim.Kind.PILOTS,
                                 title=title, points=points, evidence=pdf())


def run(world):
    scheme = services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME)
    r = services.run_create(member=world.office, scheme=scheme, title="2023年度考核", year=2023, rows=ROWS)
    return {u["unit"]: u for u in r.results["units"]}, r


def test_verified_claims_count_under_the_cap_and_rejected_never(world):
    c1 = claim(world, world.staff1, world.street1, points="4")
    c2 = claim(world, world.staff1, world.street1, points="3", title="争取到专项资金")
    c3 = claim(world, world.staff2, world.street2, points="6", title="获得省级荣誉")
    services.claim_decide(member=world.office, claim=c1, verify=True)
    services.claim_decide(member=world.office, claim=c2, verify=True, granted="2.5")
    services.claim_decide(member=world.office, claim=c3, verify=False, reason="证明材料不是本年度的")
    units, _r = run(world)
    bonus = next(b for b in units["钵池街道"]["breakdown"] if b["code"] == "claims")
    assert bonus["points"] == 5  # 4 + 2.5 = 6.5, capped at 5
    assert bonus["source"]["link"].startswith("/assessment/claims/")
    assert not any(b["code"] == "claims" for b in units["枚乘街道"]["breakdown"])  # the rejected claim never counts
    assert Claim.objects.get(pk=c3.pk).granted is None


def test_claim_refusals(world):
    c = claim(world, world.staff1, world.street1)
    with pytest.raises(PermissionDenied):  # a street never verifies its own claim
        services.claim_decide(member=world.staff1, claim=c, verify=True)
    with pytest.raises(ValidationError) as e:  # a rejection names its reason
        services.claim_decide(member=world.office, claim=c, verify=False, reason="")
    assert "reason" in e.value.message_dict
    with pytest.raises(ValidationError):  # more than claimed
        services.claim_decide(member=world.office, claim=c, verify=True, granted="9")
    with pytest.raises(ValidationError) as e:  # a unit outside the member's scope
        claim(world, world.staff1, world.street2)
    assert "unit" in e.value.message_dict
    with pytest.raises(ValidationError):  # another zone's unit
        services.claim_submit(member=world.office, zone=world.zone_a, unit=world.street_b, year=2023, kind="gold",
                              title="x", points=1, evidence=pdf())
    with pytest.raises(ValidationError) as e:  # no evidence
        services.claim_submit(member=world.staff1, zone=world.zone_a, unit=world.street1, year=2023, kind="gold",
                              title="x", points=1, evidence=None)
    assert "evidence" in e.value.message_dict
    with pytest.raises(ValidationError) as e:  # a program renamed to .pdf
        services.claim_submit(member=world.staff1, zone=world.zone_a, unit=world.street1, year=2023, kind="gold",
                              title="x", points=1, evidence=SimpleUploadedFile("a.pdf", b"MZ\x90\x00"))
    with pytest.raises(ValidationError):  # points out of range
        claim(world, world.staff1, world.street1, points="1e9")
    services.claim_decide(member=world.office, claim=c, verify=True)
    with pytest.raises(ValidationError):  # decided once
        services.claim_decide(member=world.office, claim=c, verify=False, reason="重复")
    assert Claim.objects.count() == 1


def test_incidents_deduct_and_veto(world):
    for _ in range(2):
        services.incident_record(member=world.office, zone=world.zone_a, unit=world.street1,
                                 kind=Incident.Kind.ENV_CENTRAL, occurred_on="2023-05-01", title="中央环保督察交办问题")
    services.incident_record(member=world.office, zone=world.zone_a, unit=world.dept, kind="safety_larger",
                             occurred_on=dt.date(2023, 7, 1), title="较大事故")
    services.incident_record(member=world.office, zone=world.zone_a, unit=world.street2, kind="safety_major",
                             occurred_on="2023-08-01", title="重大事故")
    services.incident_record(member=world.office, zone=world.zone_a, unit=world.street2, kind="safety_major",
                             occurred_on="2022-08-01", title="上年的事故不计入本年")
    units, _r = run(world)
    assert units["钵池街道"]["score"] == pytest.approx(10 - 0.6)
    assert units["经济发展局"]["score"] == pytest.approx(10 - 1)
    assert units["枚乘街道"]["vetoed"] and units["枚乘街道"]["tier"] == "第二等次"
    assert units["钵池街道"]["tier"] == "第二等次"  # 9.4 < 10
    veto = next(b for b in units["枚乘街道"]["breakdown"] if b["code"] == "veto")
    assert "重大安全事故一票否决" in veto["reason"]
    with pytest.raises(PermissionDenied):
        services.incident_record(member=world.staff1, zone=world.zone_a, unit=world.street1, kind="petition",
                                 occurred_on="2023-01-01", title="信访")
    with pytest.raises(ValidationError) as e:
        services.incident_record(member=world.office, zone=world.zone_a, unit=world.street1, kind="nonsense",
                                 occurred_on="2023-01-01", title="x")
    assert "kind" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.incident_record(member=world.office, zone=world.zone_a, unit=world.street_b, kind="petition",
                                 occurred_on="2023-01-01", title="x")
    with pytest.raises(ValidationError):
        services.incident_record(member=world.office, zone=world.zone_a, unit=world.street1, kind="petition",
                                 occurred_on="2023-02-30", title="x")


def test_ticket_resolution_rate_is_computed_with_its_source(world):
    from django.utils import timezone

    from tuijin.tickets.models import Ticket
    from tuijin.tickets.services import ticket_raise

    made = [ticket_raise(member=world.office, zone=world.zone_a, title=f"诉求{i}", assignee_unit=unit,
                         deadline=timezone.localdate() + dt.timedelta(days=30))
            for i, unit in enumerate([world.street1] * 4 + [world.street2])]
    Ticket.objects.filter(pk__in=[t.pk for t in made]).update(  # as if raised in 2023
        assigned_at=timezone.make_aware(dt.datetime(2023, 3, 1)), deadline=dt.date(2023, 6, 30))
    Ticket.objects.filter(pk__in=[t.pk for t in made[:3]]).update(
        state=Ticket.State.RESOLVED, resolved_at=timezone.make_aware(dt.datetime(2023, 4, 1)))
    assert inputs.REGISTRY["rec_ticket_resolution_rate"].compute(world.zone_a, 2023) == {world.street1.pk: 0.75,
                                                                                           world.street2.pk: 0.0}
    assert inputs.REGISTRY["rec_ticket_ontime_rate"].compute(world.zone_a, 2023) == {world.street1.pk: 0.75,
                                                                                       world.street2.pk: 0.0}
    units, r = run(world)
    line = next(b for b in units["钵池街道"]["breakdown"] if b["code"] == "tickets")
    assert line["input"] == 0.75 and line["points"] == 5  # the best unit
    assert line["source"]["link"] == "/tickets/" and "办结率" in line["source"]["label"]
    assert next(b for b in units["经济发展局"]["breakdown"] if b["code"] == "tickets")["input"] is None
    assert r.inputs["sources"]["rec_ticket_resolution_rate"]["link"] == "/tickets/"


def test_key_task_milestones(world):
    from tuijin.campaigns.services import campaign_create, key_task_create

    camp = campaign_create(member=world.office, zone=world.zone_a, year=2023, theme="项目落地年")
    task = key_task_create(member=world.office, campaign=camp, title="园区扩容", lead_unit=world.street1,
                           milestones=[("规划批复", dt.date(2023, 3, 1)), ("开工", dt.date(2023, 9, 1))])
    task.milestones.filter(name="规划批复").update(done_on=dt.date(2023, 2, 20))
    key_task_create(member=world.office, campaign=camp, title="招商", lead_unit=world.dept)
    got = inputs.REGISTRY["rec_key_task_completion"].compute(world.zone_a, 2023)
    assert got == {world.street1.pk: 0.5, world.dept.pk: 0.0}


def test_claims_page_scope(world, client_for):
    c = claim(world, world.staff1, world.street1)
    other = claim(world, world.staff2, world.street2, title="枚乘的申报")
    page = client_for(world.staff1).get("/assessment/claims/").content.decode()
    assert "争取到省级试点" in page and "枚乘的申报" not in page and 'value="verify"' not in page
    assert client_for(world.staff1).get(f"/assessment/claims/{other.pk}/evidence/").status_code == 404
    assert client_for(world.staff1).get(f"/assessment/claims/{c.pk}/evidence/").status_code == 200
    assert client_for(world.office_b).get(f"/assessment/claims/{c.pk}/evidence/").status_code == 404
    # a street posting a verification is refused; the office's goes through
    client_for(world.staff1).post("/assessment/claims/", {"action": "verify", "claim": c.pk})
    assert Claim.objects.get(pk=c.pk).state == "claimed"
    client_for(world.office).post("/assessment/claims/", {"action": "reject", "claim": c.pk, "reason": "材料不全"})
    assert Claim.objects.get(pk=c.pk).state == "rejected"
    # the form refuses another zone's unit id
    r = client_for(world.office).post("/assessment/claims/", {"unit": world.street_b.pk, "year": 2023, "kind": "gold",
                                                               "title": "x", "points": "1", "evidence": pdf()})
    assert r.status_code == 200 and Claim.objects.count() == 2
    r = client_for(world.staff1).post("/assessment/claims/", {"unit": world.street1.pk, "year": 2023, "kind": "gold",
                                                               "title": "夺金点", "points": "2", "evidence": pdf()})
    assert r.status_code == 302 and Claim.objects.filter(title="夺金点", unit=world.street1).exists()


def test_incident_page(world, client_for):
    r = client_for(world.office).post("/assessment/incidents/", {"unit": world.street1.pk, "kind": "petition",
                                                                  "occurred_on": "2023-03-01", "title": "某企业集体上访"})
    assert r.status_code == 302
    assert "某企业集体上访" in client_for(world.staff1).get("/assessment/incidents/").content.decode()
    assert "某企业集体上访" not in client_for(world.staff2).get("/assessment/incidents/").content.decode()
    assert "某企业集体上访" not in client_for(world.office_b).get("/assessment/incidents/").content.decode()
    assert client_for(world.office).get("/assessment/incidents/?year=abc").status_code == 200


def test_filing_days_late_and_returns_from_the_history(world):
    from decimal import Decimal

    from django.utils import timezone

    from tuijin.core.models import FilingPeriod
    from tuijin.indicators.services import actual_file, actual_review, catalogue_install

    cat = {i.code: i for i in catalogue_install(zone=world.zone_a)}
    rev = cat["general_budget_revenue"]
    today = timezone.localdate()
    FilingPeriod.objects.update_or_create(zone=world.zone_a, year=2023, month=5,
                                          defaults={"deadline": today - dt.timedelta(days=3)})
    FilingPeriod.objects.update_or_create(zone=world.zone_a, year=2023, month=6,
                                          defaults={"deadline": today + dt.timedelta(days=3)})
    actual_file(member=world.staff1, unit=world.street1, year=2023, month=5, entries=[(rev, Decimal("4"), None)],
                submit=True)
    actual_review(member=world.office, unit=world.street1, year=2023, month=5, approve=False, reason="口径不对")
    actual_file(member=world.staff2, unit=world.street2, year=2023, month=6, entries=[(rev, Decimal("4"), None)],
                submit=True)
    late = inputs.REGISTRY["rec_filing_days_late"].compute(world.zone_a, 2023)
    assert late == {world.street1.pk: 3, world.street2.pk: 0}
    assert inputs.REGISTRY["rec_filing_returns"].compute(world.zone_a, 2023) == {world.street1.pk: 1}
    assert inputs.REGISTRY["rec_filing_returns"].compute(world.zone_a, 2022) == {}


def test_claims_and_incidents_api_keep_the_scope(world, api_for):
    claim(world, world.staff1, world.street1)
    claim(world, world.staff2, world.street2, title="枚乘的申报")
    services.incident_record(member=world.office, zone=world.zone_a, unit=world.street2, kind="petition",
                             occurred_on="2023-03-01", title="信访事项")
    mine = api_for(world.staff1).get("/api/v1/assessment/claims/").json()["results"]
    assert [c["title"] for c in mine] == ["争取到省级试点"] and mine[0]["has_evidence"]
    assert len(api_for(world.office).get("/api/v1/assessment/claims/").json()["results"]) == 2
    assert api_for(world.office_b).get("/api/v1/assessment/claims/").json()["results"] == []
    assert api_for(world.staff1).get("/api/v1/assessment/incidents/").json()["results"] == []
    assert [i["unit"] for i in api_for(world.staff2).get("/api/v1/assessment/incidents/").json()["results"]] == \
        ["枚乘街道"]
    assert api_for(world.staff1).post("/api/v1/assessment/claims/", {}).status_code == 405
