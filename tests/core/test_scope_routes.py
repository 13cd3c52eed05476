"""Every URL pattern is checked for scope, so a new route cannot skip it.

Each route is requested as a 怀集县 operator with 德庆县's codes filled in (and as an anonymous
visitor). Anything under 德庆县 must answer 403 or 404, and no answer may contain 德庆's units.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from python_calamine import CalamineWorkbook

from baiqianwan.units.models import Unit
from tests.factories import DEQING

# Routes anyone may open: signing in and out, and the language switch.
PUBLIC = {"accounts:login", "accounts:logout", "set_language"}
# Routes that are not about units (no unit in their address) and need only a signed-in user.
UNIT_FREE = {
    "home",
    "units:browse",
    "units:search",
    "units:search_export",
    "audit:events",
    "audit:export",
    "audit:security",
    "audit:security_export",
    "api:openapi-json",
    "api:openapi-view",
    "api:units_list",
    "api:plans_list",
    "api:api-root",
    "accounts:password_change",
    "accounts:users",
    "intake:documents",
    "intake:new",
    "intake:documents_export",
    "accounts:users_export",
    "accounts:user_create",
    "plans:mine",
    "plans:mine_export",
    "plans:notices",
    "plans:notices_export",
    "notifications:list",
    "notifications:bell",
    "notifications:export",
    "api:notifications_list",
    "plans:import",
    "plans:departments",
    "plans:department_create",
    "plans:list",
    "plans:create",
    "plans:list_export",
    "indicators:exchange",
    "indicators:exchange_download",
    "indicators:exchange_upload",
    "indicators:exchange_confirm",
    "api:indicators_list",
    "api:datasets_list",
    "api:datavalues_list",
    "api:datavaluesets_export",
    "api:datavalues_write",
    "api:datavaluesets_import",
    "indicators:approvals",
    "indicators:decide",
    "indicators:lock",
    "indicators:status",
    "indicators:submit",
    "indicators:reporting",
    "indicators:lock_exceptions",
    "indicators:quality",
    "indicators:quality_export",
    "indicators:rules",
    "indicators:rule_create",
    "indicators:rule_check",
    "indicators:entry_home",
    "indicators:entry",
    "indicators:list",
    "indicators:list_export",
    "indicators:datasets",
    "indicators:workbook",
    "indicators:workbook_template",
    "indicators:workbook_upload",
    "evaluation:runs",
    "evaluation:run_create",
    "evaluation:schemes",
    "evaluation:scheme_create",
    "evaluation:scheme_ahp",
    "evaluation:scheme_indicators",
    "evaluation:compare",
    "evaluation:tracks",
    "cockpit:home",
    "cockpit:screen",
    "api:cockpit_summary",
    "api:cockpit_summary_xlsx",
    "api:cockpit_indicators",
    "api:cockpit_map_data",
    "api:cockpit_map_xlsx",
    "api:cockpit_trends",
    "api:cockpit_trends_xlsx",
    "api:cockpit_supervision",
    "api:cockpit_supervision_xlsx",
    "api:cockpit_overdue_xlsx",
    "api:cockpit_completeness",
    "api:cockpit_completeness_xlsx",
    "api:cockpit_rankings",
    "api:cockpit_rankings_xlsx",
    "briefings:list",
    "briefings:new",
    "briefings:templates",
    "briefings:template_shipped",
    "briefings:schedules",
}


def all_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from all_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern)


DEQING_USER = "deqing-operator"


# What a route's <int:pk> is, by the start of its address; the default is an intake document.
PK_KINDS = (
    ("indicators/submissions/", "submission"),
    ("indicators/lock-exceptions/", "lock_exception"),
    ("indicators/rules/", "rule"),
    ("indicators/uploads/", "upload"),
    ("plans/from-intake/", "document"),
    ("plans/tasks/", "task"),
    ("plans/assignments/", "assignment"),
    ("plans/reports/", "report"),
    ("plans/evidence/", "evidence"),
    ("plans/notices/", "notice"),
    ("plans/", "plan"),
    ("evaluation/schemes/", "scheme"),
    ("evaluation/runs/", "run"),
    ("briefings/notice/", "assignment"),
    ("briefings/templates/", "briefing_template"),
    ("briefings/schedules/", "briefing_schedule"),
    ("briefings/", "briefing_document"),
)


def deqing_pk(route: str) -> int:
    route = route.removeprefix("api/")
    for start, kind in PK_KINDS:
        if route.startswith(start):
            if kind in ("submission", "lock_exception"):
                return deqing_indicator_objects()[kind]
            if kind == "rule":
                return validation_rule_pk()
            if kind == "upload":
                return deqing_upload_pk()
            if kind in ("scheme", "run"):
                return deqing_evaluation_objects()[kind]
            if kind.startswith("briefing_"):
                return deqing_briefing_objects()[kind]
            return deqing_document_pk() if kind == "document" else deqing_plan_objects()[kind]
    return deqing_document_pk()


def fill(route: str, code: str) -> str:
    path = re.sub(r"<(?:\w+:)?code>", code, route)
    path = re.sub(r"<(?:\w+:)?username>", DEQING_USER, path)
    path = path.replace("<str:kind>", "briefing")
    if "<str:dataset>" in path:
        path = fill_indicators(path)
    if "pk>" in path:
        path = re.sub(r"<(?:int:)?pk>", str(deqing_pk(route)), path)
    path = path.lstrip("^").rstrip("$").replace("\\", "")
    assert "<" not in path and "(?P" not in path, (
        f"route {route!r} has a parameter this test does not know; add it to fill()"
    )
    return "/" + path


def fill_indicators(path: str) -> str:
    """A data set, period and indicator that exist, with a value of a 德庆 village stored, so a
    leak would show."""
    from baiqianwan.indicators.models import DataValue, Indicator, IndicatorSystem, Period
    from tests.indicators.factories import system_make

    if not IndicatorSystem.objects.filter(code="TEST").exists():
        system_make()
    village = Unit.objects.current().within("441226").filter(level="village").first()
    DataValue.objects.get_or_create(
        indicator=Indicator.objects.get(code="POP"),
        unit=village,
        period=Period.objects.get(code="2024"),
        defaults={"value": 4242, "source": "demo", "stored_at": datetime.now(UTC)},
    )
    path = path.replace("<str:dataset>", "VILLAGE").replace("<str:period>", "2024")
    return path.replace("<str:indicator>", "POP")


DEQING_CODE = re.compile(r"441226\d{6}")


def deqing_town_names() -> list[str]:
    return list(
        Unit.objects.current().within("441226").filter(level="town").values_list("name", flat=True)
    )


def response_text(response) -> str:
    """The text a user would see: a workbook's cells, a Word file's paragraphs, or the page."""
    if "wordprocessingml" in response["Content-Type"]:
        import docx

        return "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        return "\n".join(
            str(cell)
            for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python()
            for cell in row
        )
    return response.content.decode()


def validation_rule_pk() -> int:
    """A validation rule (the city's, in no county's area): only headquarters manages it."""
    from baiqianwan.indicators.models import IndicatorSystem, ValidationRule

    system, _ = IndicatorSystem.objects.get_or_create(
        code="SCOPE", defaults={"name": "范围测试", "version": "1"}
    )
    rule, _ = ValidationRule.objects.get_or_create(
        system=system,
        code="R",
        defaults={"name": "规则", "left": "1", "operator": "<=", "right": "2"},
    )
    return rule.pk


def deqing_document_pk() -> int:
    """A document taken in by 德庆县, created on first use."""
    from baiqianwan.intake.models import IntakeDocument
    from baiqianwan.intake.services import intake_create
    from baiqianwan.textclean.decode import DecodedText

    document = IntakeDocument.objects.filter(unit__code=DEQING).first()
    if document is None:
        from baiqianwan.accounts.models import User

        owner = User.objects.filter(home_unit__code=DEQING).first()
        if owner is None:
            from baiqianwan.accounts.services import user_create

            owner = user_create(
                username="deqing-writer",
                role="county_operator",
                unit_code=DEQING,
                password="Test-Passw0rd-2025",
            )
        document = intake_create(
            user=owner,
            decoded=DecodedText(
                text="德庆县工作方案\n一、加快推进德城街道建设。\n", encoding="utf-8", kind="paste"
            ),
            source_name="",
        )
    return document.pk


def deqing_upload_pk() -> int:
    """An Excel upload of 德庆县's villages (the tests' village data set), made on first use."""
    from baiqianwan.accounts.models import User
    from baiqianwan.indicators.models import DataSet, Period, Upload
    from tests.indicators.factories import system_make

    found = Upload.objects.filter(scope__code=DEQING).first()
    if found is not None:
        return found.pk
    if not DataSet.objects.filter(code="VILLAGE").exists():
        system_make()
    deqing_document_pk()  # makes sure 德庆县 has an account
    upload = Upload.objects.create(
        dataset=DataSet.objects.get(code="VILLAGE"),
        period=Period.objects.get(code="2024"),
        scope=Unit.objects.get(code=DEQING, valid_to__isnull=True),
        uploaded_by=User.objects.filter(home_unit__code=DEQING).first(),
        filename="德庆县填报.xlsx",
        sha256="0" * 64,
        state="previewed",
        summary={"new": 1, "changed": 0, "unchanged": 0, "cleared": 0, "units": 1},
        changes=[
            {
                "unit": "德庆县某村",
                "indicator": "户籍人口",
                "measure": "人",
                "old": None,
                "new": 1.0,
                "old_shown": "",
                "new_shown": "1",
            }
        ],
    )
    return upload.pk


def deqing_evaluation_objects() -> dict[str, int]:
    """德庆县's own town scheme and a finished run of it with one town's score."""
    from baiqianwan.evaluation.models import Run, RunScore, Scheme

    scheme = Scheme.objects.filter(unit__code=DEQING).first()
    if scheme is None:
        deqing = Unit.objects.get(code=DEQING, valid_to__isnull=True)
        scheme = Scheme.objects.create(
            code="DEQING", name="德庆县镇街评价", unit=deqing, level="town"
        )
        run = Run.objects.create(
            scheme=scheme, unit=deqing, periods=["2024"], source="approved", state="done"
        )
        town = Unit.objects.current().within("441226").filter(level="town").first()
        RunScore.objects.create(run=run, unit=town, period="2024", score=0.5, rank=1)
    return {"scheme": scheme.pk, "run": Run.objects.get(scheme=scheme).pk}


def deqing_briefing_objects() -> dict[str, int]:
    """德庆县's own generated briefing (with its files), its own Word template and schedule."""
    from django.core.files.base import ContentFile

    from baiqianwan.accounts.models import User
    from baiqianwan.briefings.models import Document, Schedule, Template

    deqing_document_pk()  # makes sure 德庆县 has an account
    owner = User.objects.filter(home_unit__code=DEQING).first()
    deqing = Unit.objects.get(code=DEQING, valid_to__isnull=True)
    document = Document.objects.filter(unit=deqing).first()
    if document is None:
        document = Document(
            kind="briefing",
            unit=deqing,
            period="2024",
            year=2024,
            sequence=1,
            number="德百千万办简〔2024〕1号",
            title="德庆县工作简报",
            state="done",
            created_by=owner,
        )
        document.docx.save("d.docx", ContentFile("PK 德庆".encode()), save=False)
        document.pdf.save("d.pdf", ContentFile("%PDF-1.4 德庆".encode()), save=False)
        document.preview.save("d.png", ContentFile(b"\x89PNG"), save=False)
        document.save()
    template = Template.objects.filter(unit=deqing).first()
    if template is None:
        template = Template(kind="briefing", unit=deqing, name="德庆.docx", size=2, sha256="0")
        template.file.save("t.docx", ContentFile(b"PK"), save=False)
        template.save()
    schedule, _ = Schedule.objects.get_or_create(
        kind="briefing", unit=deqing, defaults={"created_by": owner}
    )
    return {
        "briefing_document": document.pk,
        "briefing_template": template.pk,
        "briefing_schedule": schedule.pk,
    }


