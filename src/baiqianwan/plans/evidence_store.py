"""Evidence files of progress reports: checked by content, kept where no web server serves
them, and handed back only to users whose area covers the report.

A file is checked by `plans.evidence.evidence_check` (its content, never its name, decides
its type), written to `private_storage` (settings.PRIVATE_FILES_DIR) under a random name with
the detected extension, and recorded with its size and SHA-256. The name the uploader gave is
kept only cleaned, for display and the download's Content-Disposition.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import scope_prefix
from baiqianwan.audit.services import download_record
from baiqianwan.core.problems import InputError
from baiqianwan.core.responses import content_disposition, safe_filename
from baiqianwan.core.storage import private_storage
from baiqianwan.plans.evidence import (
    EvidenceFile,
    EvidenceProblem,
    EvidenceRejected,
    evidence_check,
)
from baiqianwan.plans.models import Evidence, Report
from baiqianwan.plans.selectors import in_area_or_refused

MB = 1024 * 1024
# Served inline (shown in the browser): pictures and PDF. Everything else is an attachment.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
_CHUNK = 64 * 1024


def evidence_max_bytes() -> int:
    """The largest evidence file taken (settings.PLANS_EVIDENCE_MAX_MB)."""
    return int(settings.PLANS_EVIDENCE_MAX_MB) * MB


def evidence_max_files() -> int:
    """The most evidence files one report takes (settings.PLANS_EVIDENCE_MAX_FILES)."""
    return int(settings.PLANS_EVIDENCE_MAX_FILES)


def _megabytes(size: object) -> str:
    return f"{int(size) / MB:.1f}" if isinstance(size, int) else str(size)


def evidence_refusal(error: EvidenceRejected, *, name: str) -> str:
    """Why a file was refused, in the reader's language, with the figures the check found."""
    values = dict(error.values)
    found = {
        "program": _("a program"),
        "markup": _("a web page or SVG drawing"),
        "archive": _("an archive"),
        "office": _("an Office file other than a Word document or Excel workbook"),
        "ole": _("an old Office file whose name says neither Word (.doc) nor Excel (.xls)"),
    }
    problem = error.problem
    if problem is EvidenceProblem.EMPTY:
        why = _("it is empty")
    elif problem is EvidenceProblem.TOO_LARGE:
        why = _("it is %(size)s MB; a file may be at most %(limit)s MB") % {
            "size": _megabytes(values.get("size")),
            "limit": _megabytes(values.get("limit")),
        }
    elif problem is EvidenceProblem.NOT_ALLOWED:
        what = found.get(str(values.get("found")), _("of a type not taken"))
        why = _("its content is %(what)s; images, PDF, Word and Excel files are taken") % {
            "what": what
        }
    elif problem is EvidenceProblem.MACROS:
        why = _("it holds macros (%(member)s)") % {"member": values.get("member", "")}
    elif problem in (
        EvidenceProblem.TOO_MANY_MEMBERS,
        EvidenceProblem.UNPACKS_TOO_LARGE,
        EvidenceProblem.RATIO,
        EvidenceProblem.NESTED_ARCHIVE,
        EvidenceProblem.SIZE_LIE,
    ):
        why = _("it unpacks to far more than a real document does (%(detail)s)") % {
            "detail": error.message
        }
    else:
        why = _("it is damaged (%(detail)s)") % {"detail": values.get("detail", error.message)}
    return _("%(name)s is refused: %(why)s.") % {"name": name, "why": why}


def evidence_check_all(*, uploads: Sequence[Any]) -> list[EvidenceFile]:
    """Check every uploaded file before anything is stored; the first refusal stops all.

    Raises
    ------
    InputError
        On the field "files", naming the file and why.
    """
    if len(uploads) > evidence_max_files():
        raise InputError(
            _("At most %(count)d files go with one report.") % {"count": evidence_max_files()},
            field="files",
        )
    checked = []
    for upload in uploads:
        shown = safe_filename(str(upload.name or ""))[-100:]
        try:
            checked.append(
                evidence_check(
                    name=str(upload.name or ""), content=upload, max_bytes=evidence_max_bytes()
                )
            )
        except EvidenceRejected as error:
            raise InputError(evidence_refusal(error, name=shown), field="files") from error
    return checked


def _write(upload: IO[bytes], *, extension: str, today: date) -> tuple[str, str, int]:
    """Write the file under a random name; (stored name, SHA-256, size)."""
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    while chunk := upload.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    wanted = f"evidence/{today:%Y/%m}/{secrets.token_hex(16)}{extension}"
    stored = private_storage.save(wanted, File(upload, name=wanted))
    return stored, digest.hexdigest(), size


@dataclass
class EvidenceWriter:
    """Writes a report's files and remembers them, so a failure later in the same report can
    take back every file written (`discard`): a refused report leaves no file behind."""

    today: date
    written: list[str]

    def save(self, *, report: Report, upload: IO[bytes], checked: EvidenceFile) -> Evidence:
        stored, sha256, size = _write(upload, extension=checked.extension, today=self.today)
        self.written.append(stored)
        return Evidence.objects.create(
            report=report,
            file=stored,
            name=checked.safe_name[:120],
            content_type=checked.content_type[:100],
            size=size,
            sha256=sha256,
        )

    def discard(self) -> None:
        evidence_files_delete(names=self.written)
        self.written.clear()


def evidence_files_delete(*, names: Iterable[str]) -> None:
    """Remove stored files (a missing one is already gone)."""
    for name in names:
        private_storage.delete(name)


def evidence_visible(*, user: Any) -> QuerySet[Evidence]:
    """Evidence of the reports of the assignments in the user's area."""
    prefix = scope_prefix(user, "plans.read")
    return Evidence.objects.filter(report__assignment__unit__code__startswith=prefix)


def evidence_get(*, user: Any, pk: int) -> Evidence:
    """One evidence file the user may read; 404 otherwise (one elsewhere is a security
    event)."""
    return in_area_or_refused(
        evidence_visible(user=user).filter(pk=pk).first(),
        user=user,
        action="plans.read",
        codes_elsewhere=Evidence.objects.filter(pk=pk).values_list(
            "report__assignment__unit__code", flat=True
        ),
        message=_("No such file."),
    )


def evidence_response(*, evidence: Evidence) -> FileResponse:
    """The stored file, with the type found when it was checked: pictures and PDF shown in the
    browser, other files downloaded; the download is an audit event."""
    try:
        handle = private_storage.open(str(evidence.file.name), "rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the store.")) from None
    response = FileResponse(handle, content_type=evidence.content_type)
    inline = evidence.content_type in INLINE_TYPES
    response["Content-Disposition"] = content_disposition(evidence.name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    if evidence.content_type.startswith("image/"):
        # A picture shown on its own: nothing in it may load or run anything.
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    download_record(filename=safe_filename(evidence.name))
    return response
