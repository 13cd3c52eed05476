"""RFC 9457 problem+json responses for the API."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


class InputError(ValueError):
    """Input a service or selector refuses: the API answers 400 with its message.

    Only this (and the list helper's `ListParamError`) is a client's fault; any other
    ValueError is a programming error, logged and answered 500. A ValueError, so that pages
    catching one keep working.

    Parameters
    ----------
    message : str
        A sentence for the person who sent the input.
    field : str
        The parameter or field at fault, if one is.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(Exception):
    """Someone else changed the record since it was read: the page shows both and the API
    answers 409; nothing is overwritten.

    Parameters
    ----------
    message : str
        What happened, for the person whose change was refused.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def problem_body(*, status: int, detail: str = "", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
    }
    body.update(extra)
    return body


def problem_response(*, status: int, detail: str = "", **extra: Any) -> HttpResponse:
    body = problem_body(status=status, detail=detail, **extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
