"""Reporting and review, through the pages: a county reports with evidence, headquarters
accepts or returns, and every bad input is refused with nothing half-written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from baiqianwan.audit.models import AuditEvent
from baiqianwan.core.storage import private_storage
from baiqianwan.plans.choices import Light, ReviewState
from baiqianwan.plans.models import Assignment, Evidence, Report
from baiqianwan.plans.services import plan_close
from tests.factories import DEQING, HUAIJI, ZHAOQING
from tests.plans.reporting import county_assignment, exe, issued_plan, pdf, png
from tests.plans.test_evidence import PDF, png_bytes


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_FILES_DIR)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def report_post(client, assignment, **fields):  # type: ignore[no-untyped-def]
    data = {"text": "已完成选址并开工建设。", "percent": "60", "status": "on_track", **fields}
    return client.post(
        f"/plans/assignments/{assignment.pk}/report/", data, HTTP_ACCEPT_LANGUAGE="en"
    )


def review_post(client, report, decision, comment="", version=None):  # type: ignore[no-untyped-def]
    data = {
        "decision": decision,
        "comment": comment,
        "version": report.version if version is None else version,
    }
    return client.post(f"/plans/reports/{report.pk}/review/", data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def plan(hq_admin):  # type: ignore[no-untyped-def]
    return issued_plan(actor=hq_admin)


@pytest.mark.django_db
def test_a_county_reports_with_a_picture_and_a_pdf_and_headquarters_accepts(
    client, plan, huaiji_operator, hq_admin
):
    assignment = county_assignment(plan)
    client.force_login(huaiji_operator)
    response = report_post(client, assignment, files=[png(), pdf()])
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.percent, report.status, report.state) == (60, "on_track", ReviewState.SUBMITTED)
    assert report.submitted_by == huaiji_operator
    files = list(report.evidence.order_by("id"))
    assert [(e.name, e.content_type) for e in files] == [
        ("现场照片.png", "image/png"),
        ("验收报告.pdf", "application/pdf"),
    ]
    assert files[0].sha256 == hashlib.sha256(png_bytes()).hexdigest()
    assert files[1].size == len(PDF)
    # Stored under a random name with the detected extension, in the private directory only.
    assert len(stored_files()) == 2
    assert files[0].file.name.startswith("evidence/") and files[0].file.name.endswith(".png")
    assert "现场照片" not in files[0].file.name
    assignment.refresh_from_db()
    assert assignment.last_report_on is not None and assignment.last_cycle == report.cycle
    event = AuditEvent.objects.get(action="report")
    assert (event.object_type, event.object_id, event.unit_code) == (
        "plans.report",
        str(report.pk),
        HUAIJI,
    )
    # The page shows the report, its files and no review form to the county itself.
    page = client.get(f"/plans/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert "现场照片.png" in body and "验收报告.pdf" in body
    assert 'data-testid="review-form"' not in body
    picture = client.get(f"/plans/evidence/{files[0].pk}/")
    assert picture.status_code == 200
    assert b"".join(picture.streaming_content) == png_bytes()
    assert picture["Content-Type"] == "image/png"
    assert picture["X-Content-Type-Options"] == "nosniff"
    assert picture["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''%E7%8E%B0" in picture["Content-Disposition"]
    assert AuditEvent.objects.filter(action="download", object_repr="现场照片.png").exists()

    client.force_login(hq_admin)
    page = client.get(f"/plans/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="review-form"' in page.content.decode()
    assert review_post(client, report, "accept").status_code == 302
    report.refresh_from_db()
    assignment.refresh_from_db()
    assert report.state == ReviewState.ACCEPTED and report.reviewed_by == hq_admin
    assert report.version == 2
    assert float(assignment.progress) == 60.0 and assignment.done_on is None
    assert AuditEvent.objects.get(action="accept").unit_code == HUAIJI


@pytest.mark.django_db
def test_a_report_of_100_percent_accepted_makes_the_assignment_done(
    client, plan, huaiji_operator, hq_admin
):
    assignment = county_assignment(plan)
    client.force_login(huaiji_operator)
    report_post(client, assignment, percent="100", status="done")
    client.force_login(hq_admin)
    review_post(client, Report.objects.get(), "accept")
    assignment.refresh_from_db()
    assert assignment.done_on is not None and assignment.light == Light.DONE


@pytest.mark.django_db
def test_returned_twice_turns_red_and_a_return_needs_a_comment(
    client, plan, huaiji_operator, hq_admin
):
    assignment = county_assignment(plan)
    for round_ in (1, 2):
        client.force_login(huaiji_operator)
        assert report_post(client, assignment, text=f"第{round_}次报送").status_code == 302
        report = Report.objects.order_by("-id").first()
        client.force_login(hq_admin)
        refused = review_post(client, report, "return", comment="  ")
        assert refused.status_code == 400
        assert "a comment is required" in refused.content.decode()
        assert review_post(client, report, "return", comment="佐证材料不足").status_code == 302
        assignment.refresh_from_db()
        assert assignment.returns == round_
    assert assignment.light == Light.RED
    assert assignment.light_why == "Returned 2 times"
    assert list(Report.objects.values_list("state", flat=True)) == ["returned", "returned"]
    page = client.get(f"/plans/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.content.decode().count("佐证材料不足") >= 2
    # Accepting the next report starts the count again.
    client.force_login(huaiji_operator)
    report_post(client, assignment, text="第3次报送")
    client.force_login(hq_admin)
    review_post(client, Report.objects.order_by("-id").first(), "accept")
    assignment.refresh_from_db()
    assert (assignment.returns, assignment.light) == (0, Light.GREEN)


@pytest.mark.django_db
def test_two_reviewers_at_once_the_second_gets_409_and_keeps_the_comment(
    client, plan, huaiji_operator, hq_admin, make_user
):
    assignment = county_assignment(plan)
    client.force_login(huaiji_operator)
    report_post(client, assignment)
    report = Report.objects.get()
    version = report.version
    other = make_user("hq2", "hq_admin", ZHAOQING)
    client.force_login(hq_admin)
    assert review_post(client, report, "accept", version=version).status_code == 302
    client.force_login(other)
    response = review_post(client, report, "return", comment="请补充现场照片", version=version)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else reviewed this report meanwhile" in body
    assert "请补充现场照片" in body
    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == (ReviewState.ACCEPTED, hq_admin)
    assert not AuditEvent.objects.filter(action="return").exists()
    assignment.refresh_from_db()
    assert assignment.returns == 0 and float(assignment.progress) == 60.0


@pytest.mark.django_db
@pytest.mark.parametrize("percent", ["101", "-1", "abc", "", "NaN"])
def test_a_percent_outside_0_to_100_is_refused_naming_the_field(
    client, plan, huaiji_operator, percent
):
    client.force_login(huaiji_operator)
    response = report_post(client, county_assignment(plan), percent=percent, files=[png()])
    assert response.status_code == 400
    body = response.content.decode()
    assert "The percent complete must be a number from 0 to 100." in body
    assert 'data-field="percent"' in body
    assert "已完成选址并开工建设。" in body  # what was typed stays in the form
    assert not Report.objects.exists() and not stored_files()


@pytest.mark.django_db
def test_the_percent_error_reads_in_chinese(client, plan, huaiji_operator):
    client.force_login(huaiji_operator)
    response = client.post(
        f"/plans/assignments/{county_assignment(plan).pk}/report/",
        {"text": "进展", "percent": "101", "status": "on_track"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "完成进度须为 0 到 100 之间的数字。" in response.content.decode()


@pytest.mark.django_db
def test_the_percent_keeps_one_decimal(client, plan, huaiji_operator):
    client.force_login(huaiji_operator)
    report_post(client, county_assignment(plan), percent="33.36")
    assert str(Report.objects.get().percent) == "33.4"


@pytest.mark.django_db
def test_text_and_status_are_required(client, plan, huaiji_operator):
    client.force_login(huaiji_operator)
    assignment = county_assignment(plan)
    response = report_post(client, assignment, text="   ")
    assert response.status_code == 400
    assert 'data-field="text"' in response.content.decode()
    response = report_post(client, assignment, status="great")
    assert response.status_code == 400
    assert 'data-field="status"' in response.content.decode()
    response = report_post(client, assignment, cycle="2099-01")
    assert response.status_code == 400
    assert "2099-01 has not begun" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_report_on_a_closed_plan_is_refused(client, plan, huaiji_operator, hq_admin):
    plan_close(actor=hq_admin, plan=plan, version=plan.version, today=plan.issued_on)
    client.force_login(huaiji_operator)
    response = report_post(client, county_assignment(plan), files=[png()])
    assert response.status_code == 400
    assert "The plan is closed" in response.content.decode()
    assert not Report.objects.exists() and not stored_files()


@pytest.mark.django_db
def test_a_program_named_png_is_refused_and_nothing_is_stored(client, plan, huaiji_operator):
    client.force_login(huaiji_operator)
    # The good picture comes first: it is not stored either.
    response = report_post(client, county_assignment(plan), files=[png(), exe("照片.png")])
    assert response.status_code == 400
    body = response.content.decode()
    assert "照片.png is refused" in body and "a program" in body
    assert 'data-field="files"' in body
    assert not Report.objects.exists() and not Evidence.objects.exists()
    assert not stored_files()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(client, plan, huaiji_operator, settings):
    settings.PLANS_EVIDENCE_MAX_MB = 1
    client.force_login(huaiji_operator)
    big = pdf("大文件.pdf", padding=1024 * 1024)
    response = report_post(client, county_assignment(plan), files=[big])
    assert response.status_code == 400
    assert "大文件.pdf is refused: it is 1.0 MB; a file may be at most 1.0 MB" in (
        response.content.decode()
    )
    assert not Report.objects.exists() and not stored_files()


@pytest.mark.django_db
def test_too_many_files_are_refused(client, plan, huaiji_operator, settings):
    settings.PLANS_EVIDENCE_MAX_FILES = 2
    client.force_login(huaiji_operator)
    response = report_post(client, county_assignment(plan), files=[png(), png(), png()])
    assert response.status_code == 400
    assert "At most 2 files go with one report." in response.content.decode()
    assert not stored_files()


@pytest.mark.django_db
def test_a_failure_after_the_files_were_written_takes_them_back(
    client, plan, huaiji_operator, monkeypatch
):
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    monkeypatch.setattr("baiqianwan.plans.flows.lights_refresh", broken)
    client.raise_request_exception = True
    client.force_login(huaiji_operator)
    with pytest.raises(RuntimeError):
        report_post(client, county_assignment(plan), files=[png(), pdf()])
    assert not Report.objects.exists() and not stored_files()


@pytest.mark.django_db
def test_an_operator_reporting_for_another_county_gets_404_and_a_security_event(
    client, plan, huaiji_operator, hq_admin
):
    deqing = county_assignment(plan, DEQING)
    client.force_login(huaiji_operator)
    response = report_post(client, deqing, files=[png()])
    assert response.status_code == 404
    assert "德庆" not in response.content.decode()
    event = AuditEvent.objects.get(action="out_of_scope")
    assert event.changes["unit"] == DEQING
    assert event.changes["permission"] == "plans.report"
    assert event.actor == huaiji_operator
    assert not Report.objects.exists() and not stored_files()
    for path in (
        f"/plans/assignments/{deqing.pk}/",
        f"/plans/assignments/{deqing.pk}/split/",
    ):
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404


@pytest.mark.django_db
def test_evidence_outside_the_area_is_404(client, plan, make_user, huaiji_operator):
    deqing_operator = make_user("deqing", "county_operator", DEQING)
    client.force_login(deqing_operator)
    report_post(client, county_assignment(plan, DEQING), files=[pdf()])
    evidence = Evidence.objects.get()
    assert client.get(f"/plans/evidence/{evidence.pk}/").status_code == 200
    client.force_login(huaiji_operator)
    assert client.get(f"/plans/evidence/{evidence.pk}/").status_code == 404
    assert client.post(f"/plans/evidence/{evidence.pk}/").status_code == 404
    report = Report.objects.get()
    assert review_post(client, report, "accept").status_code == 404
    assert client.get(f"/plans/evidence/{evidence.pk + 1000}/").status_code == 404
    assert AuditEvent.objects.filter(action="out_of_scope").count() == 3


@pytest.mark.django_db
def test_evil_file_names_come_out_safe(client, plan, huaiji_operator):
    client.force_login(huaiji_operator)
    evil = ["../../etc/passwd", "a\r\nX-Injected: 1.pdf", '..\\..\\"boot".ini']
    files = [png(evil[0]), pdf(evil[1]), pdf(evil[2])]
    assert report_post(client, county_assignment(plan), files=files).status_code == 302
    static_root = Path(settings.STATIC_ROOT).resolve()
    for evidence in Evidence.objects.order_by("id"):
        assert "/" not in evidence.name and "\\" not in evidence.name
        assert "\r" not in evidence.name and "\n" not in evidence.name
        assert not evidence.name.startswith(".")
        path = Path(private_storage.path(evidence.file.name)).resolve()
        assert path.is_relative_to(Path(settings.PRIVATE_FILES_DIR).resolve())
        assert not path.is_relative_to(static_root)
        response = client.get(f"/plans/evidence/{evidence.pk}/")
        disposition = response["Content-Disposition"]
        assert "\r" not in disposition and "\n" not in disposition
        assert "/" not in disposition.split("filename=")[1].split(";")[0]
        assert "X-Injected" not in "".join(
            f"{k}{v}" for k, v in response.items() if k != "Content-Disposition"
        )
    names = list(Evidence.objects.order_by("id").values_list("name", flat=True))
    assert names[0] == "passwd.png"
    assert names[1].endswith(".pdf") and names[2].endswith(".pdf")
    # Evidence files have no public address at all.
    with pytest.raises(ValueError):
        private_storage.url(Evidence.objects.first().file.name)


@pytest.mark.django_db
def test_the_private_directory_is_not_under_the_static_root():
    from baiqianwan import settings as project

    private = Path(project.PRIVATE_FILES_DIR).resolve()
    assert not private.is_relative_to(Path(project.STATIC_ROOT).resolve())


@pytest.mark.django_db
def test_a_county_does_not_review_its_own_report(client, plan, huaiji_operator):
    client.force_login(huaiji_operator)
    assignment = county_assignment(plan)
    report_post(client, assignment)
    report = Report.objects.get()
    page = client.get(f"/plans/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="review-form"' not in page.content.decode()
    assert review_post(client, report, "accept").status_code == 403
    report.refresh_from_db()
    assert report.state == ReviewState.SUBMITTED


@pytest.mark.django_db
def test_the_older_of_two_waiting_reports_is_not_reviewed(client, plan, huaiji_operator, hq_admin):
    assignment = county_assignment(plan)
    client.force_login(huaiji_operator)
    report_post(client, assignment, text="初报")
    report_post(client, assignment, text="更正", percent="65")
    older, newer = Report.objects.order_by("id")
    client.force_login(hq_admin)
    response = review_post(client, older, "accept")
    assert response.status_code == 400
    assert "A newer report was submitted" in response.content.decode()
    page = client.get(f"/plans/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "superseded by a newer report" in page.content.decode()
    assert f"/plans/reports/{newer.pk}/review/" in page.content.decode()
    assert review_post(client, newer, "accept").status_code == 302
    assignment.refresh_from_db()
    assert float(assignment.progress) == 65.0


@pytest.mark.django_db
def test_a_county_splits_to_towns_which_report_and_the_county_reviews(
    client, plan, huaiji_operator, make_user
):
    assignment = county_assignment(plan)
    towns = list(
        assignment.unit.children.filter(valid_to__isnull=True, level="town").order_by("code")[:3]
    )
    client.force_login(huaiji_operator)
    page = client.get(f"/plans/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        page.content.decode().count('name="units"')
        == assignment.unit.children.filter(valid_to__isnull=True, level="town").count()
    )
    bad = client.post(
        f"/plans/assignments/{assignment.pk}/split/",
        {"units": [towns[0].pk], "deadline": "2025-13-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    assert "The deadline must be a date" in bad.content.decode()
    response = client.post(
        f"/plans/assignments/{assignment.pk}/split/",
        {"units": [towns[0].pk, towns[1].pk], f"weight_{towns[0].pk}": "3"},
    )
    assert response.status_code == 302
    first, second = Assignment.objects.filter(parent=assignment).order_by("unit__code")
    assert (first.weight, second.weight) == (3, 1)
    # The county no longer reports itself; its towns do, and the county reviews them.
    refused = report_post(client, assignment)
    assert refused.status_code == 400
    assert "This assignment is split" in refused.content.decode()
    town_operator = make_user("town", "town_operator", towns[0].code)
    client.force_login(town_operator)
    assert report_post(client, first, percent="40").status_code == 302
    client.force_login(huaiji_operator)
    assert review_post(client, Report.objects.get(), "accept").status_code == 302
    assignment.refresh_from_db()
    assert float(assignment.progress) == 30.0  # (3 × 40 + 1 × 0) / 4
    # A unit from elsewhere is not split to.
    elsewhere = client.post(
        f"/plans/assignments/{assignment.pk}/split/",
        {"units": [county_assignment(plan, DEQING).unit.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert elsewhere.status_code == 400
    assert "Choose units from the list." in elsewhere.content.decode()


@pytest.mark.django_db
def test_a_leader_reads_but_does_not_report(client, plan, make_user):
    leader = make_user("leader", "leader", HUAIJI)
    client.force_login(leader)
    assignment = county_assignment(plan)
    page = client.get(f"/plans/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'data-testid="report-form"' not in page.content.decode()
    assert report_post(client, assignment).status_code == 403


@pytest.mark.django_db
def test_the_htmx_form_answers_with_itself_on_an_error_and_redirects_on_success(
    client, plan, huaiji_operator
):
    client.force_login(huaiji_operator)
    assignment = county_assignment(plan)
    url = f"/plans/assignments/{assignment.pk}/report/"
    data = {"text": "进展说明", "percent": "150", "status": "on_track"}
    response = client.post(url, data, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert body.lstrip().startswith("<form") and "<html" not in body
    assert "进展说明" in body and 'value="150"' in body
    response = client.post(url, {**data, "percent": "50"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/plans/assignments/{assignment.pk}/"


@pytest.mark.django_db
def test_the_page_shows_history_and_notices(client, plan, huaiji_operator, hq_admin):
    from baiqianwan.plans.models import Notice

    assignment = county_assignment(plan)
    client.force_login(huaiji_operator)
    report_post(client, assignment)
    Notice.objects.create(
        issuer=plan.issuer,
        year=2025,
        sequence=7,
        assignment=assignment,
        addressee=assignment.unit,
        text="请加快进度",
        reply_by=plan.issued_on,
        issued_on=plan.issued_on,
    )
    client.force_login(hq_admin)
    body = client.get(
        f"/plans/assignments/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "督办〔2025〕7号" in body
    history = body.split('data-testid="history"')[1]
    assert "Reported" in history and "huaiji" in history


def _page_queries(client, assignment, django_assert_max_num_queries, limit):  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(limit):
        response = client.get(f"/plans/assignments/{assignment.pk}/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_assignment_page_costs_the_same_queries_for_1_or_8_reports(
    client, plan, huaiji_operator, hq_admin, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assignment = county_assignment(plan)
    client.force_login(huaiji_operator)
    report_post(client, assignment, files=[png()])
    client.force_login(hq_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/plans/assignments/{assignment.pk}/").status_code == 200
        return len(queries)

    few = count()
    client.force_login(huaiji_operator)
    for n in range(7):
        report_post(client, assignment, text=f"第{n}次", files=[png(), pdf()])
    client.force_login(hq_admin)
    assert count() == few
    _page_queries(client, assignment, django_assert_max_num_queries, 20)


@pytest.mark.django_db
def test_reviewers_hear_of_a_report_and_the_unit_of_a_return(
    client, plan, huaiji_operator, hq_admin, make_user
):
    from baiqianwan.notifications.models import Notification

    leader = make_user("city-leader", "leader", ZHAOQING)
    assignment = county_assignment(plan)
    client.force_login(huaiji_operator)
    report_post(client, assignment, percent="45")
    waiting = Notification.objects.get(kind="review")
    assert waiting.user == hq_admin
    assert waiting.url == f"/plans/assignments/{assignment.pk}/"
    assert waiting.title == "怀集县 reported on task 1: 45.0%"
    assert not Notification.objects.filter(user__in=[huaiji_operator, leader]).exists()
    client.force_login(hq_admin)
    review_post(client, Report.objects.get(), "return", comment="请补充佐证材料")
    returned = Notification.objects.get(kind="returned")
    assert returned.user == huaiji_operator
    assert returned.body == "请补充佐证材料"
    assert returned.unit_code == HUAIJI
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_a_towns_report_is_for_its_county_not_headquarters(
    client, plan, huaiji_operator, hq_admin, make_user
):
    from baiqianwan.notifications.models import Notification
    from baiqianwan.plans.services import assignment_split

    county = county_assignment(plan)
    town = county.unit.children.filter(valid_to__isnull=True, level="town").first()
    (town_assignment,) = assignment_split(
        actor=huaiji_operator, assignment=county, units=[town], today=plan.issued_on
    )
    client.force_login(make_user("town", "town_operator", town.code))
    report_post(client, town_assignment)
    assert list(Notification.objects.values_list("user__username", "kind")) == [
        ("huaiji", "review")
    ]


@pytest.mark.django_db
def test_the_level_above_finds_the_report_form_folded_away(client, plan, huaiji_operator, hq_admin):
    assignment = county_assignment(plan)
    url = f"/plans/assignments/{assignment.pk}/"
    client.force_login(huaiji_operator)
    own = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="report-form"' in own and "report-on-behalf" not in own
    client.force_login(hq_admin)
    above = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="report-on-behalf"' in above
    assert "Report on behalf of 怀集县" in above


def test_only_the_report_route_takes_requests_over_10_mb():
    from baiqianwan.core.middleware import _size_limit

    assert _size_limit("/plans/assignments/5/report/") == (5 * 20 + 1) * 1024 * 1024
    assert _size_limit("/intake/new/") == 10 * 1024 * 1024
    assert _size_limit("/plans/assignments/5/report/more") == 10 * 1024 * 1024
    assert _size_limit("/plans/assignments/5/split/") == 10 * 1024 * 1024


@pytest.mark.django_db
def test_an_evidence_file_of_11_mb_is_taken(client, plan, huaiji_operator):
    client.force_login(huaiji_operator)
    big = pdf("航拍图.pdf", padding=11 * 1024 * 1024)
    assert report_post(client, county_assignment(plan), files=[big]).status_code == 302
    assert Evidence.objects.get().size == len(PDF) + 11 * 1024 * 1024
    assert stored_files()[0].stat().st_size == len(PDF) + 11 * 1024 * 1024
