"""In a real browser: the street's staff signs in and sees only its own unit."""
import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_street_staff_sees_only_own_unit(world, browser_page, live_server, login_in_browser, artifacts_dir):
    page = browser_page
    login_in_browser(page, live_server.url, "t_staff1", "tuijin2026")
    page.goto(live_server.url + "/org/units/")
    rows = page.locator("#unit-table tbody tr")
    assert rows.count() == 1
    assert rows.first.inner_text().startswith("钵池街道")
    body = page.inner_text("body")
    assert "枚乘街道" not in body and "城南街道" not in body
    assert "钵池街道" in page.inner_text("#user-menu")
    page.screenshot(path=str(artifacts_dir / "street-units.png"), full_page=True)
    # Another street's page is not there for this member.
    response = page.goto(f"{live_server.url}/org/units/{world.street2.pk}/")
    assert response.status == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_explained(world, browser_page, live_server, login_in_browser):
    login_in_browser(browser_page, live_server.url, "t_staff1", "not-the-password")
    assert "用户名或密码错误" in browser_page.inner_text(".alert-danger")
