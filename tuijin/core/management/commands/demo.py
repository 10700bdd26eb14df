"""tuijin demo: build the deterministic demo data set (and, with --scale, synthetic zones)."""
from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tuijin.core.context import Actor, acting_as


def demo_modules():
    """Each app's demo.py, in INSTALLED_APPS order (later apps read what earlier ones built)."""
    from tuijin.core.registry import app_modules

    return app_modules("demo")


class Command(BaseCommand):
    help = "Build the demo zones from the seeds (deterministic); --scale N adds N synthetic zones."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="add N synthetic zones of 40 units each")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the database has zones")

    def handle(self, *args, scale, seed, if_empty, **options):
        from tuijin.core.models import Zone

        has_demo = Zone.objects.filter(code="huaian").exists()
        if has_demo and if_empty and not scale:
            self.stdout.write("数据库已有数据,跳过演示数据生成。")
            return
        started = time.perf_counter()
        with acting_as(Actor(username="演示数据", source="demo")):
            if not has_demo:
                self._build_demo(seed)
            elif not scale:
                raise CommandError("演示数据已存在:请先清空数据库(删除 var/tuijin.sqlite3)再运行。")
            if scale:
                self._build_scale(scale, seed)
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成,用时 {time.perf_counter() - started:.1f} 秒。"))

    def _build_demo(self, seed: int) -> None:
        zones: dict = {}
        for app, module in demo_modules():
            build = getattr(module, "build", None)
            if build is None:
                continue
            t = time.perf_counter()
            with transaction.atomic():
                build(zones=zones, rng=random.Random(f"{seed}:{app}"))
            self.stdout.write(f"  {app}: {time.perf_counter() - t:.1f} s")

    def _build_scale(self, n: int, seed: int) -> None:
        from tuijin.core.models import Zone

        modules = demo_modules()
        # the app that builds a synthetic zone's units and members (org) makes the zone; the others fill it
        make_zone = next(m.build_scale_zone for _app, m in modules if hasattr(m, "build_scale_zone"))
        fillers = [(app, m) for app, m in modules if hasattr(m, "build_scale")]
        start = Zone.objects.filter(code__regex=r"^z[0-9]{3}$").count() + 1
        for index in range(start, start + n):
            with transaction.atomic():
                zone = make_zone(index=index, rng=random.Random(f"{seed}:scale:{index}"))
                for app, module in fillers:
                    module.build_scale(zone=zone, rng=random.Random(f"{seed}:scale:{index}:{app}"))
            self.stdout.write(f"  {zone.code} {zone.name}")
