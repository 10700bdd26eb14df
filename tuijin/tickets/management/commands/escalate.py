"""tuijin escalate [--zone CODE]: escalate overdue tickets to their sponsor leaders (run daily, e.g. from cron)."""
from django.core.management.base import BaseCommand, CommandError

from tuijin.core.context import Actor, acting_as
from tuijin.core.models import Zone
from tuijin.tickets.services import tickets_escalate


class Command(BaseCommand):
    help = "Escalate every overdue ticket (not acknowledged, no feedback, not resolved in time) once."

    def add_arguments(self, parser):
        parser.add_argument("--zone", help="zone code; all zones when omitted")

    def handle(self, *args, zone=None, **options):
        zones = Zone.objects.all() if not zone else Zone.objects.filter(code=zone)
        if zone and not zones.exists():
            raise CommandError(f"未知的开发区代码「{zone}」")
        with acting_as(Actor(username="命令行", source="cli")):
            for z in zones:
                n = tickets_escalate(zone=z)
                self.stdout.write(f"{z.name}: 提级督办 {n} 件")
