"""Data scope cost: the unit list restricted for a street member vs the whole zone, on a scaled demo."""
import time


def run():
    from tuijin.core.benchsupport import median_ms, setup_django

    setup_django()
    from django.core.management import call_command
    from django.test import Client

    from tuijin.org.models import Member

    t = time.perf_counter()
    call_command("demo", verbosity=0)
    call_command("demo", "--scale", "3", verbosity=0)
    build_s = time.perf_counter() - t
    admin = Member.objects.get(user__username="admin")
    street = Member.objects.get(user__username="street")
    rows = [{"benchmark": "demo + 3 synthetic zones built", "figure": build_s, "unit": "s", "limit": ""}]
    for m in (admin, street):
        c = Client()
        c.force_login(m.user)
        ms = median_ms(lambda: c.get("/api/v1/units/?limit=500"))
        rows.append({"benchmark": f"GET /api/v1/units/ as {m.user.username} (scope {m.scope})", "figure": ms,
                     "unit": "ms", "limit": ""})
    return rows
