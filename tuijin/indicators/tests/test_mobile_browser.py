"""A street filer's phone (390 px wide): the filing page and the ticket pages fit the screen, one indicator per
block, names whole rather than one character per line, and a figure can be filed and submitted from there."""
import datetime as dt

import pytest

WIDTH = 390


def _fits(page) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= WIDTH, f"{page.url}: {scroll}px wide on a {WIDTH}px screen"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_filing_and_tickets_on_a_phone(world, cat, browser_page, live_server, login_in_browser, artifacts_dir):
    from tuijin.tickets.services import ticket_raise

    ticket = ticket_raise(member=world.office, zone=world.zone_a, title="园区道路照明不足,影响企业夜间生产和员工通勤",
                          assignee_unit=world.street1, deadline=dt.date.today() + dt.timedelta(days=10))
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    login_in_browser(page, live_server.url, "t_staff1", "tuijin2026")
    today = dt.date.today()
    page.goto(f"{live_server.url}/indicators/filing/?period={today.year}-{today.month:02d}")
    _fits(page)
    name = page.locator(".filing-line .fw-semibold").first
    box = name.bounding_box()
    assert box["width"] > WIDTH / 2 and box["height"] < 60  # the name on one or two lines, not a column of characters
    lines = page.locator(".filing-line")
    first, second = lines.nth(0).bounding_box(), lines.nth(1).bounding_box()
    assert second["y"] > first["y"] + first["height"] / 2  # one indicator per block, stacked (rows overlap by a gutter)
    page.screenshot(path=str(artifacts_dir / "filing-390.png"), full_page=True)
    code = cat["general_budget_revenue"].code
    page.fill(f"#line-{code} input[name^='ytd_']", "3.2")
    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    _fits(page)
    assert "已报送" in page.inner_text(f"#line-{code}")
    for path in ("/tickets/", f"/tickets/{ticket.pk}/"):
        page.goto(live_server.url + path)
        _fits(page)
        page.screenshot(path=str(artifacts_dir / f"tickets-390-{path.strip('/').replace('/', '-')}.png"),
                        full_page=True)
    title = page.locator("h1").first.bounding_box()
    assert title["width"] > WIDTH / 2
