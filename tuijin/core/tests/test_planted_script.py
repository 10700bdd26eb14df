"""Script planted in every free-text field never runs (docs/security.md, "Content-Security-Policy").

Every free-text field a member can write (unit, member, indicator, project, ticket, campaign, scheme, run, commendation
and bulletin texts) holds ``</script><img src=x onerror=…>``, quotes, a tag and template syntax (planting.py). Signed in
as each role, every page of the URL conf (found by the walk of test_bad_parameters, so a new page is covered as soon as
it exists), the cockpit and the API are opened; every answer must

- show the planted text as text: no ``<img src=x onerror>`` element, no ``<i>grp</i>`` element, template and %-format
  syntax shown as typed, not interpreted;
- have no inline script: every ``<script>`` has a ``src``, except ``type="application/json"`` blocks (json_script),
  which are JSON with every ``<`` encoded; no inline event handler, no ``javascript:`` address;
- carry a Content-Security-Policy whose script-src allows neither 'unsafe-inline' nor 'unsafe-eval'.

The generated files (bulletin Word and Excel, the dispatch workbook, every export and template, the import error
workbook, the commendation list, the assessment results workbook) keep the text literal: no cell a spreadsheet would
run as a formula, the Word text exactly as typed.
"""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from html import escape as html_escape
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve

from tuijin.core.tests.planting import (FORMULA, GROUP, P1, P2, RAW_MARKERS, Planted, csp_directives, docx_text,
                                        formula_cells, plant, script_problems, tagged, xlsx_texts)
from tuijin.core.tests.test_bad_parameters import walk

ROUTES = list(walk())
PAGE_ROUTES = [r for r in ROUTES if not r.api]
API_ROUTES = [r for r in ROUTES if r.api and not r.suffix]
ROLES = ("admin", "office", "leader", "staff1", "staff2")
FILE_TYPES = ("application/vnd.openxmlformats", "application/pdf", "application/octet-stream")
ATTACHMENT_NAME = "x<img src=x onerror=alert(5)>.pdf"
UPLOAD_NAME = "<img src=x onerror=alert(6)>.csv"  # the import page shows the uploaded file's name


# ---- the planted world ----------------------------------------------------------------------------------------


@pytest.fixture
def planted(world, settings, tmp_path) -> Planted:
    """plant(world), a ticket step with an attachment, and the bulletin's files generated."""
    from tuijin.bulletins import services as bulletins
    from tuijin.tickets import services as tickets

    settings.MEDIA_ROOT = tmp_path / "media"
    p = plant(world)
    raised_by_street = next(t for t in p.tickets if t.assignee_unit_id == world.street2.pk)
    tickets.ticket_acknowledge(member=world.staff2, ticket=raised_by_street, note=P2,
                               attachment=SimpleUploadedFile(ATTACHMENT_NAME, b"%PDF-1.4\n%planted\n"))
    p.bulletin = bulletins.bulletin_generate(member=world.office, bulletin=p.bulletin, background=False)
    assert p.bulletin.docx and p.bulletin.xlsx, p.bulletin.error
    p.enterprises = _plant_enterprises(world, p) if apps.is_installed("tuijin.enterprises") else []
    p.leads = _plant_leads(world, p) if apps.is_installed("tuijin.promotion") else []
    _plant_claims_and_incidents(world)
    _plant_standing(world, p)
    return p


def _plant_standing(world, p: Planted) -> None:
    """对标: a published result recorded by hand (its evaluation's title and issuer, its list's item and group, the
    tier and source) and the zone's goal, planted."""
    from tuijin.standing import services as standing

    year = p.periods[0][0]
    p.texts["对标评价"], p.texts["来源"], p.texts["对标目标"] = tagged("对标评价"), tagged("来源", P2), tagged("对标目标")
    standing.result_record(member=world.office, zone=world.zone_a, issuer=tagged("发"), level="province",
                           title=p.texts["对标评价"], year=year, item=GROUP, group="=1+1", rank=3, of=20,
                           tier=GROUP, source=p.texts["来源"])
    standing.goal_set(member=world.office, zone=world.zone_a, level="province", kind="rank",
                      label=p.texts["对标目标"], target_rank=5)


