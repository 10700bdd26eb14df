"""The operation log in words: the part of the system (module) and what was done (operation).

The log stores the address's namespace and URL name (``indicators``, ``indicator``); the page shows them as the
app's name and the page's or resource's name in the reader's language. A page address gets its label here
(``PAGES``; a test checks that every page of the URL conf has one); an API resource is named after its model
(修改 成员), and its extra actions are in ``PAGES`` under ``api:``.
"""
from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

# "namespace:url name" → label, or (label when read, label when sent) for a page that is also a form.
PAGES = {
    "home": _l("start page"), "healthz": _l("health check"), "zone_switch": _l("switch zone"),
    "changelog": _l("change history"), "operation_log": _l("operation log"), "set_language": _l("switch language"),
    "api_token": _l("get an API token"), "api_schema": _l("API schema"), "api_docs": _l("API documentation"),
    "api_redoc": _l("API documentation"), "api_dispatch": _l("dispatch table (API)"),
    "api-root": _l("API index"),
    "api:member-reset-password": _l("reset a member's password"), "api:ticket-step": _l("handle a ticket"),
    "api:auth-logout": _l("revoke this API token"), "api:auth-revoke": _l("revoke API tokens"),
    "accounts:login": _l("sign in"), "accounts:logout": _l("sign out"),
    "accounts:password_change": (_l("password page"), _l("change password")),
    "accounts:tokens_revoke": _l("revoke API tokens"), "accounts:login_log": _l("sign-in log"),
    "accounts:lock_reset": _l("lift a sign-in lock"),
    "assessment:index": (_l("assessment"), _l("run an assessment")),
    "assessment:scheme_new": (_l("new assessment scheme"), _l("save an assessment scheme")),
    "assessment:scheme": (_l("assessment scheme"), _l("change an assessment scheme")),
    "assessment:run": (_l("assessment results"), _l("publish assessment results")),
    "assessment:compare": _l("compare assessment results"),
    "assessment:commendation": (_l("commendation list"), _l("change a commendation list")),
    "bulletins:index": (_l("bulletins"), _l("generate a bulletin")), "bulletins:detail": _l("bulletin"),
    "bulletins:status": _l("bulletin progress"), "bulletins:download": _l("download a bulletin"),
    "campaigns:index": (_l("campaign"), _l("change the campaign")),
    "dashboard:cockpit": _l("cockpit"),
    "exchange:import": _l("import"), "exchange:template": _l("download a template"),
    "exchange:export": _l("export"), "exchange:errors": _l("download the marked errors"),
    "indicators:dispatch": _l("dispatch table"), "indicators:filing": (_l("filing"), _l("save or submit a filing")),
    "indicators:review": (_l("review"), _l("review, lock or reopen a month")),
    "indicators:targets": (_l("targets"), _l("change targets")), "indicators:unit": _l("a unit's indicators"),
    "indicators:indicator": _l("an indicator's figures"),
    "org:unit_list": (_l("units"), _l("add a unit")), "org:unit_detail": (_l("unit"), _l("change a unit")),
    "org:member_list": _l("members"), "org:member_new": (_l("new member"), _l("add a member")),
    "org:member_export": _l("export the members"), "org:member_edit": (_l("member"), _l("change a member")),
    "org:member_active": _l("disable or enable a member"),
    "org:member_password": (_l("password reset page"), _l("reset a member's password")),
    "projects:list": _l("project ledger"), "projects:new": (_l("new project"), _l("add a project")),
    "projects:search": _l("search projects"), "projects:detail": (_l("project"), _l("file project progress")),
    "projects:edit": (_l("project form"), _l("change a project")), "projects:battle_map": _l("battle map"),
    "projects:performance": _l("project performance"), "projects:lagging": _l("lagging projects"),
    "tickets:inbox": _l("supervision tickets"), "tickets:new": (_l("new ticket"), _l("raise a ticket")),
    "tickets:suggest_unit": _l("suggest a responsible unit"),
    "tickets:detail": (_l("ticket"), _l("handle a ticket")), "tickets:attachment": _l("download an attachment"),
    "enterprises:list": _l("enterprise register"), "enterprises:new": (_l("new enterprise"), _l("add an enterprise")),
    "enterprises:search": _l("search enterprises"), "enterprises:big": _l("big enterprises"),
    "enterprises:above_scale": _l("above-scale enterprises"), "enterprises:candidates": _l("above-scale candidates"),
    "enterprises:kept": (_l("enterprises kept to grow"), _l("change the enterprises kept to grow")),
    "enterprises:detail": _l("enterprise"), "enterprises:edit": (_l("enterprise form"), _l("change an enterprise")),
    "enterprises:year": (_l("an enterprise's year"), _l("change an enterprise's year")),
    "standing:index": _l("standing"), "standing:lists": _l("published lists"),
    "standing:record": (_l("record a published result"), _l("record a published result")),
    "standing:result_delete": _l("delete a published result"), "standing:goal": (_l("standing goal"), _l("change the standing goal")),
    "standing:leads": (_l("lead units"), _l("change the lead units")), "standing:assign": _l("assign a shortfall"),
    "standing:export": _l("export the standing"),
    "job_status": _l("background job"),
    "assessment:builder": (_l("scheme form"), _l("save a scheme from the form")),
    "assessment:builder_edit": (_l("scheme form"), _l("save a scheme from the form")),
    "assessment:preview": _l("preview a scheme's scores"),
    "assessment:claims": (_l("bonus claims"), _l("claim or decide a bonus")),
    "assessment:claim_evidence": _l("download a claim's evidence"),
    "assessment:incidents": (_l("incidents"), _l("record an incident")),
    "campaigns:setup": (_l("set up the year"), _l("create a campaign")),
    "campaigns:detail": (_l("campaign"), _l("change the campaign")),
    "campaigns:goal": (_l("stage goal"), _l("change a stage goal")),
    "campaigns:task": (_l("key task"), _l("record a milestone")),
    "campaigns:task_new": (_l("new key task"), _l("add a key task")),
    "campaigns:task_edit": (_l("key task form"), _l("change a key task")),
    "enterprises:service": _l("enterprise service"),
    "enterprises:mujun": _l("亩均 evaluation"),
    "enterprises:liaison": _l("name a service liaison"),
    "enterprises:visit_new": (_l("new visit"), _l("log a visit")),
    "notifications:todo": _l("to-do"),
    "notifications:inbox": (_l("messages"), _l("mark messages read")),
    "notifications:reminders": (_l("reminders"), _l("send a reminder")),
    "notifications:channels": (_l("notification channels"), _l("change the notification channels")),
    "projects:sponsored": _l("my sponsored projects"),
    "promotion:funnel": _l("investment funnel"),
    "promotion:leads": _l("investment leads"),
    "promotion:new": (_l("new lead"), _l("add a lead")),
    "promotion:overdue": _l("leads overdue for assessment"),
    "promotion:lead": (_l("lead"), _l("advance, drop or log a lead")),
    "promotion:edit": (_l("lead form"), _l("change a lead")),
}
MODULES = {"": _l("API"), "admin": _l("administration site"), "enterprises": _l("Enterprises")}
API_VERBS = {"POST": _l("add"), "PUT": _l("change"), "PATCH": _l("change"), "DELETE": _l("delete")}