def deqing_plan_objects() -> dict[str, int]:
    """德庆县's own plan and task, and a headquarters plan's assignment to 德庆县 with a report,
    its evidence and a notice: the 怀集 operator sees that plan, never 德庆's part of it."""
    from datetime import date

    from django.core.files.base import ContentFile

    from baiqianwan.accounts.models import User
    from baiqianwan.plans.models import (
        Assignment,
        Evidence,
        Notice,
        Plan,
        Report,
        Task,
        TaskParty,
    )

    found = Plan.objects.filter(issuer__code=DEQING).first()
    if found is not None:
        hq_plan = Plan.objects.get(title="全市方案")
        assignment = Assignment.objects.get(task__plan=hq_plan, unit__code=DEQING)
        report = assignment.reports.get()
        return {
            "plan": found.pk,
            "task": found.tasks.get().pk,
            "assignment": assignment.pk,
            "report": report.pk,
            "evidence": report.evidence.get().pk,
            "notice": assignment.notices.get().pk,
        }
    deqing_document_pk()  # makes sure 德庆县 has an account
    owner = User.objects.filter(home_unit__code=DEQING).first()
    deqing, city = Unit.objects.get(code=DEQING), Unit.objects.get(code="441200000000")
    town = Unit.objects.current().within("441226").filter(level="town").first()
    plans = {}
    for title, issuer, units in (("德庆县方案", deqing, [town]), ("全市方案", city, [deqing])):
        plan = Plan.objects.create(
            title=title,
            issuer=issuer,
            year_start=2025,
            year_end=2025,
            status="issued",
            issued_on=date(2025, 1, 1),
            created_by=owner,
        )
        task = Task.objects.create(
            plan=plan, number="1", text="德庆县的任务", deadline=date(2025, 12, 31)
        )
        TaskParty.objects.create(task=task, role="lead", name=issuer.name, unit=issuer)
        for unit in units:
            Assignment.objects.create(task=task, unit=unit)
        plans[title] = plan
    huaiji = Unit.objects.get(code="441224000000")
    Assignment.objects.create(task=plans["全市方案"].tasks.get(), unit=huaiji)
    assignment = Assignment.objects.get(task__plan=plans["全市方案"], unit=deqing)
    report = Report.objects.create(
        assignment=assignment,
        cycle="2025-03",
        text="德庆县的进展",
        percent=50,
        status="on_track",
        submitted_on=date(2025, 3, 20),
        submitted_by=owner,
    )
    evidence = Evidence(report=report, name="德庆.pdf", content_type="application/pdf", size=8)
    evidence.sha256 = "0" * 64
    evidence.file.save("deqing.pdf", ContentFile(b"%PDF-1.4"), save=True)
    Notice.objects.create(
        issuer=city,
        year=2025,
        sequence=1,
        assignment=assignment,
        addressee=deqing,
        text="德庆县请于期限内回复",
        reply_by=date(2025, 4, 1),
        issued_on=date(2025, 3, 25),
    )
    return deqing_plan_objects()


