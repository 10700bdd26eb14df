"""Tickets: notes and attachments kept on every step, attachment checks, who may take which step (the page shows
exactly that), raising from a project with the unit the problem names, and every reference checked against the
caller's zone and data scope."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tuijin.core.context import Actor, acting_as
from tuijin.core.scope import SYSTEM
from tuijin.org.services import unit_create
from tuijin.projects.services import project_create
from tuijin.tickets import routing, services
from tuijin.tickets.models import Ticket

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DOCX = b"PK\x03\x04" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ticket(world):
    """Raised by 枚乘街道's staff, assigned to 钵池街道."""
    with acting_as(Actor(user_id=world.staff2.user.pk, username="t_staff2", source="web")):
        return services.ticket_raise(member=world.staff2, zone=world.zone_a, title="道路未通", assignee_unit=world.street1,
                                     deadline=timezone.localdate() + dt.timedelta(days=10))


@pytest.fixture
def project(world):
    return project_create(member=SYSTEM, zone=world.zone_a, code="T1", name="华瑞新能源项目", category="industry",
                          unit=world.street1, planned_investment=Decimal(1000), sponsor="韩立新")


@pytest.mark.django_db
class TestNotesAndAttachments:
    def test_note_on_acknowledge_and_attachment_on_resolve_are_kept(self, world, ticket, client_for):
        c = client_for(world.staff1)
        c.post(f"/tickets/{ticket.pk}/", {"action": "acknowledge", "note": "已安排专人对接"})
        c.post(f"/tickets/{ticket.pk}/", {"action": "resolve", "note": "道路已贯通",
                                           "attachment": SimpleUploadedFile("验收单.pdf", PDF)})
        ack = ticket.events.get(action="acknowledge")
        done = ticket.events.get(action="resolve")
        assert ack.note == "已安排专人对接"
        assert done.note == "道路已贯通" and done.attachment.name.endswith(".pdf")
        assert done.attachment.read() == PDF
        html = client_for(world.staff2).get(f"/tickets/{ticket.pk}/").content.decode()
        assert "已安排专人对接" in html and f"/tickets/attachments/{done.pk}/" in html

    @pytest.mark.parametrize("name, content, says", [
        ("病毒.exe", b"MZ\x90\x00", "类型不允许"),
        ("伪装.pdf", b"MZ\x90\x00\x03", "类型不允许"),  # a program renamed to .pdf
        ("照片.png", b"GIF89a....", "类型不允许"),
        ("空.docx", b"", "空文件"),
        ("无扩展名", b"%PDF-1.4", "类型不允许"),
    ])
    def test_bad_attachment_refused_by_page_with_the_reason(self, world, ticket, client_for, name, content, says):
        c = client_for(world.staff1)
        r = c.post(f"/tickets/{ticket.pk}/", {"action": "acknowledge", "note": "x",
                                               "attachment": SimpleUploadedFile(name, content)}, follow=True)
        text = r.content.decode()
        assert says in text and name in text
        ticket.refresh_from_db()
        assert ticket.state == "assigned" and not ticket.events.filter(action="acknowledge").exists()

    def test_size_limit(self, world, ticket):
        big = SimpleUploadedFile("大文件.pdf", PDF)
        big.size = 20 * 1024 * 1024 + 1
        with pytest.raises(ValidationError) as exc:
            services.check_attachment(big)
        assert exc.value.message_dict == {"attachment": ["附件「大文件.pdf」过大(20.0 MB):不能超过 20 MB。"]}
        ok = SimpleUploadedFile("刚好.pdf", PDF)
        ok.size = 20 * 1024 * 1024
        services.check_attachment(ok)
        for name, content in (("a.docx", DOCX), ("b.png", PNG), ("c.txt", "纪要".encode()), ("d.zip", DOCX)):
            services.check_attachment(SimpleUploadedFile(name, content))

    def test_api_step_with_attachment(self, world, ticket, api_for):
        api = api_for(world.staff1)
        r = api.post(f"/api/v1/tickets/{ticket.pk}/step/", {"action": "acknowledge", "note": "收到",
                                                             "attachment": SimpleUploadedFile("a.png", PNG)},
                     format="multipart")
        assert r.status_code == 200, r.content
        assert ticket.events.get(action="acknowledge").attachment.name.endswith(".png")
        assert [(e["action"], e["note"], e["attachment_name"]) for e in r.json()["events"]][-1] == \
            ("acknowledge", "收到", "a.png")
        r = api.post(f"/api/v1/tickets/{ticket.pk}/step/", {"action": "feedback", "note": "进展",
                                                             "attachment": SimpleUploadedFile("a.bat", b"echo")},
                     format="multipart")
        assert r.status_code == 400 and "attachment" in r.json()
        assert not ticket.events.filter(action="feedback").exists()


