from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.campaigns.models import KeyTask
from tuijin.core.scope import ensure_can_change


@transaction.atomic
def key_task_update(*, member, task: KeyTask, progress: int, status: str | None = None, note: str | None = None):
    """The lead unit reports a key task's progress; 100% is done."""
    task = KeyTask.objects.select_for_update().get(pk=task.pk)
    ensure_can_change(member, task)
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a percentage between 0 and 100.")})
    task.progress = progress
    task.status = status or (KeyTask.Status.DONE if progress == 100 else KeyTask.Status.IN_PROGRESS)
    if note is not None:
        task.note = note
    task.save()
    return task
