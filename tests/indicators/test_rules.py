"""Headquarters' validation rules: each side checked as typed, create, edit, deactivate, the
audit trail, conflicts, and who may do what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from baiqianwan.audit.models import AuditEvent
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.models import ValidationRule
from baiqianwan.indicators.rules import (
    rule_activate,
    rule_create,
    rule_datasets,
    rule_fingerprint,
    rule_side_check,
    rule_update,
)
from baiqianwan.indicators.validation import violations
from baiqianwan.indicators.values import Cell, values_write
from tests.indicators.factories import DEQING, OPEN_DAY, system_make, unit

pytestmark = pytest.mark.django_db

FIELDS = {
    "code": "R3",
    "name": "集体收入不为负",
    "left": "COLLECTIVE",
    "operator": ">=",
    "right": "0",
    "severity": "blocking",
    "levels": ["village"],
    "message": "请核对村集体经济收入",
}


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return system_make()


# --- reading a side as it is typed ---


def test_a_side_names_its_indicators(world):  # type: ignore[no-untyped-def]
    check = rule_side_check(system=world["system"], text="COLLECTIVE * 10000 / POP")
    assert check.ok
    assert check.indicators == (("COLLECTIVE", "村集体经济收入", "万元"), ("POP", "户籍人口", "人"))


def test_a_number_alone_reads(world):  # type: ignore[no-untyped-def]
    check = rule_side_check(system=world["system"], text="100")
    assert check.ok and check.indicators == ()


@pytest.mark.parametrize(
    "text, message",
    [
        ("POP +", "Cannot read the formula near character"),
        ("POP ** 2", "only numbers, indicator codes"),
        ("__import__('os')", "only numbers, indicator codes"),
        ("", "Write a formula"),
        ("POP" + " + POP" * 100, "at most 500 characters"),
    ],
)
def test_a_side_that_does_not_read(world, text, message):  # type: ignore[no-untyped-def]
    check = rule_side_check(system=world["system"], text=text)
    assert not check.ok and message in check.error


def test_unknown_codes_are_named_with_their_right_spelling(world):  # type: ignore[no-untyped-def]
    check = rule_side_check(system=world["system"], text="pop + NOSUCH")
    assert not check.ok
    assert "NOSUCH" in check.error and "pop (did you mean POP?)" in check.error


def test_codes_of_another_system_are_unknown(world):  # type: ignore[no-untyped-def]
    from baiqianwan.indicators.models import IndicatorSystem

    other = IndicatorSystem.objects.create(code="OTHER", name="另一体系", version="1")
    assert not rule_side_check(system=other, text="POP").ok


# --- create, edit, deactivate ---


def test_create_checks_stores_and_audits(world, hq_admin):  # type: ignore[no-untyped-def]
    rule = rule_create(actor=hq_admin, system=world["system"], fields=FIELDS)
    assert (rule.left, rule.operator, rule.right, rule.levels) == (
        "COLLECTIVE",
        ">=",
        "0",
        ["village"],
    )
    event = AuditEvent.objects.get(object_type="indicators.validationrule", object_id=str(rule.pk))
    assert event.action == "create" and event.changes["left"] == "COLLECTIVE"


def test_full_width_sides_are_stored_as_ascii(world, hq_admin):  # type: ignore[no-untyped-def]
    fields = {**FIELDS, "left": "COLLECTIVE＊10000／POP", "right": "（0）"}
    rule = rule_create(actor=hq_admin, system=world["system"], fields=fields)
    assert rule.left == "COLLECTIVE*10000/POP" and rule.right == "(0)"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"code": "R 3"}, "code"),
        ({"code": "R1"}, "code"),  # taken
        ({"name": " "}, "name"),
        ({"left": "NOSUCH"}, "left"),
        ({"right": "POP +"}, "right"),
        ({"left": "1", "right": "2"}, "left"),
        ({"operator": "=>"}, "operator"),
        ({"severity": "fatal"}, "severity"),
        ({"levels": ["province"]}, "levels"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(world, hq_admin, change, field):  # type: ignore[no-untyped-def]
    before = ValidationRule.objects.count()
    with pytest.raises(InputError) as refused:
        rule_create(actor=hq_admin, system=world["system"], fields={**FIELDS, **change})
    assert refused.value.field == field
    assert ValidationRule.objects.count() == before
    assert not AuditEvent.objects.filter(object_type="indicators.validationrule").exists()


def test_only_headquarters_manages_rules(world, make_user):  # type: ignore[no-untyped-def]
    operator = make_user("deqing", "county_operator", DEQING)
    with pytest.raises(PermissionDenied):
        rule_create(actor=operator, system=world["system"], fields=FIELDS)


def test_update_keeps_old_and_new(world, hq_admin):  # type: ignore[no-untyped-def]
    rule = ValidationRule.objects.get(code="R2")
    seen = rule_fingerprint(rule)
    fields = {
        "code": "R2",
        "name": rule.name,
        "left": "GREEN",
        "operator": "<=",
        "right": "95",
        "severity": "warning",
        "levels": ["village"],
        "message": "",
    }
    rule_update(actor=hq_admin, rule=rule, fingerprint=seen, fields=fields)
    rule.refresh_from_db()
    assert rule.right == "95"
    event = AuditEvent.objects.get(action="update", object_id=str(rule.pk))
    assert event.changes == {"right": {"old": "100", "new": "95"}}


def test_a_stale_edit_is_a_conflict_and_changes_nothing(world, hq_admin):  # type: ignore[no-untyped-def]
    rule = ValidationRule.objects.get(code="R2")
    stale = rule_fingerprint(rule)
    fields = {**FIELDS, "code": "R2", "left": "GREEN", "operator": "<=", "right": "90"}
    rule_update(actor=hq_admin, rule=rule, fingerprint=stale, fields=fields)
    with pytest.raises(Conflict):
        rule_update(actor=hq_admin, rule=rule, fingerprint=stale, fields={**fields, "right": "80"})
    with pytest.raises(Conflict):
        rule_activate(actor=hq_admin, rule=rule, fingerprint=stale, active=False)
    rule.refresh_from_db()
    assert rule.right == "90" and rule.is_active


def test_a_deactivated_rule_is_no_longer_checked(world, hq_admin, make_user):  # type: ignore[no-untyped-def]
    county = unit(DEQING)
    operator = make_user("deqing", "county_operator", DEQING)
    ind = world["ind"]
    dataset, period = world["datasets"]["COUNTY"], world["period"]
    values_write(
        actor=operator,
        dataset=dataset,
        period=period,
        source="form",
        today=OPEN_DAY,
        cells=[
            Cell(county.pk, ind["URBAN_INCOME"].pk, 30000),
            Cell(county.pk, ind["RURAL_INCOME_C"].pk, 40000),
        ],
    )
    rule = ValidationRule.objects.get(code="R1")
    assert [v.rule.code for v in violations(dataset, period, [county.pk])] == ["R1"]
    rule_activate(actor=hq_admin, rule=rule, fingerprint=rule_fingerprint(rule), active=False)
    assert violations(dataset, period, [county.pk]) == []
    assert AuditEvent.objects.filter(action="retire", object_id=str(rule.pk)).exists()
    rule.refresh_from_db()
    rule_activate(actor=hq_admin, rule=rule, fingerprint=rule_fingerprint(rule), active=True)
    assert [v.rule.code for v in violations(dataset, period, [county.pk])] == ["R1"]


def test_the_data_sets_a_rule_is_checked_in(world, hq_admin):  # type: ignore[no-untyped-def]
    nowhere = rule_create(
        actor=hq_admin,
        system=world["system"],
        fields={**FIELDS, "code": "MIXED", "left": "POP", "right": "URBAN_INCOME", "levels": []},
    )
    rules = list(ValidationRule.objects.order_by("code"))
    applies = rule_datasets(rules)
    by_code = {r.code: [d.code for d in applies[r.pk]] for r in rules}
    assert by_code == {"MIXED": [], "R1": ["COUNTY"], "R2": ["VILLAGE"]}
    assert nowhere.pk in applies


# --- the pages ---


def test_the_list_shows_rules_and_their_data_sets(client, world, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("deqing", "county_operator", DEQING))
    page = client.get(reverse("indicators:rules"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="rule-R1"' in body and "COUNTY 报表" in body
    # An operator reads the rules but is offered no way to change them.
    assert 'data-testid="rule-edit"' not in body and 'data-testid="rule-new"' not in body
    assert client.get(reverse("indicators:rule_create")).status_code == 403
    rule = ValidationRule.objects.get(code="R1")
    assert client.get(reverse("indicators:rule_edit", args=[rule.pk])).status_code == 403
    assert client.post(reverse("indicators:rule_active", args=[rule.pk])).status_code == 403


def test_the_side_checker_answers_as_typed(client, world, hq_admin):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    url = reverse("indicators:rule_check")
    good = client.get(
        url, {"side": "left", "left": "COLLECTIVE / POP", "system": world["system"].pk}
    )
    assert good.status_code == 200 and "村集体经济收入" in good.content.decode()
    bad = client.get(url, {"side": "right", "right": "NOSUCH"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="check-error"' in bad.content.decode()
    assert "NOSUCH" in bad.content.decode()


def test_create_and_edit_through_the_pages(client, world, hq_admin):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    assert client.get(reverse("indicators:rule_create")).status_code == 200
    data = {**FIELDS, "system": world["system"].pk}
    refused = client.post(reverse("indicators:rule_create"), {**data, "left": "NOSUCH"})
    assert refused.status_code == 400 and 'data-testid="field-error"' in refused.content.decode()
    assert client.post(reverse("indicators:rule_create"), data).status_code == 302
    rule = ValidationRule.objects.get(code="R3")
    edit = reverse("indicators:rule_edit", args=[rule.pk])
    form = client.get(edit)
    assert form.status_code == 200 and "村集体经济收入" in form.content.decode()
    seen = rule_fingerprint(rule)
    assert client.post(edit, {**data, "right": "1", "fingerprint": seen}).status_code == 302
    # The same form sent again was read before that change: 409, nothing overwritten.
    again = client.post(edit, {**data, "right": "2", "fingerprint": seen})
    assert again.status_code == 409
    # The form now shows the rule as it stands, with the fingerprint of that.
    body = again.content.decode()
    assert 'data-testid="form-error"' in body and 'name="right" id="id_right" value="1"' in body
    assert rule_fingerprint(ValidationRule.objects.get(code="R3")) in body
    rule.refresh_from_db()
    assert rule.right == "1"
    deactivate = client.post(
        reverse("indicators:rule_active", args=[rule.pk]),
        {"active": "0", "fingerprint": rule_fingerprint(rule)},
    )
    assert deactivate.status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active


def test_a_rule_stays_in_its_system(client, world, hq_admin):  # type: ignore[no-untyped-def]
    from baiqianwan.indicators.models import IndicatorSystem

    other = IndicatorSystem.objects.create(code="OTHER", name="另一体系", version="1")
    client.force_login(hq_admin)
    rule = ValidationRule.objects.get(code="R2")
    data = {**FIELDS, "code": "R2", "left": "GREEN", "right": "99", "system": other.pk}
    client.post(
        reverse("indicators:rule_edit", args=[rule.pk]),
        {**data, "fingerprint": rule_fingerprint(rule)},
    )
    rule.refresh_from_db()
    assert rule.system_id == world["system"].pk and rule.right == "99"
