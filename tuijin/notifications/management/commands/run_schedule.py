"""tuijin manage run_schedule: one tick of the schedule (for cron, where no worker runs it every minute)."""
from django.core.management.base import BaseCommand

from tuijin.core.context import Actor, acting_as
from tuijin.notifications.schedule import tick


class Command(BaseCommand):
    help = "Enqueue every scheduled job and delivery retry that is due now."

    def handle(self, *args, **options):
        with acting_as(Actor(username="命令行", source="cli")):
            n = tick()
        self.stdout.write(f"已排入 {n} 项任务")
