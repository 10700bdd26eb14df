"""A large import, once confirmed, is applied by the background worker (core/jobs.py): the page is not held for
minutes, a web server restart loses nothing, and the user watches the job's state on the import page."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from tuijin.core import jobs
from tuijin.core.models import Zone
from tuijin.exchange.base import get_importer, run_import
from tuijin.exchange.uploads import forget, load_upload

SHOWN_ERRORS = 20  # the reason a failed job gives names this many rows; the rest are counted


@jobs.background("import")
def import_confirmed(job, token: str, confirmed: bool) -> str:
    """Apply the upload kept under ``token`` as the member who confirmed it (the job's user), all or nothing, with
    the same checks as on the page; the summary is what the page shows when the job is done."""
    user = get_user_model().objects.filter(pk=job.job.user_id).select_related("member").first()
    member = getattr(user, "member", None)
    if member is None or not member.is_active:
        raise PermissionDenied(_("The member who confirmed the import can no longer import."))
    zone = Zone.objects.get(pk=job.job.zone_id)
    meta, data = load_upload(token, member=member, zone=zone)
    importer = get_importer(meta["name"])
    if not importer.can_import(member):
        raise PermissionDenied(_("Leaders read; imports are done by the office and unit staff."))
    job.step(10)
    outcome = run_import(importer, data, meta["filename"], zone=zone, member=member, confirmed=confirmed,
                         options=meta.get("options") or {})
    if not outcome.ok:
        lines = [str(e) for e in outcome.errors[:SHOWN_ERRORS]] + outcome.warnings[:SHOWN_ERRORS]
        more = len(outcome.errors) - SHOWN_ERRORS
        if more > 0:
            lines.append(_("and %(n)d more errors") % {"n": more})
        raise ValidationError([outcome.message, *lines])
    forget(token)
    return _("Imported %(file)s: %(summary)s") % {"file": meta["filename"], "summary": outcome.summary.text()}