def _advance(ticket, state):
    """Bring a fresh ticket to ``state`` (as the system)."""
    if state in ("acknowledged", "resolved", "closed"):
        services.ticket_acknowledge(member=SYSTEM, ticket=ticket)
    if state in ("resolved", "closed"):
        services.ticket_resolve(member=SYSTEM, ticket=ticket, resolution="已解决")
    if state == "closed":
        services.ticket_close(member=SYSTEM, ticket=ticket)
    return Ticket.objects.get(pk=ticket.pk)


def _shown(html: str) -> list[str]:
    form = re.search(r'<form[^>]*id="ticket-actions".*?</form>', html, re.S)
    return re.findall(r'name="action" value="(\w+)"', form.group(0)) if form else []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["office", "staff1", "staff2", "leader", "staff_b"])
@pytest.mark.parametrize("state", ["assigned", "acknowledged", "resolved", "closed"])
def test_every_action_shown_succeeds_and_every_other_is_refused(world, client_for, who, state):
    """staff1's unit handles the ticket, staff2's unit raised it, the office may do both; the leader reads."""
    member = getattr(world, who)
    c = client_for(member)
    page = c.get(f"/tickets/{_fresh(world, state).pk}/")
    shown = _shown(page.content.decode()) if page.status_code == 200 else []
    assert shown == services.ticket_actions(member, _fresh(world, state)) or page.status_code == 404
    for action in services.STEP_ORDER:
        t = _fresh(world, state)
        events = t.events.count()
        r = c.post(f"/tickets/{t.pk}/", {"action": action, "note": "说明"})
        took = t.events.count() > events
        assert took == (action in shown), (who, state, action, shown, r.status_code)
    expected = {
        ("office", "assigned"): ["acknowledge"], ("office", "acknowledged"): ["feedback", "resolve"],
        ("office", "resolved"): ["close", "reopen"], ("staff1", "assigned"): ["acknowledge"],
        ("staff1", "acknowledged"): ["feedback", "resolve"], ("staff2", "resolved"): ["close", "reopen"],
    }
    assert shown == expected.get((who, state), [])


def _fresh(world, state):
    with acting_as(Actor(user_id=world.staff2.user.pk, username="t_staff2", source="web")):
        t = services.ticket_raise(member=world.staff2, zone=world.zone_a, title="道路未通", assignee_unit=world.street1)
    return _advance(t, state)


@pytest.mark.django_db
def test_services_refuse_what_ticket_actions_leaves_out(world, ticket):
    assert services.ticket_actions(world.staff2, ticket) == []  # raised it, but does not handle it
    with pytest.raises(PermissionDenied):
        services.ticket_acknowledge(member=world.staff2, ticket=ticket)
    t = _advance(ticket, "resolved")
    assert services.ticket_actions(world.staff1, t) == []  # handles it, cannot close its own work
    with pytest.raises(PermissionDenied):
        services.ticket_close(member=world.staff1, ticket=t)
    assert services.ticket_actions(world.leader, t) == []
    with pytest.raises(PermissionDenied):
        services.ticket_reopen(member=world.leader, ticket=t, reason="x")


# ---------------------------------------------------------------------------------------------- routing

