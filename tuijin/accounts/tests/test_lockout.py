"""Lock-out is bounded: by (user name, address) pair and by address, it ends by itself, an administrator can lift
it, and nobody can lock an office out from elsewhere."""
import datetime

import pytest
from django.utils import timezone

from tuijin.accounts.models import LoginLog, SignInThrottle


def web(client, username, password, addr="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/org/units/"},
                       REMOTE_ADDR=addr)


def api(client, username, password, addr="10.0.0.1"):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=addr)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def limits(settings):
    settings.TUIJIN_LOCKOUT_FAILURES = 3
    settings.TUIJIN_LOCKOUT_ADDRESS_FAILURES = 8
    settings.TUIJIN_LOCKOUT_MINUTES = 15
    return settings


@pytest.mark.django_db
class TestPairLock:
    def test_locked_pair_refuses_the_right_password_in_chinese(self, world, client, limits):
        for _ in range(3):
            web(client, "t_office", "wrong")
        r = web(client, "t_office", "tuijin2026")
        assert "锁定" in r.content.decode() and "分钟" in r.content.decode() and not signed_in(client)

    def test_the_office_still_signs_in_from_its_own_address(self, world, client, limits):
        from django.test import Client

        for _ in range(10):
            web(client, "t_office", "wrong", addr="203.0.113.9")  # someone elsewhere keeps trying
        office = Client()
        r = web(office, "t_office", "tuijin2026", addr="10.1.1.1")
        assert r.status_code == 302 and signed_in(office)

    def test_trying_on_does_not_prolong_the_lock_and_it_ends_by_itself(self, world, client, limits):
        for _ in range(3):
            web(client, "t_office", "wrong")
        lock = SignInThrottle.objects.get(kind="pair", username="t_office")
        until = lock.locked_until
        for _ in range(5):
            web(client, "t_office", "wrong")
        lock.refresh_from_db()
        assert lock.locked_until == until  # refused attempts are not counted
        SignInThrottle.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
        r = web(client, "t_office", "tuijin2026")
        assert r.status_code == 302 and signed_in(client)

    def test_api_token_endpoint_goes_through_the_same_lock(self, world, client, limits):
        for _ in range(2):
            web(client, "t_office", "wrong")
        r = api(client, "t_office", "wrong")
        assert r.status_code == 400 and "锁定" in r.json()["detail"]
        r = api(client, "t_office", "tuijin2026")
        assert r.status_code == 400 and "锁定" in r.json()["detail"] and "token" not in r.json()

    def test_success_clears_the_pair_count(self, world, client, limits):
        web(client, "t_office", "wrong")
        web(client, "t_office", "wrong")
        web(client, "t_office", "tuijin2026")
        client.logout()
        web(client, "t_office", "wrong")
        web(client, "t_office", "wrong")
        r = web(client, "t_office", "tuijin2026")
        assert r.status_code == 302

    def test_every_attempt_is_in_the_login_log(self, world, client, limits):
        for _ in range(4):
            web(client, "t_office", "wrong")
        rows = list(LoginLog.objects.order_by("id").values_list("success", "address", "channel"))
        assert rows == [(False, "10.0.0.1", "web")] * 4
        assert "锁定" in LoginLog.objects.order_by("-id").first().reason


@pytest.mark.django_db
class TestAddressLock:
    def test_unknown_user_names_count_and_lock_the_address(self, world, client, limits):
        for i in range(8):
            web(client, f"nobody{i}", "guess", addr="198.51.100.7")
        assert SignInThrottle.objects.filter(kind="address", address="198.51.100.7",
                                             locked_until__gt=timezone.now()).exists()
        r = web(client, "t_office", "tuijin2026", addr="198.51.100.7")
        assert "锁定" in r.content.decode() and not signed_in(client)
        # other addresses are untouched
        from django.test import Client

        other = Client()
        assert web(other, "t_office", "tuijin2026", addr="10.9.9.9").status_code == 302

    def test_address_behind_trusted_proxy(self, world, client, limits):
        limits.TUIJIN_PROXY_COUNT = 1
        for _ in range(3):
            client.post("/accounts/login/", {"username": "t_office", "password": "wrong"}, REMOTE_ADDR="10.0.0.254",
                        HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.44")
        assert SignInThrottle.objects.filter(kind="pair", address="192.0.2.44").exists()
        assert LoginLog.objects.filter(address="192.0.2.44").count() == 3


@pytest.mark.django_db
class TestAdminReset:
    def test_admin_lifts_a_lock_from_the_sign_in_log(self, world, client, client_for, limits):
        for _ in range(3):
            web(client, "t_office", "wrong")
        lock = SignInThrottle.objects.get(kind="pair")
        admin = client_for(world.admin)
        page = admin.get("/accounts/login-log/").content.decode()
        assert "signin-locks" in page and "t_office" in page
        r = admin.post(f"/accounts/locks/{lock.pk}/reset/")
        assert r.status_code == 302
        assert web(client, "t_office", "tuijin2026").status_code == 302

    def test_only_admins_lift_locks(self, world, client, client_for, limits):
        for _ in range(3):
            web(client, "t_office", "wrong")
        lock = SignInThrottle.objects.get(kind="pair")
        assert client_for(world.office).post(f"/accounts/locks/{lock.pk}/reset/").status_code == 403
        assert SignInThrottle.objects.filter(pk=lock.pk).exists()


@pytest.mark.django_db
def test_counters_whose_time_is_over_are_dropped(world, client, limits):
    web(client, "t_office", "wrong", addr="10.0.0.1")
    SignInThrottle.objects.update(window_start=timezone.now() - datetime.timedelta(minutes=16))
    web(client, "t_staff1", "wrong", addr="10.0.0.2")
    assert set(SignInThrottle.objects.values_list("address", flat=True)) == {"10.0.0.2"}
