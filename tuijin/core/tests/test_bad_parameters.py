"""Nothing a member sends in an address breaks a page or the API: every URL pattern, hostile values in every
parameter the view reads, as the demo's office, street and leader. The answer is a page, a redirect, 400, 403 or
404 — never a server error (docs/security.md, "Parameters").

The walk finds the URL patterns itself (``get_resolver().url_patterns``, includes followed), so a new page or API
resource is walked as soon as it exists; a pattern with an id in its path needs a real record in ``REAL`` (the test
says so), so the walk gets past the record's lookup to the parameters the view reads.
"""
from __future__ import annotations

import re
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.utils.datastructures import MultiValueDict

ALLOWED = (200, 302, 400, 403, 404)
BIG_ID = "9" * 25  # fits no BigAutoField: must never reach the database
# Digits that are no ASCII digits: "²" passes str.isdigit() and fails int(); int() reads full-width "１２" and
# Arabic-Indic "٣" (an id of ours is written in ASCII digits: core.params.parse_id).
NOT_ASCII = ["²", "１２", "٣"]
HOSTILE = ["abc", "0", "-1", BIG_ID, "NaN", "Infinity", "99999", "", "[" * 5000, "0001-01-01", "9999-12-31", "1e999",
           "2023-13", "\x00", "1.5", *NOT_ASCII]
# One parameter at a time (as the office, each key the view reads) a value of each kind that has broken a view: not
# a number, out of every column's range, not finite, huge, NUL, an impossible month, a digit int() cannot read. The
# other roles, whose pages read the same parameters through the same parsers, get the first three in every parameter
# at once.
ONE_BY_ONE = ["abc", BIG_ID, "NaN", "[" * 5000, "\x00", "2023-13", "²"]
# Parameters every pattern gets (at once, each hostile value in all of them), and one by one where the view reads
# them (the walk records which keys a view reads from the query).
PARAMS = ["page", "per_page", "unit", "campaign", "task", "year", "month", "period", "as_of", "inv_min", "inv_max",
          "zone", "a", "b", "sort", "q", "state", "stage", "category", "status", "source", "project", "progress",
          "indicator", "scheme", "limit", "offset", "format", "lagging", "foreign", "open", "all", "text", "next"]
SKIP = re.compile(r"^(admin/|static/|i18n/|media/)")
MEMBERS = ("office", "street", "leader")


@dataclass
class Route:
    template: str  # "projects/{pk}/"
    name: str  # "projects:detail", "project-detail"
    kwargs: dict[str, str] = field(default_factory=dict)  # name → "int" | "str"
    suffix: bool = False  # a DRF format-suffix duplicate (projects.json)

    @property
    def api(self) -> bool:
        return self.template.startswith("api/")


def _regex_template(regex: str) -> tuple[str, dict[str, str]]:
    kinds: dict[str, str] = {}

    def group(m):
        kinds[m.group(1)] = "str"
        return "{" + m.group(1) + "}"

    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", group, regex.lstrip("^").rstrip("$"))
    return text.replace("/?", "/").replace("\\.", "."), kinds


def _route_template(pattern) -> tuple[str, dict[str, str]]:
    route = str(pattern)
    if hasattr(pattern, "converters") and not route.startswith("^"):
        kinds = {name: "int" if isinstance(conv, IntConverter) or getattr(conv, "is_id", False) else "str"
                 for name, conv in pattern.converters.items()}
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), kinds
    return _regex_template(route)


def walk(patterns=None, prefix: str = "", namespace: str = "", kinds: dict | None = None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        text, found = _route_template(p.pattern)
        both = {**(kinds or {}), **found}
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + text, ns, both)
        elif isinstance(p, URLPattern):
            path = prefix + text
            if SKIP.match(path):
                continue
            yield Route(path, f"{namespace}{p.name or ''}", both, suffix="format" in found)


ROUTES = list(walk())


# ---- real records, so a view gets past its lookup to the parameters it reads ------------------------------------

def _first(model, **filters):
    obj = model.objects.filter(**filters).order_by("pk").first()
    assert obj is not None, f"the demo has no {model.__name__} for {filters}"
    return obj


