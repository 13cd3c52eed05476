"""Bad input to an evaluation, each said plainly on the page: missing values, a constant
indicator, an inconsistent AHP matrix, unapproved data, a run killed mid-way, another
county's objects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from baiqianwan.evaluation.engine import EvaluationInputError
from baiqianwan.evaluation.jobs import run_job
from baiqianwan.evaluation.models import Run, RunScore, Scheme
from baiqianwan.evaluation.services import run_execute, run_fail, run_request, runs_reap
from baiqianwan.indicators.models import DataValue
from tests.evaluation.conftest import COUNTY_INDICATORS
from tests.evaluation.test_pages import _scheme_post

pytestmark = pytest.mark.django_db

GUANGNING, FENGKAI = "441223000000", "441225000000"


def _ask(client, scheme, periods, **extra):  # type: ignore[no-untyped-def]
    data = {"scheme": scheme.pk, "periods": periods, "source": "approved", **extra}
    return client.post(reverse("evaluation:run_create"), data)


def _page(client, run, tab=""):  # type: ignore[no-untyped-def]
    url = reverse("evaluation:run_detail", args=[run.pk]) + (f"?tab={tab}" if tab else "")
    return client.get(url).content.decode()


def test_missing_values_name_the_units_and_offer_the_rules(
    client, hq_admin, county_scheme, django_capture_on_commit_callbacks
):
    DataValue.objects.filter(
        unit__code__in=[GUANGNING, FENGKAI], indicator__code="C_ENGEL", period__code="2024"
    ).delete()
    client.force_login(hq_admin)
    with django_capture_on_commit_callbacks(execute=False):
        assert _ask(client, county_scheme, ["2024"]).status_code == 302
    run = Run.objects.get()
    with pytest.raises(EvaluationInputError):
        run_job.func(run.pk)
    page = _page(client, run)
    assert "失败" in page and "广宁县" in page and "封开县" in page
    assert 'data-testid="missing-offer"' in page
    assert "用其他单位的均值补齐" in page and "剔除这些单位" in page
    assert not RunScore.objects.filter(run=run).exists()
    # The scheme fills them with the mean: the run goes through, the units are marked.
    Scheme.objects.filter(pk=county_scheme.pk).update(missing="mean")
    county_scheme.refresh_from_db()
    run = run_execute(run_request(user=hq_admin, scheme=county_scheme, periods=["2024"]).pk)
    page = _page(client, run)
    assert page.count('data-testid="filled"') == 2
    assert "广宁县" in _page(client, run, "notes")


def test_a_constant_indicator_gets_weight_zero_and_the_page_says_so(
    client, hq_admin, county_scheme
):
    DataValue.objects.filter(indicator__code="C_GRAIN", period__code="2024").update(value=42)
    client.force_login(hq_admin)
    run = run_execute(
        run_request(user=hq_admin, scheme=county_scheme, periods=["2024"], enqueue=False).pk
    )
    assert run.summary["weights"]["2024"]["C_GRAIN"] == 0
    assert 'data-testid="constant"' in _page(client, run, "weights")
    assert "权重为 0" in _page(client, run, "notes")


def test_an_inconsistent_matrix_is_shown_refused_then_run_once_accepted(
    client, hq_admin, county_values
):
    client.force_login(hq_admin)
    codes = COUNTY_INDICATORS[:3]
    data = _scheme_post(weighting="ahp", ahp_over="indicators", indicator=codes)
    data.update(ahp_labels="\n".join(codes), ahp_0_1="9", ahp_0_2="1/9", ahp_1_2="9")
    # The form shows CR live …
    assert "不一致" in client.post(reverse("evaluation:scheme_ahp"), data).content.decode()
    assert client.post(reverse("evaluation:scheme_create"), data).status_code == 302
    scheme = Scheme.objects.get(code="ZQ_NEW")
    # Stored in the scheme's order, whatever order the judgements were typed in.
    order = [m.indicator.code for m in scheme.members.order_by("order")]
    first, third = order.index(codes[0]), order.index(codes[2])
    assert scheme.ahp_matrix[first][third] == pytest.approx(1 / 9)
    assert scheme.ahp_matrix[third][first] == pytest.approx(9)
    # … a run is refused while the matrix is not accepted …
    refused = _ask(client, scheme, ["2024"])
    assert refused.status_code == 400
    assert "判断矩阵不一致" in refused.content.decode()
    assert not Run.objects.exists()
    # … and goes through once it is, with its CR said on the weights tab.
    data.update(ahp_accept_inconsistent="on", version=str(scheme.version))
    edit = reverse("evaluation:scheme_edit", args=[scheme.pk])
    assert client.post(edit, data).status_code == 302
    scheme.refresh_from_db()
    run = run_execute(run_request(user=hq_admin, scheme=scheme, periods=["2024"], enqueue=False).pk)
    weights = _page(client, run, "weights")
    assert 'data-testid="ahp-cr"' in weights and "不一致" in weights


def test_unapproved_data_is_refused_naming_units_or_run_provisional(
    client, hq_admin, county_scheme, django_capture_on_commit_callbacks
):
    client.force_login(hq_admin)
    refused = _ask(client, county_scheme, ["2025"])
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "尚未审核通过" in body and "端州区" in body
    assert not Run.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        response = _ask(client, county_scheme, ["2025"], provisional="on")
    assert response.status_code == 302
    run = run_execute(Run.objects.get().pk)
    page = _page(client, run)
    assert 'data-testid="provisional-banner"' in page and "临时结果" in page
    assert "临时结果" in client.get(reverse("evaluation:runs")).content.decode()


def test_a_run_killed_mid_way_stores_nothing_and_says_why(client, hq_admin, county_scheme):
    client.force_login(hq_admin)
    run = run_request(user=hq_admin, scheme=county_scheme, periods=["2024"], enqueue=False)
    # What the job does with a failure: record it on the run, store nothing.
    with pytest.raises(RuntimeError) as stopped:
        run_execute(run.pk, fail_after="compute")
    run_fail(run_id=run.pk, error=stopped.value)
    page = _page(client, run)
    assert 'data-testid="run-error"' in page and "stopped after computing" in page
    assert "没有保存任何结果" in page
    assert not RunScore.objects.filter(run=run).exists()
    # A worker that died: the run is reaped as failed.
    stale = run_request(user=hq_admin, scheme=county_scheme, periods=["2024"], enqueue=False)
    Run.objects.filter(pk=stale.pk).update(
        state="running", started_at=timezone.now() - timedelta(hours=1)
    )
    assert runs_reap() == 1
    assert "运行中断" in _page(client, stale)
    # Its page alone reaps a run whose worker died.
    again = run_request(user=hq_admin, scheme=county_scheme, periods=["2024"], enqueue=False)
    Run.objects.filter(pk=again.pk).update(
        state="running", started_at=timezone.now() - timedelta(hours=1)
    )
    progress = client.get(reverse("evaluation:run_progress", args=[again.pk]))
    assert progress["HX-Refresh"] == "true"
    assert "运行中断" in _page(client, again)


def test_a_county_user_gets_404_for_another_countys_scheme_and_run(
    client, hq_admin, huaiji_operator, village_values
):
    from baiqianwan.evaluation.services import scheme_save
    from baiqianwan.units.models import Unit

    deqing = Unit.objects.get(code="441226000000", valid_to__isnull=True)
    scheme = scheme_save(
        user=hq_admin,
        fields={"code": "DQ_TOWN", "name": "德庆镇街", "level": "county", "unit": deqing},
        indicators=[{"code": "C_GDP_PER_CAPITA"}],
    )
    run = Run.objects.create(
        scheme=scheme, unit=deqing, periods=["2024"], source="approved", state="done"
    )
    client.force_login(huaiji_operator)
    for url in (
        reverse("evaluation:scheme_detail", args=[scheme.pk]),
        reverse("evaluation:scheme_edit", args=[scheme.pk]),
        reverse("evaluation:run_detail", args=[run.pk]),
        reverse("evaluation:run_progress", args=[run.pk]),
        reverse("evaluation:run_export", args=[run.pk]),
        reverse("evaluation:run_unit", args=[run.pk, "441226000000"]),
        reverse("evaluation:compare") + f"?a={run.pk}&b={run.pk}",
        reverse("evaluation:run_create") + f"?scheme={scheme.pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("evaluation:run_rerun", args=[run.pk])).status_code == 404
    assert "德庆" not in client.get(reverse("evaluation:schemes")).content.decode()


def _sheet(rows: list[list[object]], name: str = "2024") -> bytes:
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(name)
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def test_an_uploaded_sheet_runs_and_a_bad_one_names_the_cell(
    client, hq_admin, county_scheme, county_values, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    units, values = county_values
    header = ["单位", *COUNTY_INDICATORS]
    good = [header] + [[u.code, *values[1, i].tolist()] for i, u in enumerate(units)]
    client.force_login(hq_admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = _ask(
            client,
            county_scheme,
            ["2024"],
            source="upload",
            upload=SimpleUploadedFile("县域数据.xlsx", _sheet(good)),
        )
    assert response.status_code == 302
    run = run_execute(Run.objects.get().pk)
    assert RunScore.objects.filter(run=run).count() == 8
    assert "县域数据.xlsx" in _page(client, run)
    bad = [*good[:3], ["没有这个县", *values[1, 0].tolist()]]
    refused = _ask(
        client,
        county_scheme,
        ["2024"],
        source="upload",
        upload=SimpleUploadedFile("县域数据.xlsx", _sheet(bad)),
    )
    assert refused.status_code == 400
    assert "A4" in refused.content.decode() and "没有这个县" in refused.content.decode()
    missing = _ask(client, county_scheme, ["2024"], source="upload")
    assert missing.status_code == 400


def _form_error(response) -> str:  # type: ignore[no-untyped-def]
    import re

    found = re.search(r'data-testid="form-error">(.*?)</div>', response.content.decode(), re.S)
    assert found, response.content.decode()
    return found.group(1)


def test_the_scheme_form_says_what_the_options_lack(client, hq_admin, county_values):
    from baiqianwan.indicators.models import Indicator

    def name(code: str) -> str:
        return Indicator.objects.get(code=code).name

    client.force_login(hq_admin)
    url = reverse("evaluation:scheme_create")
    given = client.post(url, _scheme_post(weighting="given", weight_C_URBANISATION="2"))
    assert given.status_code == 400
    error = _form_error(given)
    assert "缺少给定权重" in error and name("C_GDP_PER_CAPITA") in error
    assert name("C_URBANISATION") not in error
    coupling = client.post(url, _scheme_post(coupling="on", indicator=["C_GDP_PER_CAPITA"]))
    assert coupling.status_code == 400 and "两个子系统" in _form_error(coupling)
    below = client.post(url, _scheme_post(unit="441224000000"))
    assert below.status_code == 400 and "下级" in _form_error(below)
    assert not Scheme.objects.exists()
