from __future__ import annotations

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    # RFC 6266 with RFC 5987 encoding, so Chinese file names survive every browser.
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