def deqing_indicator_objects() -> dict[str, int]:
    """A 德庆 village's submission and lock exception (the test indicator system, made once)."""
    from datetime import date

    from baiqianwan.accounts.models import User
    from baiqianwan.indicators.models import DataSet, LockException, Period, Submission
    from tests.indicators.factories import system_make

    if not DataSet.objects.filter(code="VILLAGE").exists():
        system_make()
    dataset, period = DataSet.objects.get(code="VILLAGE"), Period.objects.get(code="2024")
    village = Unit.objects.current().within("441226").filter(level="village").first()
    submission, _ = Submission.objects.get_or_create(dataset=dataset, period=period, unit=village)
    exception = LockException.objects.filter(unit=village).first()
    if exception is None:
        deqing_document_pk()  # makes sure 德庆县 has an account
        exception = LockException.objects.create(
            dataset=dataset,
            period=period,
            unit=village,
            until=date(2099, 1, 1),
            reason="德庆的例外",
            granted_by=User.objects.filter(home_unit__code=DEQING).first(),
        )
    return {"submission": submission.pk, "lock_exception": exception.pk}


def deqing_units() -> list[str]:
    return [
        *list(Unit.objects.current().within("441226").values_list("code", flat=True)[:3]),
        DEQING,
    ]


@pytest.mark.django_db
def test_every_route_is_known_to_this_test():
    names = {name for name, _ in all_patterns()}
    unknown = {n for n in names if n and n not in PUBLIC | UNIT_FREE} - {
        n
        for n, route in all_patterns()
        if "code>" in route or "username>" in route or "pk>" in route
    }
    assert not unknown, f"new routes must be added to this test's lists: {sorted(unknown)}"