def _real_pages() -> dict:
    from tuijin.assessment.models import Claim, Commendation, Run, Scheme
    from tuijin.bulletins.models import Bulletin
    from tuijin.enterprises.models import Enterprise
    from tuijin.indicators.models import Indicator
    from tuijin.org.models import Member, Unit
    from tuijin.projects.models import Project
    from tuijin.tickets.models import Ticket, TicketEvent

    z = {"zone__code": "huaian"}
    street = _first(Unit, name="钵池街道", **z)
    project = _first(Project, unit=street, **z)
    ticket = _first(Ticket, assignee_unit=street, **z)
    enterprise = _first(Enterprise, unit=street, **z)
    bulletin = Bulletin.objects.create(zone=street.zone, year=2023, month=6, title="测试通报")
    from tuijin.campaigns.models import Campaign, KeyTask, StageGoal

    campaign, task = _first(Campaign, **z), _first(KeyTask, lead_unit=street, **z)
    return {
        "campaigns:detail": [{"pk": campaign.pk}], "campaigns:task_new": [{"campaign_pk": campaign.pk}],
        "campaigns:goal": [{"pk": _first(StageGoal, **z).pk}], "campaigns:task": [{"pk": task.pk}],
        "campaigns:task_edit": [{"pk": task.pk}],
        "projects:detail": [{"pk": project.pk}], "projects:edit": [{"pk": project.pk}],
        "tickets:detail": [{"pk": ticket.pk}],
        "enterprises:detail": [{"pk": enterprise.pk}], "enterprises:edit": [{"pk": enterprise.pk}],
        "enterprises:year": [{"pk": enterprise.pk, "year": 2022}],
        "enterprises:liaison": [{"pk": enterprise.pk}], "enterprises:visit_new": [{"pk": enterprise.pk}],
        "tickets:attachment": [{"pk": _first(TicketEvent, ticket=ticket).pk}],
        "indicators:unit": [{"pk": street.pk}], "indicators:indicator": [{"code": _first(Indicator, **z).code}],
        "org:unit_detail": [{"pk": street.pk}],
        **{f"org:{name}": [{"pk": _first(Member, user__username="street").pk}]
           for name in ("member_edit", "member_active", "member_password")},
        "assessment:scheme": [{"pk": _first(Scheme, **z).pk}] if Scheme.objects.filter(**z).exists() else [],
        "assessment:run": [{"pk": r.pk} for r in Run.objects.filter(**z)[:1]],
        "assessment:commendation": [{"pk": c.pk} for c in Commendation.objects.filter(**z)[:1]],
        "assessment:builder_edit": [{"pk": s.pk} for s in Scheme.objects.filter(**z).order_by("-pk")[:1]],
        "assessment:claim_evidence": [{"pk": c.pk} for c in Claim.objects.filter(**z)[:1]],
        "bulletins:detail": [{"pk": bulletin.pk}], "bulletins:status": [{"pk": bulletin.pk}],
        "bulletins:download": [{"pk": bulletin.pk, "fmt": f} for f in ("docx", "pdf")],
        "exchange:import": [{"name": n} for n in ("projects", "targets", "actuals", "enterprises")],
        "exchange:template": [{"name": n} for n in ("projects", "targets", "actuals", "enterprises")],
        "exchange:export": [{"name": n} for n in ("projects", "targets", "actuals", "enterprises")],
        "exchange:errors": [{"token": "x" * 32}],
        "accounts:lock_reset": [{"pk": 1}],
        **_real_leads(street),
        **_real_jobs(street),
    }


def _real_jobs(street) -> dict:
    """A background job of the zone started by the office (the state fragment pages poll while a job runs)."""
    from django.contrib.auth import get_user_model

    from tuijin.core.models import Job

    office = get_user_model().objects.get(username="office")
    job = Job.objects.create(kind="bulletin", task_path="tuijin.bulletins.services.bulletin_render",
                             zone=street.zone, user=office, state="running", progress=40)
    return {"job_status": [{"pk": job.pk}]}


def _real_leads(street) -> dict:
    """招商: a lead of the street (one the demo signed into a project of the ledger)."""
    from tuijin.promotion.models import Lead

    lead = Lead.objects.filter(zone=street.zone, project__isnull=False).order_by("pk").first()
    return {"promotion:lead": [{"pk": lead.pk}], "promotion:edit": [{"pk": lead.pk}]}


def _real_api(route: Route, member) -> list[dict]:
    """An API detail route: the first record of its resource the member sees."""
    from django.urls import resolve

    from django.urls import Resolver404

    try:
        match = resolve("/" + route.template.format(**{k: ("json" if k == "format" else "1") for k in route.kwargs}))
    except Resolver404:  # the API root's own format suffix (".json"): no records behind it
        return []
    view_cls = getattr(match.func, "cls", None)
    queryset = getattr(view_cls, "queryset", None)
    if queryset is None:
        return []
    obj = queryset.model.objects.restrict(member).order_by("pk").first() if hasattr(queryset, "restrict") \
        else queryset.order_by("pk").first()
    return [{"pk": obj.pk}] if obj is not None else []


def _hostile_kwargs(route: Route) -> list[dict]:
    out = []
    for value in (BIG_ID, "0", "abc", "[" * 300, "²"):
        kw = {k: ("json" if k == "format" else value) for k in route.kwargs}
        if all(v.isdigit() or k == "format" for k, v in kw.items()) or any(t == "str" for t in route.kwargs.values()):
            out.append(kw)
    return out