DEMO_CASES = [
    ("huaian", "施工许可办理进度慢,需协调住建部门", "建设局"),
    ("huaian", "需住建部门协调施工许可", "建设局"),
    ("huaian", "证照办理需市场监管部门支持", "区市场监督管理局"),
    ("huaian", "需区市场监督管理局协调", "区市场监督管理局"),
    ("huaian", "外资到位需商务局对接", "商务局"),
    ("huaian", "请招商部门协调项目落地", "招商局"),
    ("huaian", "技改补贴需财政部门拨付", "财政局"),
    ("huaian", "高企申报需科技局辅导", "科技局"),
    ("huaian", "华瑞科技有限公司员工招聘困难", None),  # a company's name names no department
    ("huaian", "项目建设进度慢", None),  # neither does an ordinary word
    ("huaian", "员工招聘困难,需人社部门对接", None),  # no such unit in this zone
    ("jiaxing", "施工许可办理慢,需住建部门协调", "区建设交通局"),
    ("jiaxing", "用地指标需自规局落实", "区自然资源和规划分局"),
    ("jiaxing", "土地报批需自然资源部门支持", "区自然资源和规划分局"),
    ("jiaxing", "立项备案需发改部门办理", "区发展改革局"),
    ("jiaxing", "技改项目需经信局认定", "区经济信息化局"),
    ("jiaxing", "需工信部门协调电力增容", "区经济信息化局"),
    ("jiaxing", "项目引进需投促中心跟进", "区投资促进中心"),
    ("jiaxing", "需招商部门对接客商", "区投资促进中心"),
    ("jiaxing", "出口退税需商务部门协调", "区商务局"),  # not 国际商务区 (a park)
    ("jiangyan", "需发改委协调能评", "区发改委"),
    ("jimo", "需住建部门协调", "建设管理部"),
    ("jimo", "请投促部门协调", "投资促进部"),
    ("jimo", "资金拨付需财政部门", "财政金融部"),
    ("shifan", "需工信部门支持", "区工业和信息化局"),
    ("shifan", "需经信部门支持", "区工业和信息化局"),
    ("shifan", "需住建部门协调", "区建设局"),
    ("shifan", "需投促部门协调", "区招商服务中心"),
    ("huaian", "需环保部门出具意见后再请住建部门协调", "建设局"),  # 环保: none here; the first named unit wins
    ("jiaxing", "先由商务局、再由发改局协调", "区商务局"),
]


class _Unit:
    def __init__(self, name, kind):
        self.name, self.kind = name, kind


@pytest.mark.parametrize("zone, text, expected", DEMO_CASES)
def test_problem_names_a_unit_of_the_demo_zones(zone, text, expected):
    from tuijin.org.demo import ZONES

    units = [_Unit(name, kind) for code, *_rest, spec in ZONES if code == zone for name, kind, _g in spec]
    found = routing.suggest_unit(units, text)
    assert (found.name if found else None) == expected


