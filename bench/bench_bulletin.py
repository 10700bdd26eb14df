"""A zone bulletin (40 units, 60 indicators, 500 projects) as .docx with charts; the cockpit page."""
import random
import sys
import time
from pathlib import Path


def run():
    from tuijin.core.benchsupport import median_ms, setup_django

    setup_django()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_dispatch import make_zone
    from django.db import connection
    from django.test import Client

    from tuijin.bulletins import services
    from tuijin.bulletins.models import Bulletin
    from tuijin.org.demo import make_member
    from tuijin.org.models import Unit
    from tuijin.projects.demo import build_scale as projects_scale

    zone, n_units, n_inds = make_zone(701, random.Random(7))
    projects_scale(zone=zone, rng=random.Random(7))
    bulletin = Bulletin(zone=zone, year=2023, month=6, closing="下一步工作。")
    t = time.perf_counter()
    files = services.render(bulletin, formats=("docx",))
    docx_s = time.perf_counter() - t
    rows = [{"benchmark": f"zone bulletin .docx with charts ({n_units} units, {n_inds} indicators, 500 projects)",
             "figure": docx_s, "unit": "s", "limit": "≤ 3 s"}]
    assert len(files["docx"]) > 10000
    leader = make_member(username="bench_leader", unit=Unit.objects.get(zone=zone, kind="office"), role="leader",
                         scope="zone")
    client = Client()
    client.force_login(leader.user)
    assert client.get("/dashboard/?period=2023-06").status_code == 200
    rows.append({"benchmark": f"cockpit page ({connection.vendor})",
                 "figure": median_ms(lambda: client.get("/dashboard/?period=2023-06"), repeat=7), "unit": "ms",
                 "limit": "≤ 150 ms (PostgreSQL)"})
    return rows