@pytest.mark.django_db
def test_every_unit_route_refuses_another_county(client, huaiji_operator, make_user):
    make_user(DEQING_USER, "county_operator", DEQING)
    client.force_login(huaiji_operator)
    checked = 0
    for name, route in all_patterns():
        if "code>" not in route and "username>" not in route and "pk>" not in route:
            continue
        for code in deqing_units():
            path = fill(route, code)
            for response in (client.get(path), client.post(path)):
                assert response.status_code in (403, 404, 405), (name, code, response.status_code)
                assert "德庆" not in response.content.decode(), (name, code)
                checked += 1
    assert checked >= 16
    # 怀集 shares the headquarters plan; it must not see 德庆's assignment in it either.
    assert client.get(f"/plans/assignments/{deqing_plan_objects()['assignment']}/").status_code in (
        403,
        404,
    )


@pytest.mark.django_db
def test_unit_free_routes_never_show_another_county(client, huaiji_operator):
    client.force_login(huaiji_operator)
    for name, route in all_patterns():
        if name not in UNIT_FREE:
            continue
        for query in ("", "?q=德庆", "?q=441226", f"?parent={DEQING}", "?level=town"):
            response = client.get(fill(route, "") + query, follow=True)
            assert response.status_code in (200, 400, 403, 404), (name, query)
            if response.status_code == 200:
                # The page may echo what was asked (search box, language form); not a leak.
                # Only the echo goes: a full 12-digit 德庆 code in the answer is still found.
                asked = query.partition("=")[2]
                body = re.sub(rf"(?<!\d){re.escape(asked)}(?!\d)", "", response_text(response))
                leaked = DEQING_CODE.search(body) or any(n in body for n in deqing_town_names())
                assert not leaked, (name, query)


@pytest.mark.django_db
def test_every_route_but_the_public_ones_needs_a_signed_in_user(client):
    for name, route in all_patterns():
        if name in PUBLIC:
            continue
        path = fill(route, DEQING)
        response = client.get(path)
        if response.status_code == 405 and path.startswith("/api/"):
            # django-ninja answers a method a route lacks before it asks who is calling; the
            # route's own method must still be refused to an anonymous caller.
            response = client.post(path)
        if path.startswith("/api/") and name not in ("api:openapi-view", "api:openapi-json"):
            expected = (401, 404) if name == "api:api-root" else (401,)
            assert response.status_code in expected, (name, response.status_code)
            assert response["Content-Type"] == "application/problem+json"
        else:
            assert response.status_code == 302, (name, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), name


@pytest.mark.django_db
def test_the_huaiji_operator_sees_huaiji(client, huaiji_operator):
    client.force_login(huaiji_operator)
    page = client.get("/units/441224000000/")
    assert page.status_code == 200
    assert "怀集县" in page.content.decode()
    assert client.get("/units/441224102000/").status_code == 200  # a town of 怀集
    assert client.get("/units/441200000000/").status_code == 404  # the city above