@pytest.mark.django_db
class TestRaiseFromProgress:
    def test_page_defaults_to_the_department_the_problem_names(self, world, project, client_for):
        build = unit_create(member=SYSTEM, zone=world.zone_a, name="建设局", kind="department", parent=world.office_unit)
        c = client_for(world.staff1)
        html = c.get(f"/projects/{project.pk}/").content.decode()
        assert "就所填问题发起督办" in html and "raise a ticket for the problems" not in html
        assert 'data-suggest-url="/tickets/suggest-unit/?project=' in html
        r = c.post(f"/projects/{project.pk}/", {"action": "progress", "year": 2023, "month": 5, "invested_month": 100,
                                                 "problems": "施工许可办理慢,需住建部门协调", "raise_ticket": "on"})
        assert r.status_code == 302
        assert Ticket.objects.get(project=project).assignee_unit == build
        # the one raising it picks another unit
        c.post(f"/projects/{project.pk}/", {"action": "progress", "year": 2023, "month": 6, "invested_month": 100,
                                             "problems": "施工许可办理慢,需住建部门协调", "raise_ticket": "on",
                                             "assignee_unit": world.dept.pk})
        assert Ticket.objects.filter(project=project, assignee_unit=world.dept).count() == 1
        # nothing named: the project's own unit
        c.post(f"/projects/{project.pk}/", {"action": "progress", "year": 2023, "month": 7, "invested_month": 100,
                                             "problems": "电力增容接入滞后", "raise_ticket": "on"})
        assert Ticket.objects.filter(project=project, assignee_unit=world.street1).count() == 1

    def test_suggestion_endpoint(self, world, project, client_for):
        unit_create(member=SYSTEM, zone=world.zone_a, name="建设局", kind="department", parent=world.office_unit)
        c = client_for(world.staff1)
        r = c.get("/tickets/suggest-unit/", {"text": "需住建部门协调", "project": project.pk}).json()
        assert r["text"] == "建设局"
        assert c.get("/tickets/suggest-unit/", {"text": "电力滞后", "project": project.pk}).json()["text"] == "钵池街道"
        assert c.get("/tickets/suggest-unit/", {"text": "电力滞后"}).json() == {}

    def test_api_progress_raises_to_the_named_unit_and_refuses_another_zones_unit(self, world, project, api_for):
        build = unit_create(member=SYSTEM, zone=world.zone_a, name="建设局", kind="department", parent=world.office_unit)
        api = api_for(world.staff1)
        r = api.post("/api/v1/progress/", {"project": project.pk, "year": 2023, "month": 5, "invested_month": "10",
                                           "problems": "需住建部门协调", "raise_ticket": True}, format="json")
        assert r.status_code == 201, r.content
        assert Ticket.objects.get(project=project).assignee_unit == build
        r = api.post("/api/v1/progress/", {"project": project.pk, "year": 2023, "month": 6, "invested_month": "10",
                                           "problems": "x", "raise_ticket": True, "assignee_unit": world.street_b.pk},
                     format="json")
        assert r.status_code == 400 and "assignee_unit" in r.json()
        r = api.post("/api/v1/progress/", {"project": project.pk, "year": 2023, "month": 6, "invested_month": "10",
                                           "problems": "", "raise_ticket": True}, format="json")
        assert r.status_code == 400 and "problems" in r.json()


# ---------------------------------------------------------------------------------------------- raising, scope