def _plant_leads(world, p: Planted) -> list:
    """招商: a lead's name, investor, person who brought it and industry, a visit's summary, a drop reason and the
    note of capital received, all planted; one lead signed into a project of the ledger."""
    from tuijin.promotion import services as promo

    year = p.periods[0][0]
    p.texts["线索"], p.texts["投资方"], p.texts["洽谈"] = tagged("线索"), tagged("投资方", P2), tagged("洽谈", P2)
    p.texts["放弃"], p.texts["到位"] = tagged("放弃"), tagged("到位")
    signed = promo.lead_create(member=world.office, zone=world.zone_a, name=p.texts["线索"], source="referral",
                               unit=world.street1, brought_by=tagged("引荐"), investor=p.texts["投资方"],
                               industry=FORMULA, amount="20000", lead_on=f"{year}-01-05", assess_by=f"{year}-02-05",
                               note=P2)
    promo.visit_log(member=world.office, lead=signed, on=f"{year}-01-08", kind="talk", summary=p.texts["洽谈"],
                    people=FORMULA)
    signed = promo.lead_advance(member=world.office, lead=signed, stage="talks", on=f"{year}-01-10")
    signed = promo.lead_advance(member=world.office, lead=signed, stage="signed", on=f"{year}-02-01",
                                code="ZS-PLANT")
    promo.capital_record(member=world.office, project=signed.project, kind="received", on=f"{year}-03-01",
                         amount="100", note=p.texts["到位"])
    dropped = promo.lead_create(member=world.office, zone=world.zone_a, name=FORMULA, source="expo",
                                unit=world.street2, investor=P1, amount="5000", lead_on=f"{year}-01-05",
                                assess_by=f"{year}-01-20")
    promo.lead_drop(member=world.office, lead=dropped, on=f"{year}-02-01", reason=p.texts["放弃"])
    return [signed, dropped]


def _plant_claims_and_incidents(world) -> None:
    """A bonus claim (its evidence named with markup) and an incident, both with planted text."""
    from tuijin.assessment import services as assessment

    c = assessment.claim_submit(member=world.staff1, zone=world.zone_a, unit=world.street1, year=2023, kind="gold",
                                title=P1, points=1, evidence=SimpleUploadedFile(ATTACHMENT_NAME, b"%PDF-1.4\n%p\n"))
    assessment.claim_decide(member=world.office, claim=c, verify=False, reason=P2)
    assessment.incident_record(member=world.office, zone=world.zone_a, unit=world.street1, kind="petition",
                               occurred_on="2023-03-01", title=P2)


def _plant_enterprises(world, p: Planted) -> list:
    """The enterprise register (an app newer than planting.py): names, addresses, industries and the note of a kept
    enterprise."""
    from tuijin.enterprises import services as ent
    from tuijin.enterprises.uscc import make_code

    year = p.periods[0][0]
    out = []
    p.texts["企业名"], p.texts["公司"] = tagged("企业名"), tagged("公司", P2)
    for n, (name, unit) in enumerate(((p.texts["企业名"], world.street1), (FORMULA, world.street2),
                                      (p.texts["公司"], world.dept)), start=1):
        e = ent.enterprise_save(member=world.office, zone=world.zone_a, credit_code=make_code("9", "1", "320800",
                                f"MA1XTT00{n}"), name=name, address=tagged("地址", P2), industry=FORMULA, unit=unit)
        ent.enterprise_year_save(member=world.office, enterprise=e, year=year, revenue=Decimal(1000 * n))
        out.append(e)
    p.texts["培育"] = tagged("培育", P2)
    ent.kept_save(member=world.office, enterprise=out[0], year=year, target_revenue=Decimal(5000),
                  note=p.texts["培育"])
    # 工业服务年: a visit's findings, the request raised with it, and the enterprise's comment when rating it
    from tuijin.tickets import services as tickets

    p.texts["走访"], p.texts["企业诉求"], p.texts["评价"] = tagged("走访", P2), tagged("企业诉求"), tagged("评价", P2)
    visit = ent.visit_log(member=world.office, enterprise=out[0], visited_on=f"{year}-01-15",
                          findings=p.texts["走访"], request_title=p.texts["企业诉求"])
    tickets.ticket_acknowledge(member=world.staff1, ticket=visit.ticket)
    tickets.ticket_resolve(member=world.staff1, ticket=visit.ticket, resolution="已办结")
    tickets.ticket_close(member=world.office, ticket=visit.ticket)
    tickets.ticket_rate(member=world.office, ticket=visit.ticket, satisfaction="fairly", comment=p.texts["评价"])
    p.tickets.append(visit.ticket)
    return out


