"""Shared fixtures: a small world of two zones, members of every role, signed-in clients."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("TUIJIN_TEST_ARTIFACTS", Path(__file__).parent / "test-artifacts"))


@dataclass
class World:
    zone_a: object
    zone_b: object
    office_unit: object
    street1: object
    street2: object
    dept: object
    office_b_unit: object
    street_b: object
    admin: object
    office: object
    leader: object
    staff1: object
    staff2: object
    office_b: object
    staff_b: object


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory):
    """The shared file cache of this test run lives in its own temporary folder, never var/cache (which the demo
    server and other test runs use)."""
    from django.conf import settings
    from django.test.utils import override_settings

    caches = {name: {**conf} for name, conf in settings.CACHES.items()}
    for name, conf in caches.items():
        if conf["BACKEND"] == "tuijin.core.cache.SharedCache":
            conf["LOCATION"] = str(tmp_path_factory.mktemp(f"cache-{name}"))
    # stored files (attachments, bulletins, import uploads) too: never var/media
    with override_settings(CACHES=caches, MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache(_own_cache_dir):
    """Tests never see each other's cached computations."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db) -> World:
    """Zone A (淮安-like: office, two streets, a department) and zone B; one member per role."""
    from tuijin.org.demo import make_member
    from tuijin.org.models import Member, Unit
    from tuijin.core.scope import SYSTEM
    from tuijin.org.services import unit_create, zone_create

    za = zone_create(code="za", name="甲经济技术开发区")
    zb = zone_create(code="zb", name="乙经济开发区", level="provincial")
    office_unit = unit_create(member=SYSTEM, zone=za, name="党政办公室", kind=Unit.Kind.OFFICE)
    street1 = unit_create(member=SYSTEM, zone=za, name="钵池街道", kind=Unit.Kind.STREET, parent=office_unit, group="街道")
    street2 = unit_create(member=SYSTEM, zone=za, name="枚乘街道", kind=Unit.Kind.STREET, parent=office_unit, group="街道")
    dept = unit_create(member=SYSTEM, zone=za, name="经济发展局", kind=Unit.Kind.DEPARTMENT, parent=office_unit,
                       group="部门")
    office_b_unit = unit_create(member=SYSTEM, zone=zb, name="党政办公室", kind=Unit.Kind.OFFICE)
    street_b = unit_create(member=SYSTEM, zone=zb, name="城南街道", kind=Unit.Kind.STREET, parent=office_b_unit)
    R, S = Member.Role, Member.Scope
    return World(
        zone_a=za, zone_b=zb, office_unit=office_unit, street1=street1, street2=street2, dept=dept,
        office_b_unit=office_b_unit, street_b=street_b,
        admin=make_member(username="t_admin", unit=office_unit, role=R.ADMIN, scope=S.ALL),
        office=make_member(username="t_office", unit=office_unit, role=R.OFFICE, scope=S.ZONE),
        leader=make_member(username="t_leader", unit=office_unit, role=R.LEADER, scope=S.ZONE),
        staff1=make_member(username="t_staff1", unit=street1, role=R.STAFF, scope=S.UNIT),
        staff2=make_member(username="t_staff2", unit=street2, role=R.STAFF, scope=S.UNIT),
        office_b=make_member(username="t_office_b", unit=office_b_unit, role=R.OFFICE, scope=S.ZONE),
        staff_b=make_member(username="t_staff_b", unit=street_b, role=R.STAFF, scope=S.UNIT),
    )


@pytest.fixture
def client_for(client):
    """client_for(member) → a Django test client signed in as that member."""
    from django.test import Client

    def make(member):
        c = Client()
        c.force_login(member.user)
        return c

    return make


@pytest.fixture
def api_for(db):
    """api_for(member) → a DRF APIClient authenticating with the member's token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(member):
        token, _ = Token.objects.get_or_create(user=member.user)
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return c

    return make


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def browser_page(live_server, artifacts_dir, monkeypatch):
    """A Playwright page in Debian's headless chromium, pointed at the live server.

    Usage: ``page = browser_page; page.goto(live_server.url + "/")``.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("TUIJIN_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"chromium not found at {executable}: install Debian's chromium (see README)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def browser_login(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def login_in_browser():
    """login_in_browser(page, live_server.url, username, password) signs in through the form."""
    return browser_login
