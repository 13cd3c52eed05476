from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from baiqianwan.accounts.policy import can, require
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.responses import JSON, attachment_response, xlsx_response
from baiqianwan.intake.choices import IntakeStatus
from baiqianwan.intake.forms import CARRIED, MAX_LEDGER_ROWS, IntakeForm, LedgerEditForm
from baiqianwan.intake.ledger import (
    COLUMNS,
    LedgerDataError,
    ledger_from_document,
    ledger_workbook,
)
from baiqianwan.intake.models import IntakeDocument
from baiqianwan.intake.selectors import (
    intake_documents,
    intake_get,
    intake_stall,
    intake_status,
    intake_text_part,
    ledger_rows_page,
)
from baiqianwan.intake.services import (
    LedgerConflict,
    RetryRefused,
    input_error_message,
    intake_create,
    intake_ledger_edit,
    intake_retry,
)
from baiqianwan.textclean import DocxDamage, IntakeErrorReason, IntakeInputError
from baiqianwan.textclean.decode import MAX_INPUT_BYTES, DecodedText, document_read
from baiqianwan.textclean.errors import too_large_error

# The lost characters and suspects listed on the page; the rest are only counted there.
LISTED_FINDINGS = 200


def _part_number(request: HttpRequest, name: str) -> int:
    try:
        return int(request.GET.get(name, "1"))
    except ValueError:
        return 1


def documents(request: HttpRequest) -> HttpResponse:
    try:
        page = list_paginate(intake_documents(user=request.user), page=request.GET.get("page"))
    except ListParamError as exc:
        return render(request, "intake/documents.html", {"error": str(exc)}, status=400)
    can_write = can(request.user, "intake.write")
    # Only unfinished documents are looked at: a page holds few, and one query each.
    rows = [(d, intake_stall(document=d)) for d in page.items]
    context = {"page": page, "rows": rows, "can_write": can_write}
    return render(request, "intake/documents.html", context)


def new(request: HttpRequest) -> HttpResponse:
    require(request.user, "intake.write")
    if request.method != "POST":
        return render(request, "intake/new.html", {"form": IntakeForm()})
    form = IntakeForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "intake/new.html", {"form": form}, status=400)
    upload = form.cleaned_data["upload"]
    try:
        if upload is not None and upload.size > MAX_INPUT_BYTES:
            # Read no more of it than that: the size the browser sent is the file's.
            raise too_large_error(size=upload.size, limit=MAX_INPUT_BYTES, unit="bytes")
        if upload is not None:
            decoded = document_read(data=upload.read(MAX_INPUT_BYTES + 1), name=upload.name)
            source = upload.name
        else:
            decoded = DecodedText(text=form.cleaned_data["text"], encoding="utf-8", kind="paste")
            source = ""
        document = intake_create(
            user=request.user, decoded=decoded, source_name=source, title=form.cleaned_data["title"]
        )
    except IntakeInputError as exc:
        form.add_error("upload" if upload is not None else "text", input_error_message(exc))
        detail = input_error_detail(exc)
        return render(request, "intake/new.html", {"form": form, "detail": detail}, status=400)
    if document.status == IntakeStatus.QUEUED:
        messages.info(
            request,
            _(
                "Taken in. A text this long is cleaned and drafted in the background: this page "
                "shows how far that is."
            ),
        )
    else:
        messages.success(request, _("Taken in. Check the clean text and the ledger, then save."))
    return redirect("intake:detail", pk=document.pk)