def _member(world, role):
    return getattr(world, role)


def _path_kwargs(p: Planted, world) -> dict[str, list[dict]]:
    """Every page pattern with an id in its path, filled with the planted records."""
    from tuijin.accounts.models import SignInThrottle
    from tuijin.assessment.models import Claim
    from tuijin.exchange.base import importers
    from tuijin.tickets.models import TicketEvent

    names = sorted(importers())
    with_files = TicketEvent.objects.filter(ticket__zone=world.zone_a).exclude(attachment="").order_by("pk")
    lock = SignInThrottle.objects.order_by("pk").first()
    members = [world.admin, world.office, *p.members]
    return {
        "accounts:lock_reset": [{"pk": lock.pk if lock else 1}],
        "org:unit_detail": [{"pk": u.pk} for u in p.units],
        **{f"org:member_{page}": [{"pk": m.pk} for m in members] for page in ("edit", "active", "password")},
        "enterprises:detail": [{"pk": e.pk} for e in p.enterprises],
        "promotion:lead": [{"pk": x.pk} for x in getattr(p, "leads", [])],
        "promotion:edit": [{"pk": x.pk} for x in getattr(p, "leads", [])],
        "enterprises:edit": [{"pk": e.pk} for e in p.enterprises],
        "enterprises:year": [{"pk": e.pk, "year": p.periods[0][0]} for e in p.enterprises],
        "enterprises:liaison": [{"pk": e.pk} for e in p.enterprises],
        "enterprises:visit_new": [{"pk": e.pk} for e in p.enterprises],
        "projects:detail": [{"pk": x.pk} for x in p.projects], "projects:edit": [{"pk": x.pk} for x in p.projects],
        "campaigns:detail": [{"pk": p.campaign.pk}], "campaigns:task_new": [{"campaign_pk": p.campaign.pk}],
        "campaigns:goal": [{"pk": g.pk} for g in p.campaign.stage_goals.all()],
        "campaigns:task": [{"pk": p.task.pk}], "campaigns:task_edit": [{"pk": p.task.pk}],
        "tickets:detail": [{"pk": t.pk} for t in p.tickets],
        "tickets:attachment": [{"pk": e.pk} for e in with_files],
        "indicators:unit": [{"pk": u.pk} for u in p.units],
        "indicators:indicator": [{"code": i.code} for i in p.indicators],
        "assessment:scheme": [{"pk": p.scheme.pk}],
        "assessment:run": [{"pk": r.pk} for r in p.runs],
        "assessment:commendation": [{"pk": p.commendation.pk}],
        "assessment:builder_edit": [{"pk": p.scheme.pk}],
        "assessment:claim_evidence": [{"pk": pk} for pk in Claim.objects.filter(zone=world.zone_a).values_list(
            "pk", flat=True)],
        "bulletins:detail": [{"pk": p.bulletin.pk}], "bulletins:status": [{"pk": p.bulletin.pk}],
        "bulletins:download": [{"pk": p.bulletin.pk, "fmt": f} for f in ("docx", "xlsx", "pdf")],
        "exchange:import": [{"name": n} for n in names],
        "exchange:template": [{"name": n} for n in names],
        "exchange:export": [{"name": n} for n in names],
        "exchange:errors": [{"token": "x" * 32}],  # a real error workbook: test_import_page_and_error_workbook
        "job_status": _jobs(p, world),
    }


