"""Writing documents, keeping the office's templates and the schedules.

`document_request` checks and queues a document (the worker writes it); `document_generate`
writes it: the content as the asking user reads it, the charts, the .docx from the template,
the PDF from Typst and the preview of page 1, all stored privately in one save.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.briefings import content
from baiqianwan.briefings.charts import charts_draw
from baiqianwan.briefings.choices import Cadence, DocumentState, Kind
from baiqianwan.briefings.models import Document, Schedule, Template
from baiqianwan.briefings.pdf import pdf_pages, pdf_preview, pdf_render
from baiqianwan.briefings.samples import sample_context
from baiqianwan.briefings.word import docx_render, shipped_template, template_check
from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.models import Run
from baiqianwan.indicators.models import DataValue
from baiqianwan.indicators.periods import PeriodError, period_parse
from baiqianwan.plans.models import Assignment, Plan
from baiqianwan.plans.selectors import assignment_get
from baiqianwan.units.models import Unit

# The letter after the organ's mark in each kind's number: 肇百千万办简〔2025〕3号.
NUMBER_MARKS: dict[str, str] = {Kind.BRIEFING: "简", Kind.RANKING: "通", Kind.NOTICE: "督"}


def _period(code: str) -> str:
    try:
        return period_parse(code).code
    except PeriodError:
        raise InputError(
            _("%(code)s is not a period: write 2025, 2025Q3 or 2025-11.") % {"code": code or "—"},
            field="period",
        ) from None


def _numbering(kind: str, unit: Unit, year: int) -> tuple[int, str]:
    last = Document.objects.filter(kind=kind, unit=unit, year=year).aggregate(n=Max("sequence"))
    sequence = (last["n"] or 0) + 1
    return sequence, f"{content.number_prefix(unit)}{NUMBER_MARKS[kind]}〔{year}〕{sequence}号"


def document_request(
    *,
    user: Any,
    kind: str,
    unit: Unit,
    period: str = "",
    assignment: Assignment | None = None,
    schedule: Schedule | None = None,
    enqueue: bool = True,
) -> Document:
    """Check and queue a document of `kind` for `unit`'s area and `period` (a notice: for
    `assignment`, from the user's home unit). Refused: a role that may not (403), an area or
    assignment outside the user's (404), a period that is none (naming it)."""
    require(user, "briefings.manage", unit)
    if kind not in Kind.values:
        raise InputError(_("No such kind of document: %(kind)s.") % {"kind": kind}, field="kind")
    today = timezone.localdate()
    if kind == Kind.NOTICE:
        if assignment is None:
            raise InputError(
                _("A supervision notice is about a task's assignment."), field="assignment"
            )
        assignment = assignment_get(user=user, pk=assignment.pk)
        if assignment.unit_id == unit.pk:
            raise InputError(
                _("A unit does not send a supervision notice to itself."), field="assignment"
            )
        period = f"{today.year}{today.month:02d}"
        title = _("Supervision notice to %(unit)s: task %(number)s") % {
            "unit": assignment.unit.name,
            "number": assignment.task.number,
        }
    else:
        period = _period(period)
        title = ""
    year = today.year if kind == Kind.NOTICE else period_parse(period).start.year
    with transaction.atomic():
        sequence, number = _numbering(kind, unit, year)
        version = Document.objects.filter(kind=kind, unit=unit, period=period).count() + 1
        if kind == Kind.NOTICE:
            version = 1
        document = Document.objects.create(
            kind=kind,
            unit=unit,
            period=period,
            version=version,
            year=year,
            sequence=sequence,
            number=number,
            title=title or f"{unit.name} {content.period_label(period)} {Kind(kind).label}",
            assignment=assignment,
            schedule=schedule,
            template=template_active(kind=kind, unit=unit),
            created_by=user,
        )
        audit_record(
            actor=user,
            action=Action.CREATE,
            obj=document,
            unit_code=unit.code,
            changes={"kind": kind, "period": period, "number": number},
        )
    if enqueue:
        from baiqianwan.briefings.jobs import document_job

        transaction.on_commit(lambda: _enqueue(document, document_job))
    return document


