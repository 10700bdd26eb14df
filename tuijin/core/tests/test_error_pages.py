"""The error pages (400, 403, 404, 500 and the expired-form 403) are the site's own, in its layout and in Chinese,
and say what to do next. The 500 page renders with no request and no database, as Django's server_error gives it.

This module is also the URL conf of its tests: the site's URLs plus views that fail on purpose.
"""
import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template import loader
from django.test import Client
from django.urls import path

from tuijin.urls import urlpatterns as site_urlpatterns


def _raise_error(request):
    raise RuntimeError("a bug")


def _raise_suspicious(request):
    raise SuspiciousOperation("a malformed request")


def _raise_denied(request):
    raise PermissionDenied("只有办公室可以这样做。")


urlpatterns = [path("test-error/", _raise_error), path("test-bad-request/", _raise_suspicious),
               path("test-denied/", _raise_denied), *site_urlpatterns]
handler500 = "tuijin.core.views.server_error"

NEXT_STEP = "返回首页"


def _check(response, status: int, *words: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert "tj-navbar" in html, "not in the site's layout"
    assert '<html lang="zh-hans">' in html
    for word in (NEXT_STEP, *words):
        assert word in html, f"{word!r} missing from the {status} page"
    return html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
class TestPages:
    def test_400(self, world, client_for):
        _check(client_for(world.office).get("/test-bad-request/"), 400, "无法处理", "办公室")

    def test_400_for_a_host_the_site_does_not_serve(self, world, client):
        _check(client.get("/accounts/login/", HTTP_HOST="evil.example"), 400, "无法处理")

    def test_403(self, world, client_for):
        html = _check(client_for(world.staff1).get("/test-denied/"), 403, "无权", "办公室")
        assert "只有办公室可以这样做。" in html

    def test_403_from_a_real_page(self, world, client_for):
        _check(client_for(world.staff1).get("/org/members/new/"), 403, "只有办公室可以修改成员")

    def test_404(self, world, client_for):
        _check(client_for(world.office).get("/no-such-page/"), 404, "页面不存在", "办公室")

    def test_404_for_an_id_outside_the_scope(self, world, client_for):
        _check(client_for(world.office_b).get(f"/org/members/{world.staff1.pk}/"), 404, "办公室")

    def test_500(self, world, client_for):
        c = client_for(world.office)
        c.raise_request_exception = False
        html = _check(c.get("/test-error/"), 500, "系统出错", "办公室")
        assert "a bug" not in html  # nothing of the error itself is shown

    def test_expired_form(self, world):
        c = Client(enforce_csrf_checks=True)
        c.force_login(world.office.user)
        r = c.post("/org/units/", {"name": "x", "kind": "street", "sort_order": 0})
        _check(r, 403, "页面已过期", "没有保存")


def test_500_renders_without_request_or_database():
    """Django's server_error renders 500.html with no context at all; the database is not open in this test."""
    html = loader.get_template("500.html").render()
    assert "系统出错" in html and NEXT_STEP in html and "tj-navbar" in html


def test_400_renders_without_a_member():
    from django.test import RequestFactory

    html = loader.get_template("400.html").render(request=RequestFactory().get("/"))
    assert "无法处理" in html and NEXT_STEP in html