def _jobs(p: Planted, world) -> list[dict]:
    """The bulletin's job, and a failed job whose reason holds the planted text (an error quoting a name)."""
    from tuijin.core.models import Job
    from tuijin.core.tests.planting import P1

    Job.objects.get_or_create(kind="robustness", zone=world.zone_a, user=world.office.user, state="failed",
                              task_path="tuijin.assessment.services.run_robustness_job", error=f"单位「{P1}」")
    return [{"pk": pk} for pk in Job.objects.filter(zone=world.zone_a).values_list("pk", flat=True)]


def _queries(p: Planted, world) -> dict[str, list[dict]]:
    """Query strings that open a page on the planted data (the first query of each is the page as linked)."""
    (y1, m1), (y2, m2) = p.periods
    locked, open_ = f"{y1}-{m1:02d}", f"{y2}-{m2:02d}"
    s1, s2 = world.street1, world.street2
    return {
        "dashboard:cockpit": [{}, {"screen": "1"}, {"period": open_}, {"period": open_, "screen": "1"}],
        "indicators:dispatch": [{}, {"period": locked}, {"period": locked, "all": "1"},
                                {"period": locked, "sort": "general_budget_revenue"}, {"period": open_},
                                {"period": locked, "format": "json"}, {"period": locked, "format": "xlsx"},
                                {"period": open_, "format": "xlsx", "all": "1"}],
        "indicators:filing": [{}, {"period": open_, "unit": s1.pk}, {"period": open_, "unit": s2.pk}],
        "indicators:review": [{}, {"period": open_, "unit": s2.pk}, {"period": locked}],
        "indicators:targets": [{}, {"year": y1}, {"year": y1, "indicator": "general_budget_revenue"}],
        "indicators:unit": [{}, {"period": locked}],
        "indicators:indicator": [{}, {"period": locked}],
        "projects:list": [{}, {"q": "项目"}, {"unit": s1.pk}, {"lagging": "1"}, {"stage": "started"}],
        "projects:search": [{"q": ""}, {"q": "项"}, {"q": "=HY"}],
        "projects:performance": [{}, {"year": y1, "month": 12}],
        "tickets:inbox": [{}, {"open": "1"}, {"unit": s1.pk}, {"task": p.task.pk}],
        "tickets:new": [{}, {"project": p.projects[0].pk}],
        "tickets:suggest_unit": [{"text": P1}, {"text": "枚乘"}],
        "assessment:run": [{}, {"unit": p.units[1].name}, {"unit": FORMULA}],
        "assessment:compare": [{"a": p.runs[0].pk, "b": p.runs[1].pk}],
        "assessment:commendation": [{}, {"format": "docx"}, {"format": "xlsx"}],
        "exchange:export": [{}, {"unit": s1.pk}],
        "changelog": [{}, {"page": "2"}],
        "accounts:login": [{}, {"next": "/projects/"}],
    }


# ---- what an answer must (not) hold -----------------------------------------------------------------------------


class MarkupAudit(HTMLParser):
    """Elements the planted text would make if it were markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "img" and (values.get("src") == "x" or "onerror" in values):
            self.found.append(f"<img {values}> element")
        self._open = tag

    def handle_data(self, data):
        if self._open == "i" and data == "grp":
            self.found.append("<i>grp</i> element")
        self._open = None


def markup_problems(html: str) -> list[str]:
    audit = MarkupAudit()
    audit.feed(html)
    audit.close()
    problems = audit.found + [f"raw {m!r}" for m in RAW_MARKERS if m in html]
    # template and %-format syntax shown as typed: every "{%y%}" is the planted "{{x}}{%y%}%s", nothing eaten
    if html.count("{%y%}") != html.count("{{x}}{%y%}%s"):
        problems.append("template or %-format syntax of a planted text interpreted")
    return problems


def strict_script_problems(html: str, csp: dict) -> list[str]:
    """planting.script_problems, and no inline script even with a nonce unless the policy names that nonce."""
    problems = script_problems(html)
    nonces = {w for w in csp.get("script-src", []) if w.startswith("'nonce-")}
    for m in re.finditer(r"<script\b([^>]*)>", html, flags=re.I):
        attrs = m.group(1)
        if "src=" in attrs or re.search(r"""type=["']?application/json""", attrs):
            continue
        nonce = re.search(r"""nonce=["']?([^"'\s>]+)""", attrs)
        if not nonce or f"'nonce-{nonce.group(1)}'" not in nonces:
            problems.append(f"inline script: <script{attrs}>")
    return problems


