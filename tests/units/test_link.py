"""``bqw units link``: merges and splits recorded by hand, bad codes refused cleanly."""

from __future__ import annotations

import getpass

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from baiqianwan.audit.models import AuditEvent
from baiqianwan.units.models import UnitLineage

TOWN, OTHER_TOWN, UNKNOWN = "441224102000", "441224103000", "441299999000"


def link(*codes: str) -> None:
    call_command("units", "link", *codes, "--kind", "merge", "--edition", "2024")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ((TOWN, TOWN), "a unit cannot succeed itself. Nothing was written."),
        ((TOWN, OTHER_TOWN, TOWN), "a unit cannot succeed itself. Nothing was written."),
        ((UNKNOWN, TOWN), f"No unit has the code {UNKNOWN}."),
        ((TOWN, OTHER_TOWN, UNKNOWN), f"No unit has the code {UNKNOWN}."),
    ],
)
def test_a_bad_link_is_a_command_error_and_records_nothing(
    codes: tuple[str, ...], message: str
) -> None:
    # A CommandError is printed as one line by `bqw`, with exit status 1; anything else
    # would be a traceback.
    with pytest.raises(CommandError) as caught:
        link(*codes)
    assert str(caught.value) == message
    assert not UnitLineage.objects.exists()
    assert not AuditEvent.objects.filter(object_type="units.unitlineage").exists()


@pytest.mark.django_db
def test_a_link_is_audited_as_the_account_that_ran_the_command(monkeypatch, capsys) -> None:
    link(TOWN, OTHER_TOWN, OTHER_TOWN)  # a successor named twice is linked once
    assert "Recorded 1 lineage link" in capsys.readouterr().out
    event = AuditEvent.objects.get(object_type="units.unitlineage")
    assert event.actor is None and event.actor_name == f"{getpass.getuser()} (bqw units link)"

    def no_account() -> str:
        raise OSError("no user name")

    monkeypatch.setattr(getpass, "getuser", no_account)
    link(OTHER_TOWN, TOWN)
    event = AuditEvent.objects.filter(object_type="units.unitlineage").latest("id")
    assert event.actor_name == "unknown (bqw units link)"
