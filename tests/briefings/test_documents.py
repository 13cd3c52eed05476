"""Each document in both formats, from the real data of the other apps; a period with no
data; the preview; versions and numbers."""

from __future__ import annotations

import io
import re

import docx
import pytest
from PIL import Image

from baiqianwan.briefings.choices import DocumentState, Kind
from baiqianwan.briefings.models import Document
from baiqianwan.briefings.services import document_generate, document_request
from baiqianwan.plans.models import Assignment
from baiqianwan.units.models import Unit
from tests.briefings.helpers import pdf_fonts, pdf_pngs, pdf_text
from tests.factories import HUAIJI, ZHAOQING

pytestmark = pytest.mark.django_db


def _city() -> Unit:
    return Unit.objects.get(code=ZHAOQING, valid_to__isnull=True)


def _written(user, kind: str, period: str = "2024", **extra) -> Document:  # type: ignore[no-untyped-def]
    document = document_request(
        user=user, kind=kind, unit=extra.pop("unit", _city()), period=period, enqueue=False, **extra
    )
    return document_generate(document.pk)


def _docx_text(document: Document) -> str:
    word = docx.Document(io.BytesIO(document.docx.open("rb").read()))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def test_the_briefing_in_word_and_pdf(county_run, issued_plan, hq_admin, tmp_path):
    document = _written(hq_admin, Kind.BRIEFING, period="2024")
    assert document.state == DocumentState.DONE
    assert document.number == "肇百千万办简〔2024〕1号"
    names = [s.unit.name for s in county_run.scores.filter(period="2024").order_by("rank")]
    word = _docx_text(document)
    assert "百千万工程工作简报" in word and "2024年第1期" in word
    assert names[0] in word and "怀集县" in word
    pdf = document.pdf.open("rb").read()
    text = pdf_text(pdf)
    for words in ("百千万工程工作简报", "三、综合评价情况", "逾期任务清单", names[0]):
        assert words in text
    assert re.search(r"—\s*1\s*—", text)
    # Every font is embedded; the CJK body font is one of the free fonts the project installs.
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded for _name, embedded in fonts)
    assert any("NotoSerifCJK" in name or "WenQuanYi" in name for name, _ in fonts)
    pages = pdf_pngs(pdf, tmp_path)
    assert len(pages) == document.pages >= 3
    # A chart page is a picture with colour in it, not a blank page.
    assert any(len(Image.open(page).convert("RGB").getcolors(1 << 20) or []) > 50 for page in pages)
    preview = Image.open(io.BytesIO(document.preview.open("rb").read()))
    assert preview.size[0] > 300 and preview.size[1] > preview.size[0]


def test_the_ranking_notice_in_word_and_pdf(county_run, hq_admin):
    document = _written(hq_admin, Kind.RANKING)
    last = county_run.scores.filter(period="2024").order_by("-rank").first()
    text = re.sub(r"\s+", "", pdf_text(document.pdf.open("rb").read()))
    assert "指挥部办公室文件" in text
    assert "肇百千万办通〔2024〕1号" in text and last.unit.name in text
    assert "二、排名情况" in _docx_text(document)
    assert document.gaps == []


def test_a_supervision_notice_from_the_task_page(client, issued_plan, hq_admin):
    red = Assignment.objects.filter(task__plan=issued_plan, unit__code=HUAIJI).first()
    client.force_login(hq_admin)
    page = client.get(f"/plans/tasks/{red.task_id}/")
    assert f"/briefings/notice/{red.pk}/" in page.content.decode()
    response = client.post(f"/briefings/notice/{red.pk}/")
    document = Document.objects.get(kind=Kind.NOTICE)
    assert response.status_code == 302 and response["Location"] == f"/briefings/{document.pk}/"
    document = document_generate(document.pk)
    text = re.sub(r"\s+", "", pdf_text(document.pdf.open("rb").read()))
    assert "督办通知单" in text and "怀集县：" in text and "逾期" in text
    assert "怀集县" in _docx_text(document) and "测试方案" in _docx_text(document)


def test_a_period_with_no_data_says_so_instead_of_failing(hq_admin):
    document = _written(hq_admin, Kind.BRIEFING, period="2030Q2")
    assert document.state == DocumentState.DONE
    assert "暂无已完成的综合评价。" in document.gaps
    text = re.sub(r"\s+", "", pdf_text(document.pdf.open("rb").read()))
    assert "2030年第二季度" in text and "暂无可供通报" in text
    assert "2030年度暂无已报送的县级指标数据" in _docx_text(document)


def test_writing_again_makes_the_next_version_and_number(county_run, hq_admin):
    first = document_request(
        user=hq_admin, kind=Kind.RANKING, unit=_city(), period="2024", enqueue=False
    )
    second = document_request(
        user=hq_admin, kind=Kind.RANKING, unit=_city(), period="2024", enqueue=False
    )
    assert (first.version, second.version) == (1, 2)
    assert second.number.endswith("〔2024〕2号")


def test_demo_data_is_marked_in_the_document(county_run, hq_admin):
    county_run.__class__.objects.filter(pk=county_run.pk).update(is_demo=True)
    document = _written(hq_admin, Kind.RANKING)
    assert document.is_demo
    assert "演示数据" in pdf_text(document.pdf.open("rb").read())