def csp_problems(response) -> list[str]:
    csp = csp_directives(response)
    if not csp:
        return ["no Content-Security-Policy header"]
    script = csp.get("script-src", csp.get("default-src"))
    if script is None:
        return ["neither script-src nor default-src in the policy"]
    bad = [w for w in script if w in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "'unsafe-hashes'")]
    problems = [f"script-src allows {w}" for w in bad]
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {csp.get('object-src')}")
    return problems


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def file_problems(data: bytes, content_type: str) -> list[str]:
    """A workbook with no cell a spreadsheet would run and planted text kept literal; a Word file as typed."""
    if content_type.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        problems = [f"formula cell {c}" for c in formula_cells(data)]
        problems += [f"template or %-format syntax interpreted in {t!r}" for t in xlsx_texts(data)
                     if t.count("{%y%}") != t.count("{{x}}{%y%}%s")]
        return problems
    if content_type.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml"):
        text = docx_text(data)
        if text.count("{%y%}") != text.count("{{x}}{%y%}%s"):
            return ["template or %-format syntax interpreted in the Word text"]
    return []


class Audit:
    """Opens addresses as a member and collects everything wrong with the answers."""

    def __init__(self, member, *, api_token: bool = False):
        self.member = member
        self.client = Client(raise_request_exception=False)
        if api_token:
            from rest_framework.authtoken.models import Token

            token, _ = Token.objects.get_or_create(user=member.user)
            self.client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        else:
            self.client.force_login(member.user)
        self.problems: list[str] = []
        self.seen_html: dict[str, str] = {}
        self.files: dict[str, tuple[str, bytes]] = {}

    def get(self, url: str, params: dict | None = None, **environ):
        where = url + ("?" + urlencode(params) if params else "")
        r = self.client.get(url, params or {}, **environ)
        self.check(where, r)
        return r

    def post(self, url: str, data: dict):
        r = self.client.post(url, data)
        self.check(f"POST {url}", r)
        return r

    def check(self, where: str, r) -> None:
        who = f"{self.member.user.username} {where} → {r.status_code}"
        if r.status_code >= 500:
            self.problems.append(f"{who}: server error")
        self.problems += [f"{who}: {p}" for p in csp_problems(r)]
        if r.get("X-Content-Type-Options") != "nosniff":
            self.problems.append(f"{who}: no X-Content-Type-Options: nosniff")
        kind = r.get("Content-Type", "")
        body = _body(r)
        if kind.startswith("text/html"):
            html = body.decode("utf-8")
            self.seen_html[where] = html
            self.problems += [f"{who}: {p}" for p in strict_script_problems(html, csp_directives(r))]
            self.problems += [f"{who}: {p}" for p in markup_problems(html)]
        elif kind.startswith("application/json"):
            try:
                json.loads(body or b"null")
            except ValueError:
                self.problems.append(f"{who}: JSON answer that is not JSON")
        elif kind.startswith(FILE_TYPES) and r.status_code == 200:
            self.files[where] = (kind, body)
            self.problems += [f"{who}: {p}" for p in file_problems(body, kind)]
        elif r.status_code == 200 and body and not kind.startswith(("text/plain", "text/csv", "application/vnd.oai")):
            self.problems.append(f"{who}: unexpected content type {kind!r}")

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems[:60]) + f"\n({len(self.problems)} in all)"


