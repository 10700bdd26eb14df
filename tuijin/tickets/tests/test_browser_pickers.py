"""In a real browser: the searchable pickers (vendored Tom Select, no inline script) search the member's projects
and follow the problem text to the department it names."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tuijin.core.scope import SYSTEM
from tuijin.org.services import unit_create
from tuijin.projects.services import project_create


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_project_picker_and_unit_suggestion(world, browser_page, live_server, client_for):
    for i in range(30):
        project_create(member=SYSTEM, zone=world.zone_a, code=f"P{i:03d}", name=f"项目{i}", category="industry",
                       unit=world.street1, planned_investment=Decimal(100))
    hidden = project_create(member=SYSTEM, zone=world.zone_a, code="Q001", name="枚乘邻里中心", category="social",
                            unit=world.street2)
    unit_create(member=SYSTEM, zone=world.zone_a, name="建设局", kind="department", parent=world.office_unit)
    page = browser_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Signed in by session cookie: this test is about the pickers, not the sign-in form.
    from django.conf import settings

    session = client_for(world.staff1).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    page.goto(live_server.url + "/tickets/new/")
    page.locator("#id_project-ts-control").focus()
    page.keyboard.type("项目2")
    page.wait_for_selector(".ts-dropdown .option:has-text('P002 项目2')")
    options = page.locator(".ts-dropdown .option").all_inner_texts()
    assert "P002 项目2" in options and not any("枚乘" in o for o in options)
    page.locator(".ts-dropdown .option:has-text('P020 项目20')").click()
    assert page.locator("#id_project").input_value() != str(hidden.pk)
    assert page.locator("#id_project option:checked").inner_text() == "P020 项目20"

    project = world.street1.projects.get(code="P001")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.fill("#id_problems", "施工许可办理慢,需住建部门协调")
    # A locator assertion, not wait_for_function: Playwright evaluates a predicate string with eval, which the
    # site's Content-Security-Policy refuses (script-src 'self', no 'unsafe-eval').
    expect(page.locator("#id_assignee_unit option:checked")).to_have_text("建设局")
    assert errors == []
