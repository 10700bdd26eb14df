"""Standing acts on what the assessment app does: a published run of a city (or district, province) becomes results
published down to the zones its units stand for (services.run_results_publish)."""
from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from tuijin.assessment.models import Run
from tuijin.standing.services import run_results_publish


@receiver(post_save, sender=Run, dispatch_uid="standing_run_published")
def run_saved(sender, instance: Run, **kwargs) -> None:
    if instance.published:
        run_results_publish(run=instance)
