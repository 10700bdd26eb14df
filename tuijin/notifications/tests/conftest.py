"""A zone with a month to file (2023-06), a ticket, and a local HTTP receiver standing in for the robots."""
from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from tuijin.core.context import Actor, acting_as
from tuijin.core.scope import SYSTEM

AS_OF = dt.date(2023, 7, 3)  # zone A's "today": June's figures are due on 5 July (the default filing day)


def as_member(member):
    return acting_as(Actor(user_id=member.user.pk, username=member.user.username, source="web"))


@pytest.fixture
def month(world):
    """Zone A works on 2023-06: both streets have a target; 钵池街道 has filed and submitted, 枚乘街道 nothing."""
    from tuijin.indicators.services import actual_save, actual_submit, catalogue_install, target_set

    zone = world.zone_a
    zone.as_of = AS_OF
    zone.save()
    cat = {i.code: i for i in catalogue_install(zone=zone)}
    rev = cat["general_budget_revenue"]
    target_set(member=world.office, zone=zone, indicator=rev, year=2023, value=Decimal("10"), unit=world.street1)
    target_set(member=world.office, zone=zone, indicator=rev, year=2023, value=Decimal("9"), unit=world.street2)
    with as_member(world.staff1):
        actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=6, ytd=Decimal("5.6"))
        actual_submit(member=world.staff1, unit=world.street1, year=2023, month=6)
    for m, mail in ((world.staff1, "s1@example.com"), (world.staff2, "s2@example.com")):
        m.user.email = mail
        m.user.save()
    return cat


@pytest.fixture
def ticket(world):
    from tuijin.tickets.services import ticket_raise

    with as_member(world.office):
        return ticket_raise(member=world.office, zone=world.zone_a, title="施工许可办理慢", assignee_unit=world.street1,
                            deadline=timezone.localdate() + dt.timedelta(days=10), sponsor="刘主任")


class Receiver:
    """A robot's webhook on 127.0.0.1: keeps every request (path, query, JSON body) and answers errcode 0."""

    def __init__(self):
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                outer.requests.append({"path": parts.path, "query": parse_qs(parts.query),
                                       "raw_query": parts.query, "json": json.loads(body.decode()),
                                       "content_type": self.headers.get("Content-Type")})
                answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def closed_port_url():
    """An address nobody listens on (a port taken and let go)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=k"


__all__ = ["AS_OF", "as_member", "SYSTEM"]