def shown_as_text(html: str, text: str) -> bool:
    """The text is on the page escaped (HTML) or in a json_script block (with < > & encoded)."""
    as_json = json.dumps(text, ensure_ascii=False)[1:-1].translate(
        {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})
    as_json_ascii = json.dumps(text)[1:-1].translate(
        {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})
    return html_escape(text) in html or as_json in html or as_json_ascii in html


# ---- the walk ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_shows_planted_text_as_text(role, world, planted):
    """Every page of the URL conf, with every planted record in its path, as this role."""
    member = _member(world, role)
    kwargs, queries = _path_kwargs(planted, world), _queries(planted, world)
    audit = Audit(member)
    opened = 0
    for route in PAGE_ROUTES:
        if route.kwargs:
            assert route.name in kwargs, (f"{route.template} ({route.name}) takes {sorted(route.kwargs)}: give it the "
                                          f"planted records in _path_kwargs")
            sets = kwargs[route.name]
            assert sets, f"{route.template}: no planted record to open it with"
        else:
            sets = [{}]
        for kw in sets:
            url = "/" + route.template.format(**kw)
            for params in queries.get(route.name, [{}]):
                audit.get(url, params)
                opened += 1
            audit.get(url, {}, HTTP_HX_REQUEST="true")  # the fragment htmx asks for, where a view answers one
    assert opened > 100
    audit.assert_clean()
    # The walk saw the planted text (as text): the test would pass trivially on pages that showed none of it.
    everything = "\n".join(audit.seen_html.values())
    shown = [label for label, text in planted.texts.items() if shown_as_text(everything, text)]
    must = {"office": {"钵池", "枚乘", "项目", "项", "督办", "诉求", "方案", "考核", "考核二", "一等", "总分", "指标甲",
                       "表彰", "奖", "先", "通报", "下一步", "张", "李", "王", "收入", "出", "活动", "任务",
                       "退回", "重报", "备忘", "问题"},
            "staff1": {"钵池", "项目", "督办", "张", "诉求", "任务"},
            "staff2": {"枚乘", "项", "诉求", "李"},
            "leader": {"钵池", "枚乘", "项目", "督办", "收入"},
            "admin": {"钵池", "枚乘", "项目", "赵"}}[role]
    if planted.enterprises and role == "office":
        must |= {"企业名", "公司", "培育", "走访", "企业诉求", "评价"}
    if getattr(planted, "leads", None) and role == "office":
        must |= {"线索", "投资方", "洽谈", "放弃", "到位"}
    if role == "office":
        must |= {"对标评价", "来源", "对标目标"}
    assert must <= set(shown), f"not shown as text anywhere: {sorted(must - set(shown))}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ("office", "staff1", "leader"))
def test_api_answers_json_and_browsable_pages(role, world, planted):
    """Every API resource as JSON (token) and as the browsable page a signed-in browser gets (session)."""
    member = _member(world, role)
    token, session = Audit(member, api_token=True), Audit(member)
    for route in API_ROUTES:
        if route.kwargs:
            sets = _api_kwargs(route, member)
        else:
            sets = [{}]
        for kw in sets:
            url = "/" + route.template.format(**kw)
            r = token.get(url)
            if r.status_code == 200 and route.name.endswith("-list"):
                assert r["Content-Type"].startswith("application/json"), url
            session.get(url, HTTP_ACCEPT="text/html")
    token.assert_clean()
    session.assert_clean()
    if role == "office":  # the browsable API showed the planted names, as text
        assert shown_as_text("\n".join(session.seen_html.values()), planted.texts["钵池"])


def _api_kwargs(route, member) -> list[dict]:
    match = resolve("/" + route.template.format(**{k: "1" for k in route.kwargs}))
    queryset = getattr(getattr(match.func, "cls", None), "queryset", None)
    if queryset is None:
        return []
    qs = queryset.model.objects.restrict(member) if hasattr(queryset, "restrict") else queryset
    return [{"pk": pk} for pk in qs.order_by("pk").values_list("pk", flat=True)[:4]]


