from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

from baiqianwan.audit.services import download_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json; charset=utf-8"


def attachment_response(body: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """A download; RFC 6266 with RFC 5987 encoding, so Chinese file names survive every browser.

    Every download is an audit event: who took which file, with which filters.
    """
    response = HttpResponse(body, content_type=content_type)
    fallback = "export" + (filename[filename.rfind(".") :] if "." in filename else "")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    download_record(filename=filename)
    return response


def xlsx_response(body: bytes, *, filename: str) -> HttpResponse:
    return attachment_response(body, filename=filename, content_type=XLSX)