def _enqueue(document: Document, job: Any) -> None:
    result = job.enqueue(document.pk)
    Document.objects.filter(pk=document.pk).update(task_id=str(result.id))


def template_active(*, kind: str, unit: Unit) -> Template | None:
    """The office's newest template of `kind` in use for `unit`'s area: its own, else that of
    the nearest area above it; None means the shipped one."""
    codes = {unit.code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)}
    found = (
        Template.objects.filter(kind=kind, is_active=True, unit__code__in=codes)
        .select_related("unit")
        .order_by("-unit__code", "-created_at", "-id")
        .first()
    )
    return found


def _is_demo(document: Document, context: dict[str, Any]) -> bool:
    prefix = document.unit.prefix
    if document.assignment_id:
        return bool(document.assignment.task.plan.is_demo)
    return (
        DataValue.objects.filter(is_demo=True, unit__code__startswith=prefix).exists()
        or Run.objects.filter(is_demo=True, unit__code__startswith=prefix[:4]).exists()
        or Plan.objects.filter(Q(issuer__code__startswith=prefix[:4]), is_demo=True).exists()
    )


def document_content(document: Document) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The content and the drawn charts of a document, read as the user who asked for it;
    in Chinese, whatever language the asking page spoke (the light's reason, a track)."""
    with translation.override("zh-hans"):
        return _content(document)


def _content(document: Document) -> tuple[dict[str, Any], dict[str, bytes]]:
    user = document.created_by
    day = timezone.localdate()
    if document.kind == Kind.BRIEFING:
        sequence = document.sequence
        context, charts = content.briefing_content(
            user=user,
            unit=document.unit,
            period=document.period,
            number=document.number,
            issue=f"{document.year}年第{sequence}期",
            day=day,
        )
    elif document.kind == Kind.RANKING:
        context, charts = content.ranking_content(
            user=user, unit=document.unit, period=document.period, number=document.number, day=day
        )
    else:
        assignment = assignment_get(user=user, pk=document.assignment.pk)
        context, charts = content.notice_content(
            issuer=document.unit, assignment=assignment, number=document.number, day=day
        )
    if _is_demo(document, context):
        context["demo"] = True
        context["demo_mark"] = content.DEMO_MARK
    return context, charts_draw(charts.specs)


def document_generate(document_id: int) -> Document:
    """Write a queued document: .docx, PDF and the preview, stored together at the end."""
    document = Document.objects.select_related(
        "unit", "created_by", "template", "assignment__task__plan"
    ).get(pk=document_id)
    Document.objects.filter(pk=document.pk).update(state=DocumentState.RUNNING)
    context, charts = document_content(document)
    template = (
        document.template.file.open("rb").read()
        if document.template
        else shipped_template(document.kind)
    )
    docx = docx_render(template, context, charts, document.kind)
    pdf = pdf_render(document.kind, context, charts)
    preview, pages = pdf_preview(pdf), pdf_pages(pdf)
    # Everything is made before anything is stored: a failure leaves no stray file.
    stem = f"{document.kind}-{document.unit.code}-{document.period}-v{document.version}"
    document.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    document.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    document.preview.save(f"{stem}.png", ContentFile(preview), save=False)
    document.pages = pages
    document.gaps = context.get("gaps", [])
    document.is_demo = bool(context["demo"])
    document.state = DocumentState.DONE
    document.error = ""
    document.finished_at = timezone.now()
    document.save()
    return document


def document_fail(*, document_id: int, error: BaseException | str) -> None:
    """Record why a document could not be written; the list shows it."""
    message = (
        str(error) if isinstance(error, InputError | str) else f"{type(error).__name__}: {error}"
    )
    Document.objects.filter(pk=document_id).update(
        state=DocumentState.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def template_upload(*, user: Any, kind: str, unit: Unit, upload: Any) -> Template:
    """Keep an office's own template of `kind` for `unit`'s area, after `template_check`
    (format, size, macros, and a render against the sample data)."""
    require(user, "briefings.manage", unit)
    if kind not in Kind.values:
        raise InputError(_("No such kind of document: %(kind)s.") % {"kind": kind}, field="kind")
    if upload is None:
        raise InputError(_("Choose a .docx file to upload."), field="file")
    # One byte past the limit is enough to refuse a file as too large.
    data = upload.read(settings.BRIEFINGS_TEMPLATE_MAX_MB * 1024 * 1024 + 1)
    template_check(name=upload.name, data=data, kind=kind, sample=sample_context(kind))
    with transaction.atomic():
        Template.objects.filter(kind=kind, unit=unit, is_active=True).update(is_active=False)
        template = Template(
            kind=kind,
            unit=unit,
            name=upload.name[:255],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=user,
        )
        template.file.save(f"{kind}.docx", ContentFile(data), save=False)
        template.save()
        audit_record(
            actor=user,
            action=Action.CREATE,
            obj=template,
            unit_code=unit.code,
            changes={"kind": kind, "file": upload.name, "sha256": template.sha256},
        )
    return template


def template_retire(*, user: Any, template: Template) -> None:
    """Stop using an office's template: the shipped one (or one above) is used again."""
    require(user, "briefings.manage", template.unit)
    with transaction.atomic():
        Template.objects.filter(pk=template.pk).update(is_active=False)
        audit_record(
            actor=user,
            action=Action.UPDATE,
            obj=template,
            unit_code=template.unit.code,
            changes={"is_active": [True, False]},
        )


def schedule_save(*, user: Any, kind: str, unit: Unit, cadence: str, day: int) -> Schedule:
    """A schedule of the area: write `kind` on `day` (1–28) of each month or quarter."""
    require(user, "briefings.manage", unit)
    if kind not in (Kind.BRIEFING, Kind.RANKING):
        raise InputError(_("Only briefings and ranking notices are scheduled."), field="kind")
    if cadence not in Cadence.values:
        raise InputError(_("No such cadence: %(c)s.") % {"c": cadence}, field="cadence")
    if not 1 <= day <= 28:
        raise InputError(_("The day must be between 1 and 28."), field="day")
    with transaction.atomic():
        schedule = Schedule.objects.create(
            kind=kind, unit=unit, cadence=cadence, day=day, created_by=user
        )
        audit_record(
            actor=user,
            action=Action.CREATE,
            obj=schedule,
            unit_code=unit.code,
            changes={"kind": kind, "cadence": cadence, "day": day},
        )
    return schedule


def schedule_stop(*, user: Any, schedule: Schedule) -> None:
    require(user, "briefings.manage", schedule.unit)
    with transaction.atomic():
        Schedule.objects.filter(pk=schedule.pk).update(is_active=False)
        audit_record(
            actor=user,
            action=Action.UPDATE,
            obj=schedule,
            unit_code=schedule.unit.code,
            changes={"is_active": [True, False]},
        )


def period_just_ended(cadence: str, today: date) -> str:
    """The month (or quarter) before the one `today` lies in: 202511 on 5 December."""
    month = today.month - 1 or 12
    year = today.year - (1 if today.month == 1 else 0)
    if cadence == Cadence.MONTH:
        return f"{year}{month:02d}"
    quarter = (today.month - 1) // 3
    return f"{today.year - 1}Q4" if quarter == 0 else f"{today.year}Q{quarter}"


def schedules_run(*, today: date, enqueue: bool = True) -> list[Document]:
    """Queue the documents that active schedules owe on `today` (each period once)."""
    made = []
    for schedule in Schedule.objects.filter(is_active=True, day=today.day).select_related(
        "unit", "created_by__home_unit"
    ):
        if schedule.cadence == Cadence.QUARTER and today.month not in (1, 4, 7, 10):
            continue
        period = period_just_ended(schedule.cadence, today)
        if schedule.last_period == period:
            continue
        document = document_request(
            user=schedule.created_by,
            kind=schedule.kind,
            unit=schedule.unit,
            period=period,
            schedule=schedule,
            enqueue=enqueue,
        )
        Schedule.objects.filter(pk=schedule.pk).update(last_period=period)
        made.append(document)
    return made
