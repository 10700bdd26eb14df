import pytest


@pytest.mark.django_db
def test_chinese_by_default_english_available(world, client):
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.cookies["django_language"] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in" in html and "登录" not in html


@pytest.mark.django_db
def test_language_switch_by_form(world, client_for):
    c = client_for(world.office)
    c.post("/i18n/setlang/", {"language": "en", "next": "/org/units/"})
    assert "Units" in c.get("/org/units/").content.decode()


def test_every_translation_file_is_compiled():
    from tuijin.core.i18n import po_files

    files = po_files()
    assert files, "no translation files found"
    for po in files:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run make messages"


@pytest.mark.django_db
def test_browser_language_does_not_switch_to_english(world, client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in html
