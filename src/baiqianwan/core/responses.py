from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpResponse

from baiqianwan.audit.services import download_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json; charset=utf-8"
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\"]')


def _ascii_fallback(filename: str) -> str:
    """The name for clients that ignore ``filename*``: its ASCII letters, digits and -._,
    or "export" with the same extension when nothing readable is left."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    kept = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")
    suffix = re.sub(r"[^A-Za-z0-9]", "", extension)
    return (kept or "export") + (f".{suffix}" if suffix else "")


def safe_filename(filename: str) -> str:
    """`filename` without what would not give one file name: a slash, a backslash, a quote
    or a control character (a line break in a header) becomes "_"."""
    return _UNSAFE_IN_NAME.sub("_", filename)


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The Content-Disposition header of a download; RFC 6266 with RFC 5987 encoding, so
    Chinese file names survive every browser."""
    filename = safe_filename(filename)
    return (
        f'{"inline" if inline else "attachment"}; filename="{_ascii_fallback(filename)}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


def attachment_response(body: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """A download, named by `content_disposition`.

    Every download is an audit event: who took which file, with which filters.
    """
    response = HttpResponse(body, content_type=content_type)
    filename = safe_filename(filename)
    response["Content-Disposition"] = content_disposition(filename)
    download_record(filename=filename)
    return response


def xlsx_response(body: bytes, *, filename: str) -> HttpResponse:
    return attachment_response(body, filename=filename, content_type=XLSX)
