"""Helpers of test_planted_script.py: script planted in every free-text field a member can write, and the checks
every page and file must pass with it.

``plant(world)`` writes the payloads through the services (as the member who would write each one, or SYSTEM), so
the records are exactly what a street member typing into a form or the API would leave behind.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from django.utils import timezone

# The two payloads: closing a script block and adding an element with an inline handler, quotes, a tag; the second
# adds template and %-format syntax (nothing may interpret it). At most 50 characters with a one-character prefix:
# they fit every name column that is 50 wide (a member's full name, a project's owner and sponsor).
P1 = "</script><img src=x onerror=alert(1)>\"'<b>"
P2 = "{{x}}{%y%}%s</script><img src=x onerror=alert(2)>"
FORMULA = '=HYPERLINK("http://x")'  # a name a spreadsheet would run as a formula
GROUP = "<i>grp</i>"  # the assessment group column is 20 wide
DISPLAY_UNIT = "=1+1"  # an indicator's display unit is 10 wide

# What must never appear in a page as markup (only escaped, or inside a JSON block with "<" encoded).
RAW_MARKERS = ("<img src=x onerror", GROUP, "{{x}}{%y%}%s</script>")


def tagged(label: str, payload: str = P1) -> str:
    return label + payload


@dataclass
class Planted:
    periods: tuple  # ((locked year, month), (open year, month))
    units: list
    members: list
    projects: list
    progress: list
    tickets: list
    campaign: object
    task: object
    indicators: list
    scheme: object
    runs: list
    commendation: object
    bulletin: object
    texts: dict = field(default_factory=dict)  # what was planted where: {label: text}


def _months(today: dt.date) -> tuple[tuple[int, int], tuple[int, int]]:
    first = today.replace(day=1)
    last = first - dt.timedelta(days=1)
    return (last.year, last.month), (today.year, today.month)


def plant(world) -> Planted:
    from tuijin.assessment import services as assess
    from tuijin.bulletins import services as bulletins
    from tuijin.campaigns import services as campaigns
    from tuijin.core.scope import SYSTEM
    from tuijin.indicators import services as indicators
    from tuijin.indicators.models import Indicator
    from tuijin.org import services as org
    from tuijin.projects import services as projects
    from tuijin.projects.models import Project, ProjectProgress
    from tuijin.tickets import services as tickets
    from tuijin.tickets.models import Ticket

    za, office, today = world.zone_a, world.office, timezone.localdate()
    (y1, m1), (y2, m2) = _months(today)
    texts: dict[str, str] = {}

    def t(label: str, payload: str = P1) -> str:
        texts[label] = tagged(label, payload)
        return texts[label]

    # units (the office names them) and members (their full names and titles)
    s1 = org.unit_update(member=office, unit=world.street1, name=t("钵池"), group=GROUP)
    s2 = org.unit_update(member=office, unit=world.street2, name=t("枚乘", P2), group=GROUP)
    dept = org.unit_update(member=office, unit=world.dept, name=FORMULA)
    org.member_update(member=office, target=world.staff1, full_name=t("张"), title=P2)
    org.member_update(member=office, target=world.staff2, full_name=t("李", P2))
    org.member_update(member=office, target=world.leader, full_name=t("王"))
    org.member_update(member=SYSTEM, target=world.admin, full_name=t("赵", P2))

    # the indicator catalogue (written by the system administrator in Django's admin: no service of its own)
    cat = {i.code: i for i in indicators.catalogue_install(zone=za)}
    rev, exports = cat["general_budget_revenue"], cat["exports"]
    rev.name = t("收入")
    rev.save()
    exports.name, exports.unit = t("出", P2), DISPLAY_UNIT
    exports.save()
    indicators.target_set(member=office, zone=za, indicator=rev, year=y1, value=Decimal("20"))
    for unit, target in ((s1, "10"), (s2, "9")):
        indicators.target_set(member=office, zone=za, indicator=rev, year=y1, value=Decimal(target), unit=unit)
    for unit, now, before in ((s1, "5.6", "4.0"), (s2, "3.0", "3.5"), (dept, "1.0", "1.0")):
        for ind in (rev, exports):
            indicators.actual_save(member=SYSTEM, unit=unit, indicator=ind, year=y1 - 1, month=m1, ytd=Decimal(before),
                                   approved=True)
            indicators.actual_save(member=SYSTEM, unit=unit, indicator=ind, year=y1, month=m1, ytd=Decimal(now),
                                   approved=True, note=t("备注"))
    units = [world.office_unit, s1, s2, dept]
    indicators.period_lock(member=office, zone=za, year=y1, month=m1,
                           exceptions={u.pk: t("未报", P2) for u in units})
    # the open month: a draft of street 1 and figures of street 2 returned with a reason
    indicators.actual_save(member=world.staff1, unit=s1, indicator=rev, year=y2, month=m2, ytd=Decimal("6.0"),
                           confirmed=True, note=t("草稿"))
    indicators.actual_save(member=world.staff2, unit=s2, indicator=rev, year=y2, month=m2, ytd=Decimal("3.5"),
                           confirmed=True, note=t("报", P2))
    indicators.actual_submit(member=world.staff2, unit=s2, year=y2, month=m2)
    indicators.actual_review(member=office, unit=s2, year=y2, month=m2, approve=False, reason=t("退回"))

    # the campaign, a stage goal and a key task; the lead unit reports progress
    campaign = campaigns.campaign_create(member=office, zone=za, year=y1, theme=t("活动"), headline_goal=t("目标", P2),
                                         description=t("说明") + "\n" + P2)
    campaigns.stage_goal_add(member=office, campaign=campaign, kind="double_half", due=dt.date(y1, 6, 30),
                             description=t("双过半"))
    task = campaigns.key_task_create(member=office, campaign=campaign, title=t("任务"), lead_unit=s1, units=[s2],
                                     deadline=dt.date(y1, 12, 31), note=t("任务说明", P2), owner=t("责任人"),
                                     milestones=[(t("节点"), dt.date(y1, 3, 31))])
    campaigns.key_task_update(member=world.staff1, task=task, progress=40, note=t("任务进展"))

    # projects: the street member writes its own (the story of the issue), the office one named like a formula
    common = dict(category="industry", planned_investment=Decimal(20000), year_planned_investment=Decimal(5000),
                  signed_actual=today - dt.timedelta(days=120), started_planned=today - dt.timedelta(days=60))
    p1 = projects.project_create(member=world.staff1, zone=za, code="XSS-1", name=t("项目"), unit=s1,
                                 industry=t("产业"), investor=t("投资", P2), owner=t("业"), sponsor=P2,
                                 note=t("备忘") + "\n" + P2, longitude=Decimal("119.10"), latitude=Decimal("33.50"),
                                 campaign=campaign, **common)
    p2 = projects.project_create(member=office, zone=za, code="XSS-2", name=FORMULA, unit=dept, investor=FORMULA,
                                 longitude=Decimal("119.20"), latitude=Decimal("33.60"), **common)
    p3 = projects.project_create(member=world.staff2, zone=za, code="XSS-3", name=t("项", P2), unit=s2,
                                 owner=t("主", P2), longitude=Decimal("119.30"), latitude=Decimal("33.40"), **common)
    projects.project_set_status(member=office, project=p2, status=Project.Status.SUSPENDED, reason=t("暂停"))
    pr1 = projects.progress_save(member=world.staff1, project=p1, year=y2, month=m2, invested_month=Decimal(100),
                                 physical_progress=t("形象进度"), problems=t("问题", P2), raise_ticket=True,
                                 assignee_unit=s2)
    projects.progress_submit(member=world.staff1, progress=pr1)
    pr3 = projects.progress_save(member=world.staff2, project=p3, year=y2, month=m2, invested_month=Decimal(50),
                                 physical_progress=t("进", P2), problems=t("难"))
    projects.progress_submit(member=world.staff2, progress=pr3)
    projects.progress_review(member=office, progress=pr3, approve=False, reason=t("重报", P2))

    # tickets: raised by the office and by the street, signed for, answered, resolved, closed
    t1 = tickets.ticket_raise(member=office, zone=za, title=t("督办"), assignee_unit=s1,
                              deadline=today + dt.timedelta(days=10), description=t("描述", P2), project=p1,
                              key_task=task, enterprise=t("企业"), sponsor=P2)
    tickets.ticket_acknowledge(member=world.staff1, ticket=t1, note=t("签收"))
    tickets.ticket_feedback(member=world.staff1, ticket=t1, note=t("反馈", P2))
    tickets.ticket_resolve(member=world.staff1, ticket=t1, resolution=t("办结"))
    tickets.ticket_close(member=office, ticket=t1, note=t("销号", P2))
    tickets.ticket_raise(member=world.staff1, zone=za, title=t("诉求", P2), assignee_unit=s2,
                              description=t("诉求说明"), enterprise=FORMULA)
    tickets.ticket_raise(member=office, zone=za, title=FORMULA, assignee_unit=dept, description=FORMULA)

    # assessment: a scheme whose names, tiers and groups carry the payload, runs over units named so
    scheme_yaml = "\n".join([
        "code: xss",
        f"name: {json.dumps(t('方案'), ensure_ascii=False)}",
        "unit_column: 单位",
        "group_column: 分组",
        "aggregation: sum",
        "tiers:",
        f"  - {{name: {json.dumps(t('一等'), ensure_ascii=False)}, min_score: 5}}",
        "  - {name: 二等}",
        "uncertainty:",
        "  weight_range: 0.2",
        "tree:",
        "  code: total",
        f"  name: {json.dumps(t('总分', P2), ensure_ascii=False)}",
        "  children:",
        f"    - {{code: a, name: {json.dumps(t('指标甲', P2), ensure_ascii=False)}, points: 10, "
        "rule: {type: completion, target: 10, per_pp: 0.1}}",
        f"    - {{code: b, name: {json.dumps(t('指标乙'), ensure_ascii=False)}, points: 10, "
        "rule: {type: completion, target: 10, per_pp: 0.1}}",
        "",
    ])
    scheme = assess.scheme_save(member=office, zone=za, yaml_text=scheme_yaml)
    rows = [["单位", "分组", "a", "b"], [s1.name, GROUP, 9, 8], [s2.name, GROUP, 5, 9], [FORMULA, P2, 7, 7]]
    run = assess.run_create(member=office, scheme=scheme, title=t("考核"), year=y1, rows=rows, samples=40, seed=1)
    run2 = assess.run_create(member=office, scheme=scheme, title=t("考核二", P2), year=y1, rows=rows)
    commendation = assess.commendation_from_run(member=office, run=run, title=t("表彰"), per_group=1,
                                                awards={t("奖"): [s1.name, t("单位", P2)]})
    assess.commendation_add_individual(member=office, commendation=commendation, person=t("先"),
                                       unit_name=t("所在", P2), note=t("事迹"))
    assess.commendation_add_individual(member=office, commendation=commendation, person=FORMULA,
                                       unit_name=FORMULA, note=FORMULA)

    # the bulletin of the locked month, with its closing paragraph and title written by the office
    bulletin = bulletins.bulletin_create(member=office, zone=za, year=y1, month=m1, closing=t("下一步") + "\n" + P2)
    bulletin = bulletins.bulletin_update(member=office, bulletin=bulletin, closing=t("下一步") + "\n" + P2,
                                         title=t("通报"))

    progress = list(ProjectProgress.objects.filter(pk__in=[pr1.pk, pr3.pk]))
    return Planted(periods=((y1, m1), (y2, m2)), units=units, members=[world.staff1, world.staff2, world.leader],
                   projects=[p1, p2, p3], progress=progress,
                   tickets=list(Ticket.objects.filter(zone=za).order_by("pk")),
                   campaign=campaign, task=task, indicators=[rev, exports], scheme=scheme, runs=[run, run2],
                   commendation=commendation, bulletin=bulletin, texts=texts)


# ------------------------------------------------------------------------------------------------- pages


class PageAudit(HTMLParser):
    """Every <script> (attributes and text), every inline handler, javascript: address and inline style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self._script: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "data") and (value or "").strip().lower() \
                    .startswith(("javascript:", "vbscript:", "data:text/html")):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.styles.append(f"<{tag} style={value!r}>")
        if tag == "style":
            self.styles.append("<style> element")
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def script_problems(html: str) -> list[str]:
    """Why the page would run something it should not: an inline script without a nonce, a JSON block a name could
    break out of, an inline handler, a script from another site."""
    audit = PageAudit()
    audit.feed(html)
    audit.close()
    problems = list(audit.handlers)
    for attrs, text in audit.scripts:
        if attrs.get("src") is not None:
            if re.match(r"^(https?:)?//", attrs["src"]):
                problems.append(f"script from another site: {attrs['src']}")
            if text.strip():
                problems.append(f"script with src and text: {text[:80]!r}")
        elif attrs.get("type") == "application/json":
            if "<" in text:  # json_script encodes < > & — a raw "<" is data that could close the block
                problems.append(f"JSON block with a raw '<': {text[:120]!r}")
            try:
                json.loads(text)
            except ValueError:
                problems.append(f"JSON block that is not JSON: {text[:120]!r}")
        elif not attrs.get("nonce"):
            problems.append(f"inline script without a nonce: {text[:120]!r}")
    return problems


def inline_styles(html: str) -> list[str]:
    audit = PageAudit()
    audit.feed(html)
    audit.close()
    return audit.styles


def raw_markers(html: str) -> list[str]:
    return [m for m in RAW_MARKERS if m in html]


def csp_directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


# ------------------------------------------------------------------------------------------------- files


def xlsx_cells(data: bytes):
    """(sheet, coordinate, value, data_type) of every non-empty cell of a workbook."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    yield ws.title, c.coordinate, c.value, c.data_type


def formula_cells(data: bytes) -> list[str]:
    """Cells a spreadsheet would run: formulas, or text starting as one does (= + - @ tab CR, the guard's list)."""
    from tuijin.sheets.cells import FORMULA_START

    return [f"{s}!{coord}={v!r}" for s, coord, v, kind in xlsx_cells(data)
            if kind == "f" or (isinstance(v, str) and v.startswith(FORMULA_START))]


def xlsx_texts(data: bytes) -> list[str]:
    return [v for _s, _c, v, _k in xlsx_cells(data) if isinstance(v, str)]


def docx_text(data: bytes) -> str:
    import io

    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)