def _figure(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def input_error_detail(error: IntakeInputError) -> str:
    """The detail of a refusal in the reader's language, stating the error's own values.

    Built from ``error.reason`` and ``error.values``, never from its English sentence, which
    is the command line's. Empty for a reason without a sentence here, or an error raised
    without the values its reason states.
    """
    try:
        return _detail_sentence(error)
    except KeyError:
        return ""


def _detail_sentence(error: IntakeInputError) -> str:
    values = {name: _figure(value) for name, value in error.values.items()}
    reason = error.reason
    if reason is IntakeErrorReason.EMPTY:
        return _("There is no text: the input is empty or holds only spaces and line breaks.")
    if reason is IntakeErrorReason.FURNITURE_ONLY:
        return _(
            "Nothing is left of the text once page furniture (share prompts, comment "
            "counters, page tools and the like) is removed."
        )
    if reason is IntakeErrorReason.BINARY:
        return _(
            "Byte %(offset)s (counting from 0) is the control byte 0x%(byte)s, which no text "
            "holds: this is a binary file. Upload a .txt, .docx or .html file."
        ) % {"offset": values["offset"], "byte": f"{error.values['byte']:02X}"}
    if reason is IntakeErrorReason.BOM_NOT_UTF8:
        return (
            _(
                "The text starts with a UTF-8 byte-order mark, but byte %(offset)s "
                "(counting from 0) is not UTF-8. Save it as UTF-8 and try again."
            )
            % values
        )
    if reason is IntakeErrorReason.UNKNOWN_ENCODING:
        encodings = error.values["encodings"]
        names = [str(name) for name in encodings] if isinstance(encodings, tuple) else []
        separator = pgettext("between the items of a list", ", ")
        return _(
            "None of the encodings %(encodings)s reads it; byte %(offset)s (counting from 0) is "
            "the first that is not UTF-8. Save it as UTF-8 and try again."
        ) % {"encodings": separator.join(names), "offset": values["offset"]}
    if reason is IntakeErrorReason.TOO_LARGE and error.values["unit"] == "bytes":
        return (
            _(
                "The file is %(size)s bytes; at most %(limit)s bytes are taken in. Split the text "
                "and take it in by parts."
            )
            % values
        )
    if reason is IntakeErrorReason.TOO_LARGE:
        return (
            _(
                "The text is %(size)s characters long; at most %(limit)s characters are taken in. "
                "Split the text and take it in by parts."
            )
            % values
        )
    if reason is IntakeErrorReason.UNSUPPORTED:
        return (
            _("The file's type is %(suffix)s; only .txt, .docx, .html and .htm files are read.")
            % values
        )
    if reason is IntakeErrorReason.DOCX_UNPACKED:
        return (
            _(
                "This .docx file unpacks to %(size)s bytes (%(body)s of them text); at most "
                "%(limit)s bytes (%(body_limit)s of text) are taken in. Split the document or "
                "save its text as .txt."
            )
            % values
        )
    if reason is IntakeErrorReason.DOCX_DAMAGED:
        damage = {
            DocxDamage.NOT_ZIP: _(
                "This .docx file is not a valid archive, which every .docx file is."
            ),
            DocxDamage.NO_BODY: _("This .docx file has no document body."),
            DocxDamage.BAD_XML: _("The document body of this .docx file is malformed."),
            DocxDamage.OTHER: _("Reading this .docx file stopped on an error inside it."),
        }[DocxDamage(str(error.values["damage"]))]
        return _("%(damage)s Save it again as .docx from the word processor.") % {"damage": damage}
    return ""


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = intake_get(user=request.user, pk=pk)
    can_write = can(request.user, "intake.write", document)
    if request.method != "POST":
        return _detail_render(request, document, can_write=can_write)
    form = LedgerEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return _detail_render(request, document, can_write=can_write, typed=form, status=400)
    try:
        intake_ledger_edit(
            user=request.user,
            document=document,
            plan_title=form.cleaned_data["plan_title"],
            plan_issuer=form.cleaned_data["plan_issuer"],
            rows=form.cleaned_data["rows"],
            version=form.cleaned_data["version"],
        )
    except (LedgerConflict, LedgerDataError) as exc:
        messages.error(request, str(exc))
        status = 409 if isinstance(exc, LedgerConflict) else 400
        return _detail_render(request, document, can_write=can_write, typed=form, status=status)
    messages.success(request, _("Ledger saved."))
    return redirect("intake:detail", pk=document.pk)


def _detail_render(
    request: HttpRequest,
    document: IntakeDocument,
    *,
    can_write: bool,
    typed: LedgerEditForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The detail page; `typed` is a refused edit whose typing the editor shows again."""
    ledger = document.ledger
    version = document.version
    if typed is not None and typed.rows is not None:
        ledger = {
            **ledger,
            "plan": {
                **ledger.get("plan", {}),
                "title": typed.data["plan_title"],
                "issuer": typed.data["plan_issuer"],
            },
            "rows": typed.rows,
        }
        version = typed.cleaned_data.get("version", version)
    done = document.status == IntakeStatus.DONE
    # A drafted ledger longer than a save holds is shown read-only, a page at a time; an edit
    # that went over the limit stays in the editor, so the reviewer can delete tasks.
    editable = can_write and done and len(document.ledger.get("rows", [])) <= MAX_LEDGER_ROWS
    report = document.report
    context = {
        "document": document,
        "stall": "" if done else intake_stall(document=document),
        "done": done,
        "ledger": ledger,
        "version": version,
        "can_write": can_write,
        "editable": editable,
        "max_rows": MAX_LEDGER_ROWS,
        "lost": report.get("lost", [])[:LISTED_FINDINGS],
        "suspects": report.get("suspects", [])[:LISTED_FINDINGS],
        "findings_unlisted": max(
            0, len(report.get("lost", [])) + len(report.get("suspects", [])) - 2 * LISTED_FINDINGS
        ),
        "original_part": intake_text_part(
            user=request.user,
            pk=document.pk,
            side="original",
            number=_part_number(request, "original"),
        ),
        "clean_part": intake_text_part(
            user=request.user, pk=document.pk, side="clean", number=_part_number(request, "clean")
        ),
        "columns": COLUMNS,
    }
    if editable:
        context["rows"] = [
            (index, row, json.dumps({key: row.get(key) for key in CARRIED}, ensure_ascii=False))
            for index, row in enumerate(ledger.get("rows", []))
        ]
        context["empty_carried"] = json.dumps(
            {"targets": [], "places": [], "source": {"start": 0, "end": 0}}
        )
    elif done:
        context["ledger_page"] = ledger_rows_page(
            ledger=ledger, number=_part_number(request, "tasks")
        )
    return render(request, "intake/detail.html", context, status=status)


def ledger_part(request: HttpRequest, pk: int) -> HttpResponse:
    """One page of a read-only ledger, for htmx to swap in."""
    document = _drafted(request, pk)
    page = ledger_rows_page(ledger=document.ledger, number=_part_number(request, "tasks"))
    return render(
        request, "intake/_ledger_readonly.html", {"document": document, "ledger_page": page}
    )


def text_part(request: HttpRequest, pk: int, side: str) -> HttpResponse:
    """One part of the original or clean text, for htmx to swap in."""
    part = intake_text_part(
        user=request.user, pk=pk, side=side, number=_part_number(request, "part")
    )
    return render(request, "intake/_text_part.html", {"document_pk": pk, "part": part})


def status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of the background work; once it is done, htmx reloads the whole page."""
    document = intake_status(user=request.user, pk=pk)
    context = {
        "document": document,
        "stall": intake_stall(document=document),
        "can_write": can(request.user, "intake.write", document),
    }
    response = render(request, "intake/_status.html", context)
    if document.status == IntakeStatus.DONE:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the background work on a failed or stalled document again."""
    document = intake_get(user=request.user, pk=pk)
    try:
        intake_retry(user=request.user, document=document)
    except RetryRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Queued again: the background worker starts from the top."))
    return redirect("intake:detail", pk=pk)


def _drafted(request: HttpRequest, pk: int) -> IntakeDocument:
    document = intake_get(user=request.user, pk=pk)
    if document.status != IntakeStatus.DONE:
        raise Http404(_("The ledger is not drafted yet."))
    return document


def ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    document = _drafted(request, pk)
    plan, rows = ledger_from_document(document.ledger)
    body = ledger_workbook(plan=plan, rows=rows, generated=document.updated_at.date())
    return xlsx_response(body, filename=f"{document.title[:60]}-任务台账.xlsx")


def ledger_json(request: HttpRequest, pk: int) -> HttpResponse:
    document = _drafted(request, pk)
    body = json.dumps(document.ledger, ensure_ascii=False, indent=2)
    return attachment_response(body, filename=f"{document.title[:60]}.json", content_type=JSON)


def documents_export(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            d.title,
            d.unit.name,
            d.created_by.username,
            timezone.localtime(d.created_at).strftime("%Y-%m-%d %H:%M"),
            d.source_name,
            d.encoding,
            d.task_count,
            d.lost_characters,
        ]
        for d in intake_documents(user=request.user)
    ]
    headers = [
        _("Title"),
        _("Unit"),
        _("Taken in by"),
        _("Time"),
        _("Source"),
        _("Encoding"),
        _("Tasks"),
        _("Lost characters"),
    ]
    body = xlsx_from_rows(sheet=_("Policy-text intake"), headers=headers, rows=rows)
    return xlsx_response(
        body, filename=f"{_('Policy-text intake')}-{timezone.localdate():%Y%m%d}.xlsx"
    )
