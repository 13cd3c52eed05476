"""Sending notifications (under the bell, and by e-mail) and marking them read.

Other apps remind people through `notification_send` (one user) and
`notifications_send_to_unit` (the people of one unit); a daily job may call either again with
the same `key` and nobody gets the reminder twice. E-mail goes out once the notification is
committed, and a mail server that fails is logged, never raised: the notification under the
bell is what counts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.accounts.choices import Role
from baiqianwan.accounts.models import User
from baiqianwan.accounts.policy import BUSINESS_ROLES
from baiqianwan.audit.choices import Action
from baiqianwan.audit.context import current_request
from baiqianwan.audit.services import audit_record
from baiqianwan.core.problems import InputError
from baiqianwan.notifications.choices import NotificationKind
from baiqianwan.notifications.models import Notification
from baiqianwan.units.models import Unit

logger = logging.getLogger(__name__)

# The programme's name in brackets, as official e-mails in Guangdong mark their source.
SUBJECT_PREFIX = "【百千万】"
TITLE_MAX = 300
URL_MAX = 500
KEY_MAX = 200
# Rows inserted per statement when a unit's people are notified.
INSERT_BATCH = 500
# Whom a unit's notifications reach unless the sender names roles: those who work with the
# programme's data there. The leader only reads, and is told by the people who act.
UNIT_ROLES = frozenset(BUSINESS_ROLES - {Role.LEADER})
_UNIT_CODE = re.compile(r"\d{12}")
# A browser drops tabs and line breaks from an address and reads a backslash as a slash, so
# "/\evil.example" would leave the site: any of them is refused in a link.
_URL_REFUSED = re.compile(r"[\x00-\x20\x7f\\]")


@dataclass(frozen=True)
class _Letter:
    """An e-mail owed for a notification once it is committed."""

    notification_id: int
    to: str
    subject: str
    text: str


def _kind(kind: str) -> str:
    if kind not in NotificationKind.values:
        raise InputError(
            _("“%(kind)s” is not a kind of notification; use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(NotificationKind.values)},
            field="kind",
        )
    return str(kind)


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InputError(_("A notification needs a title."), field="title")
    if "\n" in title or "\r" in title:
        raise InputError(_("The title of a notification must be one line."), field="title")
    if len(title) > TITLE_MAX:
        raise InputError(
            _("The title is %(length)d characters long; the limit is %(max)d.")
            % {"length": len(title), "max": TITLE_MAX},
            field="title",
        )
    return title


def url_is_local(url: str) -> bool:
    """Whether `url` is a path on this site: "/" then no second "/", and nothing a browser
    would read as the start of another site's address."""
    return url.startswith("/") and not url.startswith("//") and not _URL_REFUSED.search(url)


def _url(url: str) -> str:
    if not url:
        return ""
    if not url_is_local(url):
        raise InputError(
            _(
                "The link “%(url)s” is not a path on this site: it must start with one “/” "
                "(e.g. /plans/tasks/42/) and hold no spaces or backslashes."
            )
            % {"url": url[:100]},
            field="url",
        )
    if len(url) > URL_MAX:
        raise InputError(
            _("The link is %(length)d characters long; the limit is %(max)d.")
            % {"length": len(url), "max": URL_MAX},
            field="url",
        )
    return url


def _unit_code(code: str) -> str:
    if code and not _UNIT_CODE.fullmatch(code):
        raise InputError(
            _("“%(code)s” is not a 12-digit unit code.") % {"code": code}, field="unit_code"
        )
    return code


def _key(key: str) -> str:
    if len(key) > KEY_MAX:
        raise InputError(
            _("The key is %(length)d characters long; the limit is %(max)d.")
            % {"length": len(key), "max": KEY_MAX},
            field="key",
        )
    return key


def _fields(
    *, kind: str, title: str, body: str, url: str, unit_code: str, key: str
) -> dict[str, str]:
    return {
        "kind": _kind(kind),
        "title": _title(title),
        "body": body.strip(),
        "url": _url(url),
        "unit_code": _unit_code(unit_code),
        "key": _key(key),
    }


def _roles(roles: Iterable[str] | None) -> list[str]:
    if roles is None:
        return sorted(UNIT_ROLES)
    chosen = sorted(set(roles))
    unknown = [role for role in chosen if role not in Role.values]
    if unknown:
        raise InputError(
            _("“%(role)s” is not a role; use one of %(roles)s.")
            % {"role": unknown[0], "roles": ", ".join(Role.values)},
            field="roles",
        )
    return chosen


def _actor() -> Any:
    """Who is sending: the signed-in user of the request being served, or the system (a job)."""
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else "system"


def _email_text(*, body: str, url: str) -> str:
    """The e-mail's text: the notification's, then the link to open it on the site."""
    parts = [body] if body else []
    if url and settings.BQW_SITE_URL:
        parts.append(settings.BQW_SITE_URL + url)
    return "\n\n".join(parts)


def _letter(notification: Notification, *, to: str) -> _Letter:
    return _Letter(
        notification_id=notification.pk,
        to=to,
        subject=SUBJECT_PREFIX + notification.title,
        text=_email_text(body=notification.body, url=notification.url),
    )