# ---- the walk ---------------------------------------------------------------------------------------------------

_READ: set[str] | None = None


@contextmanager
def recording_reads():
    """Record the keys a view reads from any MultiValueDict (request.GET, DRF's query_params)."""
    global _READ
    originals = {name: getattr(MultiValueDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")}

    def wrap(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            if _READ is not None and isinstance(key, str):
                _READ.add(key)
            return original(self, key, *args, **kwargs)
        return method

    _READ = set()
    for name in originals:
        setattr(MultiValueDict, name, wrap(name))
    try:
        yield _READ
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)
        _READ = None


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from tuijin.core.models import Zone

        if not Zone.objects.filter(code="huaian").exists():
            call_command("demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


class Walker:
    def __init__(self, route: Route):
        from rest_framework.authtoken.models import Token

        from tuijin.org.models import Member

        self.route = route
        self.failures: list[str] = []
        self.errors: list[str] = []
        self.members = {u: Member.objects.select_related("user").get(user__username=u) for u in MEMBERS}
        self.clients = {}
        for username, member in self.members.items():
            c = Client(raise_request_exception=False)
            if route.api:
                token, _ = Token.objects.get_or_create(user=member.user)
                c.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
            else:
                c.force_login(member.user)
            self.clients[username] = c

    def get(self, username: str, kwargs: dict, params: dict) -> int:
        url = "/" + self.route.template.format(**kwargs)
        self.errors.clear()
        r = self.clients[username].get(url, params)
        if r.status_code not in ALLOWED:
            shown = {k: (v if len(v) < 30 else v[:10] + f"…({len(v)})") for k, v in params.items()}
            where = self.errors[-1] if self.errors else ""
            self.failures.append(f"{username} GET {url[:80]} {shown} → {r.status_code}{where}")
        return r.status_code

    def on_exception(self, sender, request=None, **kwargs):
        lines = traceback.format_exc().strip().splitlines()
        self.errors.append(" | " + " / ".join(lines[-3:])[:400])


def _kwarg_sets(route: Route, member, real: dict) -> list[dict]:
    if not route.kwargs:
        return [{}]
    if route.api:
        good = _real_api(route, member)
        if route.suffix:
            good = [dict(g, format="json") for g in good] or ([{"format": "json"}] if set(route.kwargs) == {"format"}
                                                              else [])
    else:
        assert route.name in real, (f"{route.template} ({route.name}) takes {sorted(route.kwargs)}: give it a real "
                                    f"record in REAL (test_bad_parameters._real_pages)")
        good = real[route.name]
    return good + _hostile_kwargs(route)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[r.template or "/" for r in ROUTES])
def test_no_server_error_for_hostile_parameters(route, demo_db):
    real = {} if route.api else _real_pages()
    walker = Walker(route)
    got_request_exception.connect(walker.on_exception)
    try:
        office = walker.members["office"]
        good = _kwarg_sets(route, office, real)
        if not good:
            pytest.skip(f"{route.template}: nothing to open")
        base = good[0]
        # Which parameters does the view read? (once, as the office, with every parameter present)
        with recording_reads() as read:
            first = walker.get("office", base, {})
            walker.get("office", base, {p: "1" for p in PARAMS})
        if first == 405:
            pytest.skip(f"{route.template} is not GET-able")
        read = sorted(k for k in read if k not in ("csrfmiddlewaretoken",))
        for username in MEMBERS:
            member = walker.members[username]
            for kwargs in (_kwarg_sets(route, member, real) if username != "office" else good):
                walker.get(username, kwargs, {})
            base = (_kwarg_sets(route, member, real) or [None])[0]
            if base is None:
                continue
            # every parameter at once: every hostile value as the office, the commonest kinds as the others
            for value in (HOSTILE if username == "office" else ONE_BY_ONE[:3]):
                walker.get(username, base, {p: value for p in PARAMS})
            if username == "office" and not route.suffix:  # one by one, each parameter the view reads
                for key in read:
                    for value in ONE_BY_ONE:
                        walker.get(username, base, {"lagging": "1", key: value} if key != "lagging" else {key: value})
    finally:
        got_request_exception.disconnect(walker.on_exception)
    assert not walker.failures, "\n".join(walker.failures[:40]) + f"\n({len(walker.failures)} in all)"


def test_the_walk_covers_pages_and_api():
    templates = {r.template for r in ROUTES}
    assert {"projects/", "projects/{pk}/", "indicators/", "exchange/{name}/export/", "assessment/runs/compare/",
            "api/v1/projects/", "api/v1/actuals/", "api/v1/projects/{pk}/", "api/v1/dispatch/"} <= templates