def module_label(module: str) -> str:
    """An app's name (``org`` → 单位与成员); the API and the admin by name."""
    if module in MODULES:
        return str(MODULES[module])
    try:
        return str(apps.get_app_config(module).verbose_name)
    except LookupError:
        return module


def page_label(key: str, method: str = "GET") -> str | None:
    label = PAGES.get(key)
    if isinstance(label, tuple):
        label = label[0] if method in ("GET", "HEAD") else label[1]
    return None if label is None else str(label)


def _api_label(operation: str, method: str) -> str | None:
    """``member-detail`` with PATCH → 修改 成员: the router's resource, named after its model."""
    from tuijin.core.api import site_router

    for _prefix, viewset, basename in site_router().registry:
        if operation.startswith(basename + "-"):
            label = page_label(f"api:{operation}", method)
            if label is not None:
                return label
            model = getattr(getattr(viewset, "queryset", None), "model", None)
            what = str(model._meta.verbose_name) if model is not None else basename
            verb = API_VERBS.get(method) if operation.endswith(("-list", "-detail")) else None
            return _("%(verb)s %(what)s") % {"verb": verb, "what": what} if verb else what
    return None


def operation_label(module: str, operation: str, method: str) -> str:
    """What was done, in words; the stored name when it is unknown (a page without a label, an admin page)."""
    key = f"{module}:{operation}" if module else operation
    label = page_label(key, method)
    if label is None and not module:
        label = _api_label(operation, method)
    return label if label is not None else operation


def label_rows(rows) -> list:
    """Give each operation-log row ``module_label`` and ``operation_label``."""
    rows = list(rows)
    for row in rows:
        row.module_label = module_label(row.module)
        row.operation_label = operation_label(row.module, row.operation, row.method)
        row.operation_known = row.operation_label != row.operation or not row.operation
    return rows