@pytest.mark.django_db
class TestRaiseWithProject:
    def test_links_from_the_project_page_and_the_lagging_list(self, world, project, client_for):
        from tuijin.projects.services import project_update

        project_update(member=SYSTEM, project=project, started_planned=dt.date(2023, 3, 1))
        c = client_for(world.staff1)
        assert f'href="/tickets/new/?project={project.pk}"' in c.get(f"/projects/{project.pk}/").content.decode()
        assert f'href="/tickets/new/?project={project.pk}"' in c.get("/projects/lagging/").content.decode()
        html = c.get(f"/tickets/new/?project={project.pk}").content.decode()
        assert f'<option value="{project.pk}" selected>T1 华瑞新能源项目</option>' in html
        assert "data-search-url=\"/projects/search/\"" in html
        assert "计划开工日期2023-03-01已过" in html  # the lag reason as the description
        r = c.post("/tickets/new/", {"title": "督办:华瑞新能源项目", "assignee_unit": world.street1.pk,
                                     "deadline": "2099-01-01", "source": "project", "project": project.pk})
        assert r.status_code == 302 and Ticket.objects.get().project == project

    def test_query_string_project_outside_scope_is_never_shown(self, world, project, client_for):
        other = project_create(member=SYSTEM, zone=world.zone_a, code="T2", name="枚乘邻里中心", category="social",
                               unit=world.street2)
        foreign = project_create(member=SYSTEM, zone=world.zone_b, code="B1", name="乙区项目", category="industry",
                                 unit=world.street_b)
        c = client_for(world.staff1)
        for p in (other, foreign):
            html = c.get(f"/tickets/new/?project={p.pk}").content.decode()
            picker = re.search(r'<select name="project".*?</select>', html, re.S).group(0)
            assert p.name not in html and f'value="{p.pk}"' not in picker
        assert "<form" in c.get("/tickets/new/?project=abc").content.decode()
        # a forged POST is refused, naming the project
        r = c.post("/tickets/new/", {"title": "越权", "assignee_unit": world.street1.pk, "deadline": "2099-01-01",
                                     "source": "project", "project": other.pk})
        assert r.status_code == 200 and "project" in r.context["form"].errors and not Ticket.objects.exists()
        assert other.name not in r.content.decode()

    def test_project_search_is_scoped(self, world, project, client_for):
        project_create(member=SYSTEM, zone=world.zone_a, code="T2", name="枚乘邻里中心", category="social",
                       unit=world.street2)
        found = client_for(world.staff1).get("/projects/search/", {"q": "T"}).json()["results"]
        assert [r["text"] for r in found] == ["T1 华瑞新能源项目"]
        found = client_for(world.office).get("/projects/search/", {"q": "邻里"}).json()["results"]
        assert [r["text"] for r in found] == ["T2 枚乘邻里中心"]

    def test_service_checks_every_reference(self, world, project):
        from tuijin.campaigns.models import Campaign, KeyTask

        other = project_create(member=SYSTEM, zone=world.zone_a, code="T2", name="枚乘邻里中心", category="social",
                               unit=world.street2)
        foreign = project_create(member=SYSTEM, zone=world.zone_b, code="B1", name="乙区项目", category="industry",
                                 unit=world.street_b)
        camp_b = Campaign.objects.create(zone=world.zone_b, year=2023, theme="乙区活动")
        task_b = KeyTask.objects.create(zone=world.zone_b, campaign=camp_b, title="乙区任务", lead_unit=world.street_b)
        raise_ = dict(member=world.staff1, zone=world.zone_a, title="x", assignee_unit=world.street1)
        for kwargs, field in (({"project": foreign}, "project"), ({"project": other}, "project"),
                              ({"key_task": task_b}, "key_task"), ({"assignee_unit": world.street_b}, "assignee_unit")):
            with pytest.raises(ValidationError) as exc:
                services.ticket_raise(**{**raise_, **kwargs})
            assert field in exc.value.message_dict
        assert services.ticket_raise(**raise_, project=project).project == project
        assert Ticket.objects.count() == 1

    def test_api_refuses_another_zones_project_and_task(self, world, project, api_for):
        from tuijin.campaigns.models import Campaign, KeyTask

        foreign = project_create(member=SYSTEM, zone=world.zone_b, code="B1", name="乙区项目", category="industry",
                                 unit=world.street_b)
        camp_b = Campaign.objects.create(zone=world.zone_b, year=2023, theme="乙区活动")
        task_b = KeyTask.objects.create(zone=world.zone_b, campaign=camp_b, title="乙区任务", lead_unit=world.street_b)
        api = api_for(world.staff1)
        base = {"title": "越权", "assignee_unit": world.street1.pk, "deadline": "2099-01-01"}
        r = api.post("/api/v1/tickets/", {**base, "project": foreign.pk}, format="json")
        assert r.status_code == 400 and "project" in r.json()
        r = api.post("/api/v1/tickets/", {**base, "key_task": task_b.pk}, format="json")
        assert r.status_code == 400 and "key_task" in r.json()
        r = api.post("/api/v1/tickets/", {**base, "project": project.pk}, format="json")
        assert r.status_code == 201 and r.json()["actions"] == ["acknowledge"]
        assert Ticket.objects.count() == 1

    def test_from_a_key_task(self, world, client_for):
        from tuijin.campaigns.models import Campaign, KeyTask

        camp = Campaign.objects.create(zone=world.zone_a, year=2023, theme="攻坚行动")
        task = KeyTask.objects.create(zone=world.zone_a, campaign=camp, title="项目攻坚突破", lead_unit=world.dept)
        c = client_for(world.office)
        assert f'href="/tickets/new/?task={task.pk}"' in c.get("/campaigns/").content.decode()
        html = c.get(f"/tickets/new/?task={task.pk}").content.decode()
        assert "督办:项目攻坚突破" in html and f'<option value="{world.dept.pk}" selected>经济发展局</option>' in html
        assert f'<option value="{task.pk}" selected>项目攻坚突破</option>' in html
        assert "项目攻坚突破" not in client_for(world.staff1).get(f"/tickets/new/?task={task.pk}").content.decode()

    def test_leader_cannot_raise(self, world, client_for):
        assert client_for(world.leader).get("/tickets/new/").status_code == 403
