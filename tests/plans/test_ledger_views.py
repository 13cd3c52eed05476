"""The ledger pages: 「生成计划」 on the intake page, the import page, matching names, the export;
each refusing what lies outside the user's area."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan.intake.ledger import LedgerPlan, LedgerRow, ledger_workbook
from baiqianwan.intake.models import IntakeDocument
from baiqianwan.plans.departments import ZHAOQING_DEPARTMENTS, departments_load, departments_read
from baiqianwan.plans.models import Department, Plan, TaskParty
from baiqianwan.textclean.report import Span
from tests.factories import DEQING, HUAIJI, ZHAOQING
from tests.plans.factories import unit


@pytest.fixture(autouse=True)
def departments(db, client):  # type: ignore[no-untyped-def]
    """The register's departments, and the pages in English so the tests read their words
    (one test reads the Chinese)."""
    departments_load(rows=departments_read(ZHAOQING_DEPARTMENTS.read_bytes()), actor="tests")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def ledger_file(rows) -> bytes:  # type: ignore[no-untyped-def]
    return ledger_workbook(
        plan=LedgerPlan(title="怀集县2025年重点任务", issuer="怀集县百千万工程指挥部办公室"),
        rows=[
            LedgerRow(
                category="一、县城",
                number=number,
                task=task,
                lead=lead,
                partners=partners,
                deadline=deadline,
                progress="",
                targets=(),
                places=(),
                source=Span(0, 0),
            )
            for number, task, lead, partners, deadline in rows
        ],
    )


ROWS = [
    ("1", "县城扩容提质", ("怀城街道",), ("有关部门", "县城管局"), "2025年底前"),
    ("2", "镇村风貌提升", ("各镇（街道）",), ("有关部门",), "尽快"),
    ("3", "特色产业", (), (), "长期坚持"),
]


def upload(client, data, name="台账.xlsx", **fields):  # type: ignore[no-untyped-def]
    payload = {"year_start": "2025", "year_end": "2025", "title": "", **fields}
    payload["upload"] = io.BytesIO(data)
    payload["upload"].name = name
    return client.post("/plans/import/", payload)


def test_importing_a_workbook_makes_a_draft_and_lists_what_to_match(client, huaiji_operator):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    assert client.get("/plans/import/").status_code == 200
    response = upload(client, ledger_file(ROWS), document_number="怀百千万〔2025〕1号")
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/parties/"
    assert (plan.issuer.code, plan.title, plan.document_number) == (
        HUAIJI,
        "怀集县2025年重点任务",
        "怀百千万〔2025〕1号",
    )
    assert plan.tasks.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="unmatched-name"') == 2
    assert "有关部门" in page and "县城管局" in page
    assert '<td class="small">4, 5</td>' in page  # 有关部门: tasks 1 and 2, sheet rows 4 and 5
    assert 'data-testid="leadless"' in page and "特色产业" in page
    assert 'data-testid="flagged"' in page and "“尽快”" in page


def test_a_name_is_matched_everywhere_it_is_written(client, huaiji_operator):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    upload(client, ledger_file(ROWS))
    plan = Plan.objects.get()
    finance = Department.objects.get(name="市财政局")
    url = f"/plans/{plan.pk}/parties/"
    response = client.post(url, {"name": "有关部门", "choice": f"department:{finance.pk}"})
    assert response.status_code == 302
    assert set(TaskParty.objects.filter(name="有关部门").values_list("department", flat=True)) == {
        finance.pk
    }
    # A new department on the fly, under the plan's issuer.
    response = client.post(url, {"name": "县城管局", "new": "县城市管理和综合执法局"})
    assert response.status_code == 302
    party = TaskParty.objects.get(name="县城管局")
    assert party.department.name == "县城市管理和综合执法局"
    assert party.department.unit.code == HUAIJI
    page = client.get(url).content.decode()
    assert 'data-testid="all-matched"' in page


def test_a_bad_choice_keeps_the_page_with_a_message(client, huaiji_operator):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    upload(client, ledger_file(ROWS))
    plan = Plan.objects.get()
    url = f"/plans/{plan.pk}/parties/"
    response = client.post(url, {"name": "有关部门", "choice": ""})
    assert response.status_code == 400
    assert "Choose a unit or a department." in response.content.decode()
    response = client.post(url, {"name": "无此名称", "choice": f"unit:{unit(HUAIJI).pk}"})
    assert response.status_code == 400
    assert "No unmatched unit of this plan is written 无此名称" in response.content.decode()
    assert TaskParty.objects.filter(name="有关部门", department__isnull=True).count() == 2


def test_a_bad_file_is_refused_with_its_place_and_nothing_is_made(client, huaiji_operator):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    duplicate = [ROWS[0], ("1", "重复序号", ("怀城街道",), (), "2025年底前")]
    response = upload(client, ledger_file(duplicate))
    assert response.status_code == 400
    assert (
        "任务台账 row 5: number 1 is used already by 任务台账 row 4." in response.content.decode()
    )
    response = upload(client, b"not a workbook", name="x.xlsx")
    assert (
        response.status_code == 400
        and "x.xlsx cannot be read as a workbook" in response.content.decode()
    )
    response = upload(client, ledger_file(ROWS), year_start="1999")
    assert response.status_code == 400 and "1999 is not a year" in response.content.decode()
    assert not Plan.objects.exists()


def test_readers_may_not_import(client, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("leader", "leader", ZHAOQING))
    assert client.get("/plans/import/").status_code == 403
    assert client.get("/plans/departments/").status_code == 403


@pytest.fixture
def taken_in(client, hq_admin, sample_document):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    return sample_document


def test_the_intake_page_makes_a_plan_from_its_ledger(client, taken_in):  # type: ignore[no-untyped-def]
    page = client.get(f"/intake/{taken_in.pk}/").content.decode()
    assert f'action="/plans/from-intake/{taken_in.pk}/"' in page
    response = client.post(f"/plans/from-intake/{taken_in.pk}/")
    plan = Plan.objects.get()
    assert response["Location"] == f"/plans/{plan.pk}/parties/"
    assert plan.source_document_id == taken_in.pk
    assert plan.tasks.count() == taken_in.task_count
    # A second click shows the draft made already, not a second plan.
    again = client.post(f"/plans/from-intake/{taken_in.pk}/")
    assert again["Location"] == f"/plans/{plan.pk}/parties/" and Plan.objects.count() == 1
    assert client.get(f"/plans/from-intake/{taken_in.pk}/").status_code == 405


def test_the_button_shows_only_to_plan_managers(client, taken_in, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("leader", "leader", ZHAOQING))
    page = client.get(f"/intake/{taken_in.pk}/").content.decode()
    assert "/plans/from-intake/" not in page
    assert client.post(f"/plans/from-intake/{taken_in.pk}/").status_code == 403
    assert not Plan.objects.exists()


def test_the_plan_downloads_as_its_ledger(client, huaiji_operator):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    upload(client, ledger_file(ROWS))
    plan = Plan.objects.get()
    response = client.get(f"/plans/{plan.pk}/ledger.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name("任务台账").to_python()
    assert [str(r[1]) for r in rows[3:6]] == ["1", "2", "3"]
    assert rows[4][3] == "各镇（街道）"


def test_a_deqing_document_or_plan_is_not_found_for_huaiji(
    client, hq_admin, huaiji_operator, make_user
):  # type: ignore[no-untyped-def]
    deqing = make_user("deqing", "county_operator", DEQING)
    client.force_login(deqing)
    upload(client, ledger_file(ROWS[:1]))
    plan = Plan.objects.get()
    document = IntakeDocument.objects.create(
        title="德庆文本",
        unit=unit(DEQING),
        created_by=deqing,
        source_kind="paste",
        encoding="utf-8",
        original="x",
        clean_text="x",
        report={},
        draft={},
        ledger={},
    )
    department = Department.objects.create(unit=unit(DEQING), name="德庆县农业农村局")
    client.force_login(huaiji_operator)
    for path in (f"/plans/{plan.pk}/parties/", f"/plans/{plan.pk}/ledger.xlsx"):
        assert client.get(path).status_code == 404
    assert (
        client.post(f"/plans/{plan.pk}/parties/", {"name": "有关部门", "new": "x"}).status_code
        == 404
    )
    assert client.post(f"/plans/from-intake/{document.pk}/").status_code == 404
    response = client.post(
        "/plans/departments/", {"department": department.pk, "aliases": "x", "is_active": "on"}
    )
    assert response.status_code == 404
    assert Plan.objects.count() == 1 and not Department.objects.filter(name="x").exists()
    page = client.get("/plans/departments/").content.decode()
    assert "德庆" not in page and "市农业农村局" not in page


def test_departments_are_listed_edited_deactivated_and_added(client, hq_admin):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    page = client.get("/plans/departments/").content.decode()
    assert page.count('data-testid="department"') == Department.objects.count() > 30
    forestry = Department.objects.get(name="市林业局")
    version = forestry.updated_at.isoformat()
    response = client.post(
        "/plans/departments/",
        {"department": forestry.pk, "version": version, "aliases": "肇庆市林业局、林业部门"},
    )
    assert response.status_code == 302
    forestry.refresh_from_db()
    assert (forestry.aliases, forestry.is_active) == (["林业部门", "肇庆市林业局"], False)
    stale = client.post(
        "/plans/departments/",
        {"department": forestry.pk, "version": version, "aliases": "", "is_active": "on"},
    )
    assert stale.status_code == 409 and "Someone else changed" in stale.content.decode()
    forestry.refresh_from_db()
    assert forestry.aliases == ["林业部门", "肇庆市林业局"]
    response = client.post(
        "/plans/departments/new/", {"unit": HUAIJI, "name": "怀集县林业局", "aliases": "县林业局"}
    )
    assert response.status_code == 302
    assert Department.objects.get(name="怀集县林业局").aliases == ["县林业局"]
    again = client.post("/plans/departments/new/", {"unit": HUAIJI, "name": "怀集县林业局"})
    assert again.status_code == 400 and "already has a department" in again.content.decode()
    export = client.get("/plans/departments/?format=xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    cells = [c for r in book.get_sheet_by_name(book.sheet_names[0]).to_python() for c in r]
    assert "怀集县林业局" in cells and "市农业农村局" in cells


def test_the_pages_speak_chinese_by_default(client, huaiji_operator):  # type: ignore[no-untyped-def]
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    client.force_login(huaiji_operator)
    assert "导入台账" in client.get("/plans/import/").content.decode()
    response = upload(client, ledger_file(ROWS))
    page = client.get(response["Location"]).content.decode()
    assert "待匹配的单位" in page and "没有牵头单位的任务" in page and "待核对的完成时限" in page
    bad = upload(client, ledger_file([ROWS[0], ROWS[0]]))
    assert "任务台账 第 5 行：序号 1 与任务台账 第 4 行重复。" in bad.content.decode()


def test_no_english_is_left_on_the_chinese_pages(client, hq_admin):  # type: ignore[no-untyped-def]
    from tests.core.test_pages import LATIN_ALLOWED, visible_words

    client.force_login(hq_admin)
    del client.defaults["HTTP_ACCEPT_LANGUAGE"]
    response = upload(client, ledger_file(ROWS))
    paths = [
        "/plans/import/",
        response["Location"],
        "/plans/departments/",
        "/plans/departments/new/",
    ]
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200
        assert visible_words(page.content.decode(), LATIN_ALLOWED | {"hq"}) == set(), path
    refused = upload(client, b"x", name="x.xlsx")
    assert refused.status_code == 400
    assert visible_words(refused.content.decode(), LATIN_ALLOWED | {"hq", "xlsx"}) == set()
