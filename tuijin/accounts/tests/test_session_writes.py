"""Reading a page does not write the session row; the idle clock is renewed at most once a minute."""
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from tuijin.accounts.middleware import IDLE_KEY, IDLE_TOUCH_SECONDS


def _session_writes(client, url: str) -> tuple[int, list[str]]:
    """(status, the statements that wrote django_session) of one GET."""
    writes: list[str] = []

    def spy(execute, sql, params, many, context):
        if "django_session" in sql and not sql.lstrip().upper().startswith("SELECT"):
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        status = client.get(url).status_code
    return status, writes


def _row(client) -> tuple[str, object]:
    row = Session.objects.get(session_key=client.session.session_key)
    return row.session_data, row.expire_date


@pytest.mark.django_db
def test_a_plain_get_by_a_signed_in_member_does_not_write_the_session(world, client_for):
    c = client_for(world.staff1)  # signing in starts the idle clock
    before = _row(c)
    for url in ("/org/units/", "/projects/", "/tickets/", "/org/units/"):
        status, writes = _session_writes(c, url)
        assert status == 200 and writes == []
    assert _row(c) == before


@pytest.mark.django_db
def test_the_idle_clock_is_renewed_after_a_minute(world, client_for):
    c = client_for(world.staff1)
    assert c.get("/org/units/").status_code == 200
    session = c.session
    session[IDLE_KEY] = time.time() - IDLE_TOUCH_SECONDS - 5
    session.save()
    data, expiry = _row(c)
    status, writes = _session_writes(c, "/org/units/")
    assert status == 200 and writes  # written once, so an active member is not signed out as idle
    new_data, new_expiry = _row(c)
    assert new_data != data and new_expiry >= expiry
    assert time.time() - c.session[IDLE_KEY] < 60
