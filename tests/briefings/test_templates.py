"""An office's own template: accepted when it renders against the sample data, refused with
the tag or the reason named otherwise."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baiqianwan.briefings.choices import Kind
from baiqianwan.briefings.content import briefing_content
from baiqianwan.briefings.models import Template
from baiqianwan.briefings.samples import sample_context
from baiqianwan.briefings.services import document_request, template_active, template_upload
from baiqianwan.briefings.word import shipped_template
from baiqianwan.core.problems import InputError
from baiqianwan.indicators.models import CollectionWindow, DataSet, Period
from baiqianwan.units.models import Unit
from tests.factories import ZHAOQING

pytestmark = pytest.mark.django_db


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(user, data: bytes, name: str = "我的简报.docx", kind: str = Kind.BRIEFING):  # type: ignore[no-untyped-def]
    return template_upload(
        user=user, kind=kind, unit=user.home_unit, upload=SimpleUploadedFile(name, data)
    )


def test_an_edited_template_is_accepted_and_used_for_the_area(hq_admin):
    template = _upload(hq_admin, _docx("{{ organ }}", "{{ title }}", "{{ summary }}"))
    city = Unit.objects.get(code=ZHAOQING, valid_to__isnull=True)
    assert template_active(kind=Kind.BRIEFING, unit=city) == template
    document = document_request(
        user=hq_admin, kind=Kind.BRIEFING, unit=city, period="2024", enqueue=False
    )
    assert document.template == template


def test_a_template_with_a_broken_tag_is_refused_naming_the_tag(hq_admin):
    with pytest.raises(InputError) as refused:
        _upload(hq_admin, _docx("{{ title }}", "{% for r in ranking.rows %}{{ r.name }"))
    assert "broken tag" in refused.value.message
    assert "{% for r in ranking.rows %}" in refused.value.message
    assert not Template.objects.exists()


def test_a_template_referring_to_data_that_does_not_exist_is_refused(hq_admin):
    with pytest.raises(InputError) as refused:
        _upload(hq_admin, _docx("{{ title }}", "本期GDP：{{ ranking.gdp_total }}"))
    assert "gdp_total" in refused.value.message
    assert "{{ ranking.gdp_total }}" in refused.value.message


def test_a_huge_template_is_refused(hq_admin, settings):
    settings.BRIEFINGS_TEMPLATE_MAX_MB = 1
    with pytest.raises(InputError, match=r"大.docx is 1\.\d MB; a template may be at most 1 MB"):
        _upload(hq_admin, b"PK" + b"\0" * (1024 * 1024 + 10), name="大.docx")


def test_a_template_that_unpacks_far_beyond_its_size_is_refused(hq_admin, settings):
    settings.BRIEFINGS_TEMPLATE_MAX_MB = 1
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w/>" * 3_000_000)
    with pytest.raises(InputError, match="unpacks to more than 10 MB"):
        _upload(hq_admin, packed.getvalue(), name="bomb.docx")


def test_a_docm_or_a_docx_with_macros_is_refused(hq_admin):
    with pytest.raises(InputError, match="holds macros"):
        _upload(hq_admin, _docx("{{ title }}"), name="宏.docm")
    packed = io.BytesIO(_docx("{{ title }}"))
    with zipfile.ZipFile(packed, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\0macro")
    with pytest.raises(InputError, match=r"renamed\.docx holds macros"):
        _upload(hq_admin, packed.getvalue(), name="renamed.docx")
    with pytest.raises(InputError, match=r"not a \.docx file"):
        _upload(hq_admin, b"MZ\x90\x00 a program", name="program.docx")


def test_the_shipped_templates_render_against_their_samples():
    from baiqianwan.briefings.word import docx_render

    for kind in Kind.values:
        assert docx_render(shipped_template(kind), sample_context(kind), {}, kind)[:2] == b"PK"


def _keys(value, prefix: str = "") -> set[str]:  # type: ignore[no-untyped-def]
    keys: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            keys.add(prefix + key)
            keys |= _keys(item, f"{prefix}{key}.")
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        keys |= _keys(value[0], prefix + "[].")
    return keys


def test_the_sample_data_has_the_names_the_real_content_has(county_run, issued_plan, hq_admin):
    city = Unit.objects.get(code=ZHAOQING, valid_to__isnull=True)
    CollectionWindow.objects.create(
        dataset=DataSet.objects.get(code="ZQ_COUNTY_Y"),
        period=Period.objects.get(code="2024"),
        opens_on=date(2025, 1, 1),
        closes_on=date(2025, 3, 31),
    )
    context, _charts = briefing_content(
        user=hq_admin, unit=city, period="2024", number="x", issue="y"
    )
    assert _keys(context) == _keys(sample_context(Kind.BRIEFING))
