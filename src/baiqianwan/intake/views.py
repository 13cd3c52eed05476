from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import can, require
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.responses import JSON, attachment_response, xlsx_response
from baiqianwan.intake.forms import CARRIED, IntakeForm, ledger_rows_from_post
from baiqianwan.intake.ledger import (
    COLUMNS,
    LedgerDataError,
    ledger_from_document,
    ledger_workbook,
)
from baiqianwan.intake.selectors import intake_documents, intake_get, text_segments
from baiqianwan.intake.services import (
    LedgerConflict,
    intake_create,
    intake_ledger_save,
)
from baiqianwan.textclean import IntakeErrorCode, IntakeInputError
from baiqianwan.textclean.decode import MAX_INPUT_BYTES, DecodedText, document_read


def _input_message(error: IntakeInputError) -> str:
    messages_by_code = {
        IntakeErrorCode.EMPTY: _("The text is empty."),
        IntakeErrorCode.BINARY: _("This is not a text: the file holds binary data."),
        IntakeErrorCode.ENCODING: _("The file is in none of the encodings UTF-8, GB18030 or Big5."),
        IntakeErrorCode.TOO_LARGE: _(
            "The text is too large (at most 4 MB of file or 2,000,000 characters)."
        ),
        IntakeErrorCode.UNSUPPORTED: _(
            "This kind of file is not read here: use .txt, .docx or .html."
        ),
        IntakeErrorCode.UNREADABLE: _("The file cannot be read: it may be damaged."),
    }
    return messages_by_code.get(error.code, _("The text cannot be taken in."))


def documents(request: HttpRequest) -> HttpResponse:
    try:
        page = list_paginate(intake_documents(user=request.user), page=request.GET.get("page"))
    except ListParamError as exc:
        return render(request, "intake/documents.html", {"error": str(exc)}, status=400)
    can_write = can(request.user, "intake.write")
    return render(request, "intake/documents.html", {"page": page, "can_write": can_write})


def new(request: HttpRequest) -> HttpResponse:
    require(request.user, "intake.write")
    if request.method != "POST":
        return render(request, "intake/new.html", {"form": IntakeForm()})
    form = IntakeForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "intake/new.html", {"form": form}, status=400)
    upload = form.cleaned_data["upload"]
    try:
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
        form.add_error("upload" if upload is not None else "text", _input_message(exc))
        return render(request, "intake/new.html", {"form": form, "detail": str(exc)}, status=400)
    messages.success(request, _("Taken in. Check the clean text and the ledger, then save."))
    return redirect("intake:detail", pk=document.pk)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = intake_get(user=request.user, pk=pk)
    status = 200
    ledger = document.ledger
    version = document.version
    if request.method == "POST":
        edited = {**document.ledger, "rows": []}
        edited["plan"] = {
            **edited["plan"],
            "title": request.POST.get("plan-title", "").strip() or None,
            "issuer": request.POST.get("plan-issuer", "").strip() or None,
        }
        try:
            edited["rows"] = ledger_rows_from_post(request.POST)
            version = int(request.POST.get("version", "0"))
            intake_ledger_save(user=request.user, document=document, ledger=edited, version=version)
        except (LedgerConflict, LedgerDataError, ValueError) as exc:
            messages.error(request, str(exc))
            status = 409 if isinstance(exc, LedgerConflict) else 400
            ledger = edited  # keep what the reviewer typed on the page
        else:
            messages.success(request, _("Ledger saved."))
            return redirect("intake:detail", pk=document.pk)
    changes = document.report.get("changes", [])
    rows = [
        (index, row, json.dumps({key: row.get(key) for key in CARRIED}, ensure_ascii=False))
        for index, row in enumerate(ledger.get("rows", []))
    ]
    return render(
        request,
        "intake/detail.html",
        {
            "document": document,
            "ledger": ledger,
            "rows": rows,
            "empty_carried": json.dumps(
                {"targets": [], "places": [], "source": {"start": 0, "end": 0}}
            ),
            "version": version,
            "columns": COLUMNS,
            "original_segments": text_segments(
                text=document.original, changes=changes, side="original"
            ),
            "clean_segments": text_segments(
                text=document.clean_text, changes=changes, side="clean"
            ),
            "can_write": can(request.user, "intake.write", document),
        },
        status=status,
    )


def ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    document = intake_get(user=request.user, pk=pk)
    plan, rows = ledger_from_document(document.ledger)
    body = ledger_workbook(plan=plan, rows=rows, generated=document.updated_at.date())
    return xlsx_response(body, filename=f"{document.title[:60]}-任务台账.xlsx")


def ledger_json(request: HttpRequest, pk: int) -> HttpResponse:
    document = intake_get(user=request.user, pk=pk)
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
            len(d.ledger.get("rows", [])),
            d.report.get("counts", {}).get("lost_characters", 0),
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
