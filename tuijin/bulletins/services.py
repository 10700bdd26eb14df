"""Bulletins: draft, generate (a job on the background queue, with progress), issue. Issued ones never change."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.bulletins import documents
from tuijin.bulletins.models import Bulletin
from tuijin.bulletins.selectors import bulletin_data, check_bulletin_period, ensure_locked_or_draft
from tuijin.core import jobs
from tuijin.core.params import parse_int
from tuijin.core.periods import as_of_date, is_locked
from tuijin.core.context import current_actor
from tuijin.core.scope import SYSTEM, ensure_can_change, require_office
from tuijin.core.validators import clean_name, clean_text
from tuijin.engine.jsonable import loads_plain

CLOSING_MAX = 2000  # 下一步工作: a paragraph or a few

DEFAULT_CLOSING = ("对照全年目标,各单位要对标先进、找准差距,紧盯滞后指标和滞后项目,细化措施、压实责任,"
                   "确保全年目标任务圆满完成。")


def _json_safe(data):
    """The data as the bulletin keeps it (a JSONField): the one cleaner, NaN as null, Decimals as numbers."""
    return loads_plain(data)


@transaction.atomic
def bulletin_create(*, member, zone, year: int, month: int, unit=None, closing: str = "",
                    draft: bool = False) -> Bulletin:
    """A bulletin of a locked month; before the lock only as a draft for comment (征求意见稿)."""
    from tuijin.org.services import ensure_zone

    require_office(member)
    ensure_zone(member, zone)
    check_bulletin_period(zone, year, month)
    ensure_locked_or_draft(zone, year, month, draft=draft)
    if unit is not None and unit.zone_id != zone.pk:
        raise ValidationError({"unit": _("The unit belongs to another zone.")})
    closing = _closing(closing)
    is_draft = draft and not is_locked(zone, year, month)
    return Bulletin.objects.create(zone=zone, unit=unit, year=year, month=month, closing=closing or DEFAULT_CLOSING,
                                   is_draft=is_draft, doc_number="" if is_draft else next_doc_number(zone),
                                   created_by_id=current_actor().user_id)


def _closing(text) -> str:
    return clean_text(text, field="closing", label=str(Bulletin._meta.get_field("closing").verbose_name),
                      max_length=CLOSING_MAX)


def next_doc_number(zone) -> str:
    """The zone's next document number of the year it is issued in: 淮经开办〔2023〕12号 (one sequence per zone and
    year; the zone row is locked while the number is taken, so two bulletins never share one)."""
    from tuijin.core.models import Zone
    from tuijin.core.periods import as_of_date

    Zone.objects.select_for_update().filter(pk=zone.pk).first()
    year = as_of_date(zone).year
    prefix = f"{zone.document_prefix}〔{year}〕"
    taken = [n for number in Bulletin.objects.filter(zone=zone, doc_number__startswith=prefix)
             .values_list("doc_number", flat=True) if (n := parse_int(number[len(prefix):-1])) is not None]
    return f"{prefix}{max(taken, default=0) + 1}号"


def render(bulletin: Bulletin, *, formats=("docx", "xlsx"), member=SYSTEM, progress=None) -> dict:
    """Compute the data and the files of a bulletin; returns {"data", "docx", "xlsx", "pdf"}."""
    step = progress or (lambda n: None)
    data = bulletin_data(member=member, zone=bulletin.zone, year=bulletin.year, month=bulletin.month,
                         unit=bulletin.unit, draft=bulletin.is_draft)
    step(40)
    data = _json_safe(data)
    out = {"data": data}
    issued_on = as_of_date(bulletin.zone)
    if "docx" in formats or "pdf" in formats:
        out["docx"] = documents.build_docx(data, closing=bulletin.closing, issuer=str(current_actor().username),
                                           issued_on=issued_on, title=bulletin.title or None,
                                           doc_number=bulletin.doc_number)
        step(70)
    if "xlsx" in formats:
        out["xlsx"] = documents.build_xlsx(data)
        step(80)
    if "pdf" in formats:
        out["pdf"] = documents.docx_to_pdf(out["docx"])
        step(95)
    return out


def _render_failed(job, message: str) -> None:
    """The job failed (an error, or its worker was lost on the last attempt): the page shows why."""
    Bulletin.objects.filter(pk=int(job.args[0]), state=Bulletin.State.GENERATING).update(
        state=Bulletin.State.FAILED, error=message)


@jobs.background("bulletin", on_fail=_render_failed)
def bulletin_render(job, bulletin_id: int) -> int:
    """The documents of a bulletin, made by the worker (as the user who asked) with progress on the record."""
    def step(n):
        Bulletin.objects.filter(pk=bulletin_id).update(progress=n)
        job.step(n)

    b = Bulletin.objects.get(pk=bulletin_id)
    if b.state != Bulletin.State.GENERATING:
        return b.pk  # changed meanwhile (issued, or saved again with a new job): nothing to do
    with_pdf = documents.libreoffice() is not None
    files = render(b, formats=("docx", "xlsx", "pdf") if with_pdf else ("docx", "xlsx"), progress=step)
    b.refresh_from_db()
    stem = f"{b.zone.code}-{b.year}-{b.month:02d}-{b.pk}"
    b.data = files["data"]
    b.docx.save(f"{stem}.docx", ContentFile(files["docx"]), save=False)
    b.xlsx.save(f"{stem}.xlsx", ContentFile(files["xlsx"]), save=False)
    if "pdf" in files:
        b.pdf.save(f"{stem}.pdf", ContentFile(files["pdf"]), save=False)
    b.state, b.progress = Bulletin.State.READY, 100
    b.save()
    return b.pk


def bulletin_generate(*, member, bulletin: Bulletin, background: bool | None = None) -> Bulletin:
    """Generate the documents: a job on the queue (core/jobs.py) run by `tuijin worker`, its state and progress
    shown on the bulletin page; ``background=False`` runs it here and now (the command line)."""
    require_office(member)
    ensure_can_change(member, bulletin)  # the data it is made from is its zone's: the member's zone only
    if bulletin.state == Bulletin.State.ISSUED:
        raise ValidationError(_("An issued bulletin does not change."))
    Bulletin.objects.filter(pk=bulletin.pk).update(state=Bulletin.State.GENERATING, progress=5, error="")
    jobs.start(bulletin_render, bulletin.pk, zone=bulletin.zone, target=jobs.target_of(bulletin),
               inline=background is False)
    bulletin.refresh_from_db()
    return bulletin


@transaction.atomic
def bulletin_issue(*, member, bulletin: Bulletin) -> Bulletin:
    require_office(member)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    ensure_can_change(member, bulletin)
    if bulletin.state != Bulletin.State.READY:
        raise ValidationError(_("Generate the bulletin before issuing it."))
    if bulletin.is_draft:
        raise ValidationError(_("A draft for comment is not issued: lock the month and generate the bulletin "
                                "again."))
    bulletin.state, bulletin.issued_at = Bulletin.State.ISSUED, timezone.now()
    bulletin.save()
    return bulletin


@transaction.atomic
def bulletin_update(*, member, bulletin: Bulletin, closing: str, title: str = "") -> Bulletin:
    require_office(member)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    ensure_can_change(member, bulletin)
    if bulletin.state == Bulletin.State.ISSUED:
        raise ValidationError(_("An issued bulletin does not change."))
    closing = _closing(closing)
    title = clean_name(title, field="title", label=str(Bulletin._meta.get_field("title").verbose_name),
                       max_length=200, required=False)
    bulletin.closing, bulletin.title = closing, title
    bulletin.state = Bulletin.State.DRAFT
    bulletin.save()
    return bulletin
