"""API tokens expire, are revocable, die with a password change, and are not given before a forced change."""
import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token


def take_token(client, username="t_office", password="tuijin2026"):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json")


def units(client, key):
    return client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.django_db
class TestLifetime:
    def test_token_says_when_it_expires(self, world, client, settings):
        settings.TUIJIN_API_TOKEN_HOURS = 24
        r = take_token(client)
        assert r.status_code == 200
        expires = datetime.datetime.fromisoformat(r.json()["expires"])
        assert abs((expires - timezone.now()) - datetime.timedelta(hours=24)) < datetime.timedelta(minutes=1)

    def test_expired_token_is_refused_with_401_and_removed(self, world, client, settings):
        settings.TUIJIN_API_TOKEN_HOURS = 7 * 24
        key = take_token(client).json()["token"]
        assert units(client, key).status_code == 200
        Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=7, seconds=1))
        r = units(client, key)
        assert r.status_code == 401 and "过期" in r.json()["detail"]
        assert not Token.objects.filter(key=key).exists()

    def test_a_new_token_replaces_an_expired_one(self, world, client):
        key = take_token(client).json()["token"]
        Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=30))
        new = take_token(client).json()["token"]
        assert new != key and units(client, new).status_code == 200


@pytest.mark.django_db
class TestRevocation:
    def test_password_change_revokes_the_old_token(self, world, client, client_for):
        key = take_token(client, "t_staff1").json()["token"]
        assert units(client, key).status_code == 200
        r = client_for(world.staff1).post("/accounts/password/", {
            "old_password": "tuijin2026", "new_password1": "Qiang!Mima2026", "new_password2": "Qiang!Mima2026"})
        assert r.status_code == 302
        assert units(client, key).status_code == 401

    def test_api_logout_revokes_the_token_used(self, world, client):
        key = take_token(client).json()["token"]
        r = client.post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {key}")
        assert r.status_code == 204
        assert units(client, key).status_code == 401

    def test_member_revokes_their_tokens_by_api_and_page(self, world, client, client_for):
        key = take_token(client).json()["token"]
        r = client.post("/api/v1/auth/revoke/", HTTP_AUTHORIZATION=f"Token {key}")
        assert r.status_code == 200 and r.json() == {"revoked": 1}
        assert units(client, key).status_code == 401
        key = take_token(client).json()["token"]
        page = client_for(world.office)
        assert "令牌" in page.get("/accounts/password/").content.decode()
        r = page.post("/accounts/tokens/revoke/", follow=True)
        assert "已撤销" in r.content.decode()
        assert units(client, key).status_code == 401

    def test_logout_needs_a_signed_in_caller(self, world, client):
        assert client.post("/api/v1/auth/logout/").status_code in (401, 403)


@pytest.mark.django_db
class TestForcedPasswordChange:
    def test_no_token_before_the_initial_password_is_changed(self, world, client):
        m = world.staff1
        m.must_change_password = True
        m.save()
        r = take_token(client, "t_staff1")
        assert r.status_code == 403 and "初始密码" in r.json()["detail"]
        assert not Token.objects.filter(user=m.user).exists()

    def test_an_old_token_does_not_bypass_the_change(self, world, client):
        key = take_token(client, "t_staff1").json()["token"]
        m = world.staff1
        m.must_change_password = True
        m.save()
        r = units(client, key)
        assert r.status_code == 401 and "初始密码" in r.json()["detail"]

    def test_nor_does_a_session(self, world, client_for):
        m = world.staff1
        m.must_change_password = True
        m.save()
        r = client_for(m).get("/api/v1/units/")
        assert r.status_code == 403 and "初始密码" in r.json()["detail"]