def _letters_send(letters: list[_Letter]) -> None:
    """Send the e-mails over one connection and stamp `emailed_at` on those that went out.

    A failure is logged with the notification it was for and the rest are still tried; none
    is raised, since the notification itself is already committed.
    """
    sent: list[int] = []
    try:
        with get_connection() as connection:
            for letter in letters:
                try:
                    if send_mail(
                        letter.subject, letter.text, None, [letter.to], connection=connection
                    ):
                        sent.append(letter.notification_id)
                except Exception:
                    logger.exception("E-mail for notification %s failed", letter.notification_id)
    except Exception:
        logger.exception("The mail server could not be reached; %d e-mails not sent", len(letters))
    now = timezone.now()
    for start in range(0, len(sent), INSERT_BATCH):
        batch = sent[start : start + INSERT_BATCH]
        Notification.objects.filter(pk__in=batch).update(emailed_at=now)


def _letters_on_commit(letters: list[_Letter]) -> None:
    if letters and settings.BQW_EMAIL_ENABLED:
        transaction.on_commit(lambda: _letters_send(letters))


def notification_send(
    *,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    unit_code: str = "",
    key: str = "",
) -> Notification | None:
    """Notify one user, and e-mail them when their account has an address.

    With a `key`, a second call for the same user and key creates nothing and returns None,
    even when two calls race (the database's unique constraint decides). `url` is a path on
    this site; `unit_code` names the unit the notification is about.
    """
    fields = _fields(kind=kind, title=title, body=body, url=url, unit_code=unit_code, key=key)
    with transaction.atomic():
        if key:
            notification, created = Notification.objects.get_or_create(
                user=user, key=key, defaults=fields
            )
            if not created:
                return None
        else:
            notification = Notification.objects.create(user=user, **fields)
        audit_record(
            actor=_actor(),
            action=Action.CREATE,
            obj=notification,
            object_repr=notification.title,
            changes={"user": user.username, "kind": notification.kind, "key": key},
            unit_code=notification.unit_code or str(getattr(user.home_unit, "code", "")),
        )
        if user.email and user.is_active:
            _letters_on_commit([_letter(notification, to=user.email)])
    return notification


def _created_one_by_one(rows: list[Notification]) -> list[Notification]:
    """The rows a racing sender has not made yet, created one at a time (the rare path)."""
    created = []
    for row in rows:
        notification, made = Notification.objects.get_or_create(
            user_id=row.user_id,
            key=row.key,
            defaults={f: getattr(row, f) for f in ("kind", "title", "body", "url", "unit_code")},
        )
        if made:
            created.append(notification)
    return created


def _recipients(*, unit: Unit, roles: list[str], key: str) -> dict[int, str]:
    """{user id: e-mail address} of the unit's active people in `roles` who have not had
    `key` yet, in one query."""
    people = User.objects.filter(home_unit=unit, is_active=True, role__in=roles)
    if key:
        people = people.exclude(notifications__key=key)
    return dict(people.order_by("pk").values_list("pk", "email"))


def notifications_send_to_unit(
    *,
    unit: Unit,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    roles: Iterable[str] | None = None,
) -> int:
    """Notify every active user whose home unit is `unit` itself (not a unit under it) and
    whose role is in `roles` (default: `UNIT_ROLES`); returns how many were notified.

    One query finds the people (leaving out those who had this `key` already), one insert
    per `INSERT_BATCH` of them writes the notifications, and only those created are e-mailed.
    """
    fields = _fields(kind=kind, title=title, body=body, url=url, unit_code=unit.code, key=key)
    chosen = _roles(roles)
    with transaction.atomic():
        recipients = _recipients(unit=unit, roles=chosen, key=key)
        if not recipients:
            return 0
        rows = [Notification(user_id=pk, **fields) for pk in recipients]
        try:
            with transaction.atomic():
                created = Notification.objects.bulk_create(rows, batch_size=INSERT_BATCH)
        except IntegrityError:
            # Another sender gave some of these people this key since they were read.
            created = _created_one_by_one(rows)
        if created:
            audit_record(
                actor=_actor(),
                action=Action.CREATE,
                object_type=Notification._meta.label_lower,
                object_repr=fields["title"],
                changes={
                    "unit": unit.code,
                    "kind": fields["kind"],
                    "key": key,
                    "recipients": len(created),
                },
                unit_code=unit.code,
            )
        _letters_on_commit(
            [_letter(n, to=recipients[n.user_id]) for n in created if recipients[n.user_id]]
        )
    return len(created)


def notification_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (once: the first reading's time is kept).

    Another user's notification is not found (404), the same answer as one that does not exist.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().filter(user=user, pk=notification_id).first()
        )
        if notification is None:
            raise Http404(_("No such notification."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_read_all(*, user: Any) -> int:
    """Mark all the user's unread notifications read; returns how many were unread."""
    with transaction.atomic():
        now = timezone.now()
        return Notification.objects.filter(user=user, read_at__isnull=True).update(
            read_at=now, updated_at=now
        )
