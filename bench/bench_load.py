"""Load: the demo served by gunicorn (`tuijin serve`) under a mix of page views and writes.

The demo is built in a database of its own (a SQLite file in a temporary folder; with DATABASE_URL set, a
PostgreSQL database named after it with a ``_load`` suffix, dropped afterwards), `tuijin serve` is started on a
free port, and CLIENTS clients sign in over HTTP: WRITERS of them as street/unit members who save their filing
draft (a real POST with its CSRF token, the whole form as a browser sends it) and add a feedback note to a ticket
of their unit, between page views; the others as the office, the leader and a street member reading pages
(cockpit, dispatch, ledger, lagging, filing page, tickets inbox, indicator page, project detail).

Every client runs a fixed script a fixed number of rounds (after one round of warm-up), so every run sends the
same requests; only the timing differs. Prints requests per second, p50, p95 and errors for the whole mix and for
each page. A request is an error when it fails, answers another status than the page's own (200, or 302 for a
write), or a write's next page shows an error message. It also prints the CPU time the server (gunicorn's
processes and, on PostgreSQL, the database's backends) and the clients spent per request, and the machine's load
average: on a shared machine requests per second say how much of it the server got, CPU per request how much
work a request is.

    python bench/bench_load.py [--clients 16] [--writers 8] [--rounds 30]
    BENCH_LOAD_CLIENTS / BENCH_LOAD_WRITERS / BENCH_LOAD_ROUNDS / BENCH_LOAD_SERVE_ARGS for `make bench`
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "tuijin2026"
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "16"))
WRITERS = int(os.environ.get("BENCH_LOAD_WRITERS", "8"))
ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "30"))
TIMEOUT_S = 60  # one request; the whole run is bounded by rounds × script length × this

INPUT = re.compile(r"<input\b[^>]*>", re.S)
ATTR = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# ---------------------------------------------------------------- the database and the demo

def _load_database_url() -> tuple[str, str | None]:
    """(the URL the demo is built in, the PostgreSQL database to drop afterwards or None)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        folder = tempfile.mkdtemp(prefix="tuijin-load-")
        return f"sqlite:///{folder}/load.sqlite3", None
    import dj_database_url
    import psycopg

    conf = dj_database_url.parse(url)
    name = f"{conf['NAME']}_load"[:63]
    admin = dict(host=conf["HOST"] or None, port=conf["PORT"] or None, user=conf["USER"] or None,
                 password=conf["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with psycopg.connect(**{k: v for k, v in admin.items() if v is not None or k == "autocommit"}) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name, name


def _drop_database(url: str, name: str) -> None:
    import dj_database_url
    import psycopg

    conf = dj_database_url.parse(url)
    with psycopg.connect(host=conf["HOST"] or None, port=conf["PORT"] or None, user=conf["USER"] or None,
                         password=conf["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Plan:
    """Who signs in and what they open: built from the demo in the bench process, used by the clients."""
    readers: list[dict]
    writers: list[dict]
    period: str
    indicator: str


def build_demo(clients: int, writers: int) -> Plan:
    """The demo, plus one account per writing unit with a draft to save and a ticket to report progress on."""
    import datetime as dt
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connections

    from tuijin.core.context import Actor, acting_as
    from tuijin.core.models import Zone
    from tuijin.core.periods import current_period, period_code
    from tuijin.core.scope import SYSTEM
    from tuijin.indicators import selectors as ind_selectors
    from tuijin.indicators.models import Actual
    from tuijin.indicators.services import actual_file
    from tuijin.org.demo import make_member
    from tuijin.org.models import Member, Unit
    from tuijin.projects.models import Project
    from tuijin.tickets import services as tickets

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", verbosity=0, stdout=io.StringIO())
    zone = Zone.objects.get(code="huaian")
    year, month = current_period(zone)
    fileable = (Unit.Kind.STREET, Unit.Kind.TOWN, Unit.Kind.PARK, Unit.Kind.DEPARTMENT)
    done = set(Actual.objects.filter(zone=zone, year=year, month=month,
                                     state__in=[Actual.State.SUBMITTED, Actual.State.APPROVED])
               .values_list("unit_id", flat=True))
    units = [u for u in Unit.objects.filter(zone=zone, kind__in=fileable, is_active=True)
             .order_by("-kind", "sort_order", "id") if u.pk not in done]  # streets first, then parks, departments
    assert units, "no unit of the demo can file this month"
    street = Member.objects.get(user__username="street")
    writer_plans, prepared = [], set()
    with acting_as(Actor(username="负载测试", source="demo")):
        for i in range(writers):
            unit = units[i % len(units)]
            member = street if unit.pk == street.unit_id and i < len(units) else make_member(
                username=f"load_w{i:02d}", unit=unit, role=Member.Role.STAFF, scope=Member.Scope.UNIT,
                full_name=f"填报员{i:02d}")
            if unit.pk not in prepared:  # a draft for every figure, so each save changes one figure of a whole form
                prepared.add(unit.pk)
                rows = ind_selectors.filing_rows(member=member, unit=unit, year=year, month=month)
                entries = [(r["indicator"], Decimal(int((r["previous"] or Decimal(100)) * Decimal("1.05")) + 1), None)
                           for r in rows if r["ytd"] is None and not r["indicator"].is_computed]
                if entries:
                    actual_file(member=SYSTEM, unit=unit, year=year, month=month, entries=entries, confirmed=True)
            ticket = tickets.ticket_raise(member=SYSTEM, zone=zone, title=f"负载测试督办事项{i:02d}", assignee_unit=unit,
                                          deadline=dt.date.today() + dt.timedelta(days=30), description="压力测试")
            tickets.ticket_acknowledge(member=member, ticket=ticket)
            project = Project.objects.restrict(member).filter(zone=zone).order_by("pk").first()
            writer_plans.append({"username": member.user.username, "unit": unit.pk, "ticket": ticket.pk,
                                 "project": project.pk if project else None})
    projects = list(Project.objects.filter(zone=zone).order_by("pk").values_list("pk", flat=True))
    street_projects = list(Project.objects.restrict(street).filter(zone=zone).order_by("pk")
                           .values_list("pk", flat=True))
    indicator = next(r.code for r in ind_selectors.indicator_list(member=SYSTEM, zone=zone) if not r.is_computed)
    readers = []
    for i in range(max(clients - writers, 0)):
        role = ("office", "leader", "street")[i % 3]
        pool = (street_projects if role == "street" else projects) or [None]
        readers.append({"username": role, "projects": [pool[(i * 7 + k) % len(pool)] for k in range(5)]})
    for conn in connections.all():
        conn.close()
    return Plan(readers=readers, writers=writer_plans, period=period_code(year, month), indicator=indicator)



# ---------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, log: Path, extra: list[str]) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "tuijin", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate", *extra]
    out = open(log, "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"tuijin serve stopped: {log.read_text(errors='replace')[-2000:]}")
        probe = Http(f"http://127.0.0.1:{port}", 2)
        try:
            if probe.get("/healthz").status_code == 200:
                return proc
        except OSError:
            pass
        finally:
            probe.close()
        time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError("tuijin serve did not answer within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # gunicorn's arbiter and its workers: the group this bench started
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ---------------------------------------------------------------- the clients

@dataclass
class Sample:
    name: str
    ms: float
    ok: bool


class Response:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status_code, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Http:
    """One keep-alive HTTP/1.1 connection with its cookies, as a browser tab keeps them.

    The standard library's http.client: the clients share the two cores with the server, so the less time they
    spend per request, the more of the machine measures the server (and no client package is needed).
    """

    def __init__(self, base: str, timeout: float):
        from urllib.parse import urlsplit

        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, data: dict | None = None, headers: dict | None = None) -> Response:
        import gzip
        import http.client
        from urllib.parse import urlencode

        body = urlencode(data).encode() if data is not None else None
        head = {"Accept-Encoding": "gzip", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        while True:
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, url, body=body, headers=head)
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if not reused:  # only a kept-alive connection the server closed meanwhile is tried again
                    raise
        for cookie in r.headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in rest.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        if r.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        if r.will_close:
            self.close()
        return Response(r.status, {k.lower(): v for k, v in r.headers.items()}, raw)

    def get(self, url: str) -> Response:
        return self.request("GET", url)

    def post(self, url: str, data: dict, headers: dict | None = None) -> Response:
        return self.request("POST", url, data, headers)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Client:
    base: str
    username: str
    samples: list = field(default_factory=list)
    record: bool = False

    def __post_init__(self):
        self.http = Http(self.base, TIMEOUT_S)

    def sign_in(self) -> None:
        page = self.http.get("/accounts/login/")
        token = CSRF.search(page.text).group(1)
        r = self.http.post("/accounts/login/", data={"csrfmiddlewaretoken": token, "username": self.username,
                                                     "password": PASSWORD, "next": "/"},
                           headers={"Referer": f"{self.base}/accounts/login/"})
        if r.status_code != 302 or "login" in r.headers.get("location", ""):
            raise RuntimeError(f"{self.username} could not sign in ({r.status_code})")

    def _timed(self, name: str, fn, expect: int):
        t = time.perf_counter()
        try:
            r = fn()
            ok = r.status_code == expect
        except Exception:  # noqa: BLE001 - a refused or timed-out request is an error of the run, not of the bench
            r, ok = None, False
        if self.record:
            self.samples.append(Sample(name, (time.perf_counter() - t) * 1000, ok))
        return r if ok else None

    def get(self, name: str, url: str):
        return self._timed(name, lambda: self.http.get(url), 200)

    def post(self, name: str, url: str, data: dict, *, then: str):
        """A form POST answered by a redirect; the page it leads to counts as ``then`` and must show no error."""
        r = self._timed(name, lambda: self.http.post(url, data=data, headers={"Referer": self.base + url}), 302)
        if r is None:
            return None
        page = self.get(then, r.headers["location"])
        if page is not None and "alert-danger" in page.text and self.record:
            self.samples[-2].ok = False  # the write was refused: the page says why
        return page


def form_fields(html: str, form_id: str | None = None) -> dict:
    """The named inputs of a page's form as a browser would send them (readonly ones included)."""
    if form_id:
        start = html.find(f'id="{form_id}"')
        html = html[html.rfind("<form", 0, start):html.find("</form>", start)]
    out = {}
    for tag in INPUT.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs and attrs.get("type") not in ("submit", "button", "checkbox", "radio"):
            out[attrs["name"]] = attrs.get("value", "")
    return out


def reader_script(c: Client, plan: Plan, spec: dict, round_no: int) -> None:
    p = plan.period
    project = spec["projects"][round_no % len(spec["projects"])]
    pages = []
    if c.username != "street":
        pages.append(("cockpit", "/dashboard/"))
    pages += [("dispatch", f"/indicators/?period={p}"), ("ledger", "/projects/"), ("lagging", "/projects/lagging/")]
    if c.username != "leader":
        pages.append(("filing page", f"/indicators/filing/?period={p}"))
    pages += [("tickets inbox", "/tickets/"), ("indicator page", f"/indicators/{plan.indicator}/?period={p}")]
    if project is not None:
        pages.append(("project detail", f"/projects/{project}/"))
    for name, url in pages:
        c.get(name, url)


def writer_script(c: Client, plan: Plan, spec: dict, round_no: int) -> None:
    p, unit = plan.period, spec["unit"]
    filing_url = f"/indicators/filing/?period={p}&unit={unit}"
    page = c.get("filing page", filing_url)
    if page is not None:
        data = form_fields(page.text, "filing-form")
        ytd = sorted((k for k, v in data.items() if k.startswith("ytd_") and v), key=lambda k: int(k[4:]))
        if ytd:
            key = ytd[round_no % len(ytd)]  # one figure changed per save, a different one each round
            data[key] = str(_number(data[key]) + 1)
        data["action"] = "save"
        c.post("write: filing draft", "/indicators/filing/", data, then="filing page")
    c.get("dispatch", f"/indicators/?period={p}")
    ticket_url = f"/tickets/{spec['ticket']}/"
    page = c.get("ticket detail", ticket_url)
    if page is not None:
        token = CSRF.search(page.text)
        c.post("write: ticket feedback", ticket_url, {
            "csrfmiddlewaretoken": token.group(1) if token else "", "action": "feedback",
            "note": f"第{round_no + 1}次反馈:已协调推进。"}, then="ticket detail")
    if spec["project"] is not None:
        c.get("project detail", f"/projects/{spec['project']}/")
    c.get("tickets inbox", "/tickets/")


def _number(text: str):
    from decimal import Decimal

    return Decimal(text.replace(",", ""))


def server_cpu_seconds(proc: subprocess.Popen, db_pids=lambda: ()) -> dict[int, float]:
    """Process id → CPU time (user + system) used so far, for the server: gunicorn's arbiter and workers (the
    process group this bench started) and, on PostgreSQL, the database's backends serving them (Linux /proc)."""
    out, tick, pids = {}, os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100, set(db_pids())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == proc.pid or int(stat.parent.name) in pids:  # fields[2]: the process group
            out[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return out


def _backend_pids(url: str, name: str) -> list[int]:
    """The PostgreSQL backends connected to the load database (the server's; the bench's own are closed)."""
    import dj_database_url
    import psycopg

    conf = dj_database_url.parse(url)
    with psycopg.connect(host=conf["HOST"] or None, port=conf["PORT"] or None, user=conf["USER"] or None,
                         password=conf["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])]


def reference_loop_ms() -> float:
    """How fast the machine runs Python right now: the best of three runs of a fixed loop, in ms. The cores of a
    shared machine change speed from hour to hour (this project's has taken 1.0–1.9 times as long for the same loop);
    requests per second are compared only between runs whose loop took about as long."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i & 7
        best = min(best, time.perf_counter() - t)
    return best * 1000


def drive(base: str, plan: Plan, rounds: int, warmup: int = 1, server_cpu=dict) -> tuple[list[Sample], dict]:
    """Every client signs in, runs its script ``warmup`` rounds unrecorded, then ``rounds`` recorded; all start
    each phase together. Returns the samples and the recorded phase's wall time and CPU seconds (server, clients)."""
    jobs = [(Client(base, spec["username"]), reader_script, spec) for spec in plan.readers] + \
        [(Client(base, spec["username"]), writer_script, spec) for spec in plan.writers]
    ready = threading.Barrier(len(jobs) + 1)
    go = threading.Barrier(len(jobs) + 1)
    done = threading.Barrier(len(jobs) + 1)
    failures: list[BaseException] = []

    def work(client: Client, script, spec):
        try:
            client.sign_in()
            for k in range(warmup):
                script(client, plan, spec, k)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        ready.wait()
        go.wait()
        client.record = True
        for k in range(rounds):
            try:
                script(client, plan, spec, warmup + k)
            except Exception:  # noqa: BLE001 - an answer the script could not read (no form, no redirect)
                client.samples.append(Sample("script broken off", 0.0, False))
        done.wait()

    threads = [threading.Thread(target=work, args=job, daemon=True) for job in jobs]
    for t in threads:
        t.start()
    ready.wait()
    if failures:
        raise RuntimeError(f"set-up of the clients failed: {failures[0]!r}")
    go.wait()
    started, cpu0, server0 = time.perf_counter(), time.process_time(), server_cpu()
    done.wait()
    server1 = server_cpu()  # a process gone meanwhile (a recycled database connection) counts nothing
    took = {"wall": time.perf_counter() - started, "client_cpu": time.process_time() - cpu0,
            "server_cpu": sum(cpu - server0.get(pid, 0.0) for pid, cpu in server1.items()),
            "server_cpu_start": server0, "server_cpu_end": server1}
    for client, _, _ in jobs:
        client.http.close()
    return [s for client, _, _ in jobs for s in client.samples], took


# ---------------------------------------------------------------- figures

def figures(samples: list[Sample], took: dict) -> dict:
    import numpy as np

    wall = took["wall"]

    def stats(group):
        ms = np.array([s.ms for s in group])
        return {"n": len(group), "rps": len(group) / wall, "p50": float(np.percentile(ms, 50)),
                "p95": float(np.percentile(ms, 95)), "errors": sum(not s.ok for s in group)}

    pages = sorted({s.name for s in samples}, key=lambda n: (n.startswith("write"), n))
    count = max(len(samples), 1)
    return {"mix": stats(samples), "pages": {n: stats([s for s in samples if s.name == n]) for n in pages},
            "server_ms": took["server_cpu"] * 1000 / count, "client_ms": took["client_cpu"] * 1000 / count,
            "database_ms": took.get("database_cpu", 0.0) * 1000 / count,
            "load": took.get("load", float("nan")), "loop_ms": took.get("loop_ms", float("nan")),
            "server_what": took.get("server_what", "gunicorn")}


def rows_of(fig: dict, label: str) -> list[dict]:
    mix = fig["mix"]
    out = [
        {"benchmark": f"load {label}: mixed pages and writes, requests per second", "figure": mix["rps"],
         "unit": "/s", "limit": "≥ 200"},
        {"benchmark": f"load {label}: p50", "figure": mix["p50"], "unit": "ms", "limit": ""},
        {"benchmark": f"load {label}: p95", "figure": mix["p95"], "unit": "ms", "limit": "≤ 300 ms"},
        {"benchmark": f"load {label}: errors (of {mix['n']:,} requests)", "figure": mix["errors"], "unit": "",
         "limit": "0"},
        {"benchmark": f"load {label}: server CPU per request ({fig['server_what']})",
         "figure": fig["server_ms"], "unit": "ms", "limit": ""},
        *([{"benchmark": f"load {label}: of which PostgreSQL's backends", "figure": fig["database_ms"],
            "unit": "ms", "limit": ""}] if fig["database_ms"] else []),
        {"benchmark": f"load {label}: clients' CPU per request", "figure": fig["client_ms"], "unit": "ms",
         "limit": ""},
        {"benchmark": f"load {label}: machine load average (1 min) at the end", "figure": fig["load"], "unit": "",
         "limit": f"{os.cpu_count()} cores"},
        {"benchmark": f"load {label}: machine speed: a fixed Python loop, after the run", "figure": fig["loop_ms"],
         "unit": "ms", "limit": ""},
    ]
    for name, s in fig["pages"].items():
        out.append({"benchmark": f"  {name}: p95 ({s['n']} req, {s['rps']:.1f}/s, p50 {s['p50']:.0f} ms, "
                                 f"{s['errors']} errors)", "figure": s["p95"], "unit": "ms", "limit": ""})
    return out


def run(clients: int = CLIENTS, writers: int = WRITERS, rounds: int = ROUNDS, serve_args: list[str] | None = None,
        keep: bool = False) -> list[dict]:
    writers = min(writers, clients)
    url, pg_name = _load_database_url()
    folder = Path(tempfile.mkdtemp(prefix="tuijin-load-var-"))
    env = {**os.environ, "DATABASE_URL": url, "TUIJIN_VAR_DIR": str(folder), "TUIJIN_CACHE_DIR": str(folder / "cache"),
           "TUIJIN_DEMO": "1", "DEBUG": "0", "SECRET_KEY": "load-bench-" + "x" * 50,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SETTINGS_MODULE": "tuijin.settings"}
    env.pop("TUIJIN_TESTING", None)  # the server hashes and checks passwords as in production
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    vendor = connection.vendor
    t = time.perf_counter()
    plan = build_demo(clients, writers)
    build_s = time.perf_counter() - t
    if serve_args is None:
        serve_args = shlex.split(os.environ.get("BENCH_LOAD_SERVE_ARGS", ""))
    port = free_port()
    proc = start_server(env, port, folder / "serve.log", serve_args)
    try:
        backends: set[int] = set()

        def pids():
            backends.update(_backend_pids(url, pg_name) if pg_name else ())
            return backends

        samples, took = drive(f"http://127.0.0.1:{port}", plan, rounds,
                              server_cpu=lambda: server_cpu_seconds(proc, pids))
        took["database_cpu"] = sum(cpu - took["server_cpu_start"].get(pid, 0.0)
                                   for pid, cpu in took["server_cpu_end"].items() if pid in backends)
        took["load"] = os.getloadavg()[0]
        took["loop_ms"] = reference_loop_ms()
        took["server_what"] = "gunicorn and PostgreSQL's backends" if pg_name else "gunicorn"
    finally:
        stop_server(proc)
        if pg_name and not keep:
            _drop_database(os.environ["DATABASE_URL"], pg_name)
        if not keep:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
            if not pg_name:
                shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
    label = f"{vendor}, {clients} clients ({writers} writing), {rounds} rounds"
    return [{"benchmark": f"load {vendor}: demo built for the load run", "figure": build_s, "unit": "s",
             "limit": ""}] + rows_of(figures(samples, took), label)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--writers", type=int, default=WRITERS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--serve-args", default=os.environ.get("BENCH_LOAD_SERVE_ARGS", ""),
                        help="extra arguments for `tuijin serve`, e.g. '--workers 2 --threads 8'")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    for r in run(args.clients, args.writers, args.rounds, shlex.split(args.serve_args)):
        print(f"{r['benchmark']:<92} {r['figure']:10.1f} {r['unit']:<3} {r['limit']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