def _csv(rows) -> bytes:
    """A CSV upload: text starting with = stays text (openpyxl would write it as a formula)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


# ---- the files ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_generated_files_keep_planted_text_literal(world, planted):
    """Bulletin Word/Excel, dispatch workbooks, every export and template, the commendation list."""
    (y1, m1), (y2, m2) = planted.periods
    audit = Audit(world.office)
    from tuijin.exchange.base import importers

    b = planted.bulletin.pk
    for url, params in [
        (f"/bulletins/{b}/docx/", {}), (f"/bulletins/{b}/xlsx/", {}),
        ("/indicators/", {"period": f"{y1}-{m1:02d}", "format": "xlsx"}),
        ("/indicators/", {"period": f"{y1}-{m1:02d}", "format": "xlsx", "all": "1"}),
        ("/indicators/", {"period": f"{y2}-{m2:02d}", "format": "xlsx", "all": "1"}),
        (f"/assessment/commendations/{planted.commendation.pk}/", {"format": "docx"}),
        (f"/assessment/commendations/{planted.commendation.pk}/", {"format": "xlsx"}),
        *[(f"/exchange/{n}/export/", {}) for n in importers()],
        *[(f"/exchange/{n}/template/", {}) for n in importers()],
    ]:
        r = audit.get(url, params)
        assert r.status_code == 200, f"{url} {params} → {r.status_code}"
    audit.assert_clean()
    files = audit.files
    assert len(files) == 7 + 2 * len(importers())

    # the planted text is in the files, literal
    word = docx_text(files[f"/bulletins/{b}/docx/"][1])
    assert planted.texts["下一步"] in word and P2 in word and planted.texts["通报"] in word
    commendation_word = docx_text(files[f"/assessment/commendations/{planted.commendation.pk}/?format=docx"][1])
    assert planted.texts["先"] in commendation_word and FORMULA in commendation_word
    texts = set()
    for kind, data in files.values():
        if "spreadsheetml" in kind:
            texts |= set(xlsx_texts(data))
    joined = "\n".join(texts)
    for label in ("钵池", "枚乘", "项目", "收入", "出"):
        assert planted.texts[label] in joined, label
    assert "'" + FORMULA in texts  # the formula guard: the name is shown, never run
    assert not any(t == FORMULA for t in texts)


@pytest.mark.django_db
def test_every_list_export_keeps_planted_text_literal(world, planted):
    """Every page that answers ``?format=xlsx`` with a workbook (the lists' exports): no cell a spreadsheet would run,
    the planted names in them as typed."""
    audit = Audit(world.office)
    for route in PAGE_ROUTES:
        if not route.kwargs:
            audit.get("/" + route.template, {"format": "xlsx"})
    audit.assert_clean()
    books = {url: data for url, (kind, data) in audit.files.items() if "spreadsheetml" in kind}
    assert len(books) >= 6, sorted(books)  # the ledger, lagging list, inbox, members, enterprises, leads …
    joined = "\n".join(text for data in books.values() for text in xlsx_texts(data))
    for label in ("钵池", "项目", "督办", "线索"):
        assert planted.texts[label] in joined, label


@pytest.mark.django_db
def test_import_page_and_error_workbook(world, planted):
    """A file the office uploads with planted text: the check page shows it as text, the error workbook keeps it
    literal."""
    from tuijin.exchange.base import get_importer

    headers = [c.header for c in get_importer("projects").columns(world.zone_a)]
    audit = Audit(world.office)
    r = audit.post("/exchange/projects/import/", {"file": SimpleUploadedFile(UPLOAD_NAME, _csv(
        [headers] + [[text] * len(headers) for text in (P1, P2, FORMULA, "+1+1", "-1+1", "@SUM(A1)")]))})
    assert r.status_code == 200
    html = r.content.decode()
    assert html_escape(UPLOAD_NAME) in html
    token = r.context["error_token"]
    errors = audit.get(f"/exchange/errors/{token}/")
    assert errors.status_code == 200
    audit.assert_clean()
    texts = xlsx_texts(_body(errors))
    assert P1 in texts and P2 in texts and "'" + FORMULA in texts and "'@SUM(A1)" in texts


@pytest.mark.django_db
def test_assessment_results_workbook(planted, tmp_path):
    """`tuijin assess --format xlsx`: unit, group and node names a spreadsheet would run are guarded."""
    from tuijin.engine.assessment.cli import main as assess_main

    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(planted.scheme.yaml, encoding="utf-8")
    data, out = tmp_path / "data.csv", tmp_path / "out.xlsx"
    data.write_bytes(_csv([["单位", "分组", "a", "b"]] + [[name, group, 8, 7] for name, group in (
        (FORMULA, GROUP), ("+1+1", "=1+1"), ("@SUM(A1)", "-1+1"), (P1, P2))]))
    assert assess_main(["--scheme", str(scheme), "--data", str(data), "--uncertainty", "20", "--format", "xlsx",
                        "--out", str(out)]) == 0
    body = out.read_bytes()
    assert file_problems(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") == []
    texts = xlsx_texts(body)
    assert "'" + FORMULA in texts and P1 in texts and planted.texts["总分"] in texts


# ---- in a browser -------------------------------------------------------------------------------------------------

# Where the planted names reach a chart's tooltip, and a text each one must then show as text.
CHARTS = {
    "cockpit": ("/dashboard/", {"#trend": None, "#funnel": None, "#tickets": "钵池"}),
    "screen": ("/dashboard/?screen=1", {"#trend": None, "#funnel": None, "#tickets": "钵池"}),
    "battle map": ("/projects/battle-map/", {"#project-map": "项目"}),
    "run": ("/assessment/runs/{run}/", {"#rob-chart": "钵池", "#sens-chart": "指标甲"}),
}


def _show_tooltips(page, selector: str) -> str:
    """Show the chart's tooltip on each of its data points (as hovering would); returns every tooltip text seen."""
    page.locator(selector).scroll_into_view_if_needed()
    # Functions Playwright calls with an argument (never strings it would eval: the policy has no 'unsafe-eval').
    sizes = page.evaluate("""(selector) => echarts.getInstanceByDom(document.querySelector(selector))
        .getOption().series.map((s) => Math.min((s.data || []).length, 30))""", selector)
    seen = []
    for series, size in enumerate(sizes):
        for index in range(size):
            page.evaluate("""([selector, series, index]) => echarts.getInstanceByDom(document.querySelector(selector))
                .dispatchAction({type: "showTip", seriesIndex: series, dataIndex: index})""", [selector, series, index])
            page.wait_for_timeout(60)
            seen.append(page.locator(selector).inner_text())
    return "\n".join(seen)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_charts_show_planted_names_as_text_in_a_browser(world, planted, browser_page, live_server, client_for,
                                                        artifacts_dir):
    """The office opens the cockpit, the battle map and an assessment run with planted names: the charts draw, their
    tooltips show the names as text, nothing runs (no dialog), and the browser reports no policy violation."""
    from django.conf import settings
    from playwright.sync_api import expect

    page = browser_page
    dialogs, console, errors = [], [], []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: console.append(f"{page.url}: {m.type}: {m.text} ({m.location.get('url')})"))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    session = client_for(world.office).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    for name, (path, charts) in CHARTS.items():
        response = page.goto(live_server.url + path.format(run=planted.runs[0].pk))
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        page.wait_for_load_state("networkidle")
        for selector, label in charts.items():
            expect(page.locator(f"{selector} canvas").first).to_be_attached()  # the chart drew
            tooltips = _show_tooltips(page, selector)
            if label is not None:
                assert planted.texts[label] in tooltips, f"{name} {selector}: {tooltips[:300]!r}"
        assert page.locator("img[src='x']").count() == 0, name
        assert page.locator("i", has_text="grp").count() == 0, name
        page.screenshot(path=str(artifacts_dir / f"planted-{name.replace(' ', '-')}.png"), full_page=True)
    assert dialogs == [], dialogs
    violations = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert violations == [], violations
    assert errors == [], errors
