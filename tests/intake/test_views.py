"""The intake pages through the real stack: paste or upload, review, edit, download."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan.audit.models import AuditEvent
from baiqianwan.intake.models import IntakeDocument
from tests.factories import HUAIJI, ZHAOQING, shared_path

PINYIN = "(jù)"


@pytest.fixture
def sample() -> str:
    return shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")


@pytest.fixture
def taken_in(client, hq_admin, sample):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    response = client.post("/intake/new/", {"text": sample})
    assert response.status_code == 302
    return IntakeDocument.objects.get()


@pytest.mark.django_db
def test_a_pasted_sample_is_cleaned_drafted_and_kept(client, taken_in, sample):
    document = taken_in
    assert document.original == sample
    assert PINYIN not in document.clean_text and "據" not in document.clean_text
    assert document.report["counts"]["lost_characters"] == 4  # two byte slips read back
    assert document.unit.code == ZHAOQING
    page = client.get(f"/intake/{document.pk}/").content.decode()
    assert "抓住风貌这个基础" in document.clean_text
    for lever in ("风貌", "产业", "县城", "改革"):
        assert f"{lever}：" in page
    assert "2025 三年初见成效" in page
    assert 'class="chg chg-annotation"' in page and 'class="chg chg-conversion"' in page
    assert (
        "proposal, to be confirmed"
        in client.get(f"/intake/{document.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert AuditEvent.objects.filter(action="create", object_type="intake.intakedocument").exists()


@pytest.mark.django_db
def test_the_ledger_downloads_as_excel_and_json(client, taken_in):
    document = taken_in
    xlsx = client.get(f"/intake/{document.pk}/ledger.xlsx")
    assert xlsx.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    rows = book.get_sheet_by_name("任务台账").to_python()
    assert rows[2][:7] == [
        "大类",
        "序号",
        "工作任务",
        "牵头单位",
        "配合单位",
        "完成时限",
        "落实进展",
    ]
    assert len(rows) - 3 == len(document.ledger["rows"]) > 0
    download = client.get(f"/intake/{document.pk}/ledger.json")
    assert download["Content-Disposition"].startswith('attachment; filename="export.json"; ')
    assert "filename*=UTF-8''%E8%82%87%E5%BA%86" in download["Content-Disposition"]  # 肇庆…
    data = json.loads(download.content)
    assert data["schema"] == "baiqianwan.ledger/1"
    assert data["rows"] == document.ledger["rows"]


def edit_post(document, rows, version):
    data = {
        "version": str(version),
        "rows-total": str(len(rows)),
        "plan-title": "方案",
        "plan-issuer": "肇庆市指挥部",
    }
    for index, row in enumerate(rows):
        for key in ("category", "task", "deadline"):
            data[f"rows-{index}-{key}"] = row.get(key, "")
        data[f"rows-{index}-lead"] = "、".join(row.get("lead", []))
        data[f"rows-{index}-partners"] = "，".join(row.get("partners", []))
        data[f"rows-{index}-carried"] = json.dumps({"source": {"start": 1, "end": 5}})
        if row.get("delete"):
            data[f"rows-{index}-delete"] = "1"
    return data


@pytest.mark.django_db
def test_editing_the_ledger_saves_renumbers_and_is_audited(client, taken_in):
    document = taken_in
    rows = [dict(r) for r in document.ledger["rows"][:3]]
    rows[0]["lead"] = ["市农业农村局"]
    rows[0]["partners"] = ["各县（市、区）人民政府", "市财政局"]
    rows[1]["delete"] = True
    rows.append({"category": "新增", "task": "建立月调度机制", "deadline": "2025年12月底前"})
    response = client.post(f"/intake/{document.pk}/", edit_post(document, rows, document.version))
    assert response.status_code == 302
    document.refresh_from_db()
    saved = document.ledger["rows"]
    assert [r["number"] for r in saved] == ["1", "2", "3"]
    assert saved[0]["lead"] == ["市农业农村局"]
    assert saved[0]["partners"] == ["各县（市、区）人民政府", "市财政局"]
    assert saved[2]["task"] == "建立月调度机制" and saved[2]["deadline"] == "2025年12月底前"
    assert document.ledger["plan"]["issuer"] == "肇庆市指挥部"
    assert document.version == 2
    event = AuditEvent.objects.filter(action="update", object_type="intake.intakedocument").get()
    assert "row 1" in event.changes


@pytest.mark.django_db
def test_a_stale_edit_is_refused_and_nothing_is_saved(client, taken_in):
    document = taken_in
    rows = [dict(r) for r in document.ledger["rows"][:2]]
    assert client.post(f"/intake/{document.pk}/", edit_post(document, rows, 1)).status_code == 302
    before = IntakeDocument.objects.get().ledger
    rows[0]["task"] = "另一人的修改"
    response = client.post(
        f"/intake/{document.pk}/", edit_post(document, rows, 1), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert "Someone else saved this ledger" in response.content.decode()
    assert "另一人的修改" in response.content.decode()  # what was typed stays on the page
    assert IntakeDocument.objects.get().ledger == before


@pytest.mark.django_db
def test_an_empty_task_names_its_row(client, taken_in):
    document = taken_in
    rows = [dict(r) for r in document.ledger["rows"][:2]]
    rows[1]["task"] = " "
    response = client.post(f"/intake/{document.pk}/", edit_post(document, rows, 1))
    assert response.status_code == 400
    assert "第 2 行：工作任务为空。请填写，或删除该行。" in response.content.decode()
    assert IntakeDocument.objects.get().version == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("empty.txt", b"   \n", "The text is empty."),
        ("image.txt", bytes(range(256)) * 4, "binary data"),
        ("plan.pdf", b"%PDF-1.4", "use .txt, .docx or .html"),
        ("broken.docx", b"PK\x03\x04 not really", "cannot be read"),
        ("huge.txt", b"a" * (4 * 1024 * 1024 + 10), "too large"),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_kept(
    client, hq_admin, name, payload, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(hq_admin)
    response = client.post(
        "/intake/new/", {"upload": SimpleUploadedFile(name, payload)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IntakeDocument.objects.exists()


@pytest.mark.django_db
def test_a_gb18030_file_says_which_encoding_was_used(client, hq_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(hq_admin)
    text = "肇庆市工作方案\n一、加快推进典型镇村培育建设。\n"
    response = client.post(
        "/intake/new/", {"upload": SimpleUploadedFile("plan.txt", text.encode("gb18030"))}
    )
    assert response.status_code == 302
    assert IntakeDocument.objects.get().encoding == "gb18030"


@pytest.mark.django_db
def test_a_fifty_megabyte_paste_is_refused_with_a_message(client, hq_admin):
    client.force_login(hq_admin)
    response = client.post(
        "/intake/new/", {"text": "字" * (50 * 1024 * 1024 // 3)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert "larger than 10 MB, so nothing of it was read" in response.content.decode()
    assert not IntakeDocument.objects.exists()


@pytest.mark.django_db
def test_paste_or_file_but_not_neither(client, hq_admin):
    client.force_login(hq_admin)
    response = client.post("/intake/new/", {"text": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "one of the two" in response.content.decode()


@pytest.mark.django_db
def test_readers_read_but_do_not_write(client, taken_in, make_user):
    leader = make_user("leader", "leader", ZHAOQING)
    client.force_login(leader)
    document = taken_in
    assert client.get(f"/intake/{document.pk}/").status_code == 200
    assert client.post("/intake/new/", {"text": "一、加快推进。"}).status_code == 403
    rows = document.ledger["rows"][:1]
    assert client.post(f"/intake/{document.pk}/", edit_post(document, rows, 1)).status_code == 403


@pytest.mark.django_db
def test_a_county_sees_its_own_documents_only(client, taken_in, huaiji_operator):
    client.force_login(huaiji_operator)
    assert client.get(f"/intake/{taken_in.pk}/").status_code == 404  # the city's document
    response = client.post("/intake/new/", {"text": "怀集县工作方案\n一、加快推进县城建设。\n"})
    assert response.status_code == 302
    mine = IntakeDocument.objects.get(unit__code=HUAIJI)
    listing = client.get("/intake/").content.decode()
    assert mine.title in listing and taken_in.title not in listing


@pytest.mark.django_db
def test_a_tampered_row_is_refused_not_a_crash(client, taken_in):
    document = taken_in
    data = edit_post(document, [dict(r) for r in document.ledger["rows"][:2]], 1)
    data["rows-1-carried"] = "{not json"
    response = client.post(f"/intake/{document.pk}/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Row 2: the drafted columns were damaged." in response.content.decode()
    assert IntakeDocument.objects.get().version == 1


@pytest.mark.django_db
def test_the_list_of_documents_exports_to_excel(client, taken_in):
    response = client.get("/intake/documents.xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[1][0] == taken_in.title and rows[1][6] == len(taken_in.ledger["rows"])


@pytest.mark.django_db
def test_only_posted_rows_are_read_and_no_more_than_a_ledger_holds(client, taken_in):
    document = taken_in
    claims_a_million = edit_post(document, [dict(r) for r in document.ledger["rows"][:2]], 1)
    claims_a_million["rows-total"] = "1000000000000"
    assert client.post(f"/intake/{document.pk}/", claims_a_million).status_code == 302
    assert len(IntakeDocument.objects.get().ledger["rows"]) == 2
    too_many = edit_post(document, [{"task": f"任务{i}"} for i in range(2001)], 2)
    response = client.post(f"/intake/{document.pk}/", too_many, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "A ledger holds at most 2000 tasks; this one has 2001." in response.content.decode()
    assert IntakeDocument.objects.get().version == 2
    chinese = client.post(f"/intake/{document.pk}/", too_many).content.decode()
    assert "台账最多 2000 项任务，这份有 2001 项。未保存任何内容" in chinese
    assert 'name="rows-2000-task"' in chinese and ">任务2000</textarea>" in chinese  # kept


@pytest.mark.django_db
def test_the_upload_help_speaks_the_readers_language(client, hq_admin):
    client.force_login(hq_admin)
    assert "up to 4 MB" in client.get("/intake/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "不超过 4 MB" in client.get("/intake/new/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "carried",
    [
        '{"source": {"start": Infinity, "end": 0}}',
        '{"source": {"start": -5, "end": 99999999999999999999999}}',
        "[" * 200_000,
        '{"targets": [1, 2]}',
        '{"evil": "x"}',
    ],
)
def test_tampered_drafted_columns_are_refused(client, taken_in, carried):
    document = taken_in
    data = edit_post(document, [dict(r) for r in document.ledger["rows"][:1]], 1)
    data["rows-0-carried"] = carried
    response = client.post(f"/intake/{document.pk}/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Row 1: the drafted columns were damaged." in response.content.decode()
    assert IntakeDocument.objects.get().version == 1


@pytest.mark.django_db
def test_an_edit_keeps_the_drafted_targets_places_and_source(client, taken_in):
    document = taken_in
    with_places = next(i for i, r in enumerate(document.ledger["rows"]) if r["places"])
    rows = [dict(r) for r in document.ledger["rows"]]
    data = edit_post(document, rows, 1)
    for index, row in enumerate(rows):
        data[f"rows-{index}-carried"] = json.dumps(
            {key: row[key] for key in ("targets", "places", "source")}, ensure_ascii=False
        )
    assert client.post(f"/intake/{document.pk}/", data).status_code == 302
    saved = IntakeDocument.objects.get().ledger["rows"]
    before = document.ledger["rows"]
    for key in ("targets", "places", "source"):
        assert [r[key] for r in saved] == [r[key] for r in before]
    assert saved[with_places]["places"] == before[with_places]["places"] != []


@pytest.mark.django_db
def test_the_separated_administrators_read_no_programme_data(client, taken_in, make_user):
    expected_home = {
        "audit_admin": "/audit/",
        "security_admin": "/accounts/users/",
        "system_admin": "/accounts/users/",
    }
    for role, home in expected_home.items():
        client.force_login(make_user(role, role, ZHAOQING))
        assert client.get("/")["Location"] == home
        for path in (
            f"/units/{ZHAOQING}/",
            "/units/search/?q=怀集",
            "/intake/",
            f"/intake/{taken_in.pk}/",
            f"/intake/{taken_in.pk}/ledger.json",
        ):
            assert client.get(path).status_code == 403, (role, path)
        assert client.get("/api/units").status_code == 403


@pytest.mark.django_db
def test_a_place_name_two_units_share_keeps_both_codes(client, hq_admin):
    from django.db.models import Count

    from baiqianwan.units.models import Unit

    client.force_login(hq_admin)
    shared = (
        Unit.objects.current()
        .filter(level="town", code__startswith="4412")
        .values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name")
        .first()
    )
    assert shared is not None, "Zhaoqing has town names used twice (e.g. 回龙镇)"
    name = shared["name"]
    response = client.post("/intake/new/", {"text": f"某方案\n一、加快推进{name}建设。\n"})
    assert response.status_code == 302
    draft = IntakeDocument.objects.get().draft
    places = [
        p
        for item in draft["items"]
        for child in [item, *item["children"]]
        for p in child.get("places", [])
    ]
    codes = set(Unit.objects.current().filter(name=name).values_list("code", flat=True))
    assert any(set(p["codes"]) == codes for p in places), places


def _docx_with_body(body: bytes) -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(
                item, body if item.filename == "word/document.xml" else source.read(item)
            )
    return out.getvalue()


def _docx_bomb() -> bytes:
    """A small .docx whose body declares more bytes than are taken in (zeros, deflated)."""
    from baiqianwan.textclean.decode import MAX_DOCX_BODY

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        chunk = bytes(1024 * 1024)
        for start in range(0, MAX_DOCX_BODY + 1, len(chunk)):
            member.write(chunk[: MAX_DOCX_BODY + 1 - start])
    return buffer.getvalue()


# (case, upload name or None for a paste, content, Chinese detail, English detail)
REFUSALS = [
    (
        "empty",
        "blank.txt",
        b" \n\t\n",
        "没有正文：输入为空，或只有空格和换行。",
        "There is no text: the input is empty or holds only spaces and line breaks.",
    ),
    (
        "furniture only",
        None,
        "分享到 微信\n我要评论",
        "去掉页面杂项（分享提示、评论计数、页面工具等）后，正文什么也不剩。",
        "Nothing is left of the text once page furniture (share prompts, comment counters, "
        "page tools and the like) is removed.",
    ),
    (
        "binary",
        "plan.txt",
        b"plan" + b"\x00\x01" * 100,
        "第 4 个字节（从 0 数起）是控制字节 0x00，文本中不会有：这是二进制文件。",
        "Byte 4 (counting from 0) is the control byte 0x00, which no text holds: this is a "
        "binary file.",
    ),
    (
        "byte-order mark",
        "plan.txt",
        b"\xef\xbb\xbf" + "肇庆".encode() + b"\xff",
        "文本以 UTF-8 字节顺序标记开头，但第 9 个字节（从 0 数起）不是 UTF-8。",
        "The text starts with a UTF-8 byte-order mark, but byte 9 (counting from 0) is not UTF-8.",
    ),
    (
        "unknown encoding",
        "plan.txt",
        b"plan " + b"\x81\x30" * 5 + b"\x81",
        "编码 UTF-8、UTF-16、GB18030、Big5 都无法读取；第 5 个字节（从 0 数起）是第一个不符合 "
        "UTF-8 的字节。",
        "None of the encodings UTF-8, UTF-16, GB18030, Big5 reads it; byte 5 (counting from 0) "
        "is the first that is not UTF-8.",
    ),
    (
        "too many bytes",
        "huge.txt",
        b"a" * (4 * 1024 * 1024 + 10),
        "文件有 4,194,314 字节，最多只收 4,194,304 字节。",
        "The file is 4,194,314 bytes; at most 4,194,304 bytes are taken in.",
    ),
    (
        "too many characters",
        None,
        "a" * 2_000_001,
        "文本有 2,000,001 个字符，最多只收 2,000,000 个字符。",
        "The text is 2,000,001 characters long; at most 2,000,000 characters are taken in.",
    ),
    (
        "unsupported type",
        "plan.pdf",
        b"%PDF-1.7",
        "文件类型是 .pdf；只读取 .txt、.docx、.html 和 .htm 文件。",
        "The file's type is .pdf; only .txt, .docx, .html and .htm files are read.",
    ),
    (
        "not an archive",
        "broken.docx",
        b"PK\x03\x04 not really",
        "这个 .docx 文件不是有效的压缩包，而 .docx 文件都是压缩包。"
        "请用文字处理软件重新另存为 .docx。",
        "This .docx file is not a valid archive, which every .docx file is. Save it again as "
        ".docx from the word processor.",
    ),
    (
        "malformed body",
        "broken.docx",
        lambda: _docx_with_body(b"this is not XML <w:"),
        "这个 .docx 文件的正文部分格式有误。",
        "The document body of this .docx file is malformed.",
    ),
    (
        "unpacks too large",
        "bomb.docx",
        _docx_bomb,
        "这个 .docx 文件解压后有 20,971,521 字节（其中正文 20,971,521 字节），最多只收 "
        "52,428,800 字节（正文 20,971,520 字节）。",
        "This .docx file unpacks to 20,971,521 bytes (20,971,521 of them text); at most "
        "52,428,800 bytes (20,971,520 of text) are taken in.",
    ),
]


def refusal_post(client, name, content, language):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = content() if callable(content) else content
    assert isinstance(content, bytes if name else str)
    data = {"upload": SimpleUploadedFile(name, content)} if name else {"text": content}
    return client.post("/intake/new/", data, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "name", "content", "chinese", "english"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_the_detail_of_a_refusal_is_in_the_readers_language_with_its_values(
    client, hq_admin, case, name, content, chinese, english
):
    from tests.core.test_pages import LATIN_ALLOWED, visible_words

    client.force_login(hq_admin)
    response = refusal_post(client, name, content, "zh-hans")
    assert response.status_code == 400
    page = response.content.decode()
    detail = re.search(r'data-testid="intake-detail">(.*?)</p>', page, re.S)
    assert detail is not None, case
    assert "详细信息" in detail.group(1) and chinese in html.unescape(detail.group(1))
    # Encoding names and the file type the reader uploaded are data, not English.
    # What the reader pasted comes back in the text area.
    pasted = set(re.findall(r"[A-Za-z]{2,}", content)) if isinstance(content, str) else set()
    allowed = LATIN_ALLOWED | pasted | {hq_admin.username, "GB", "Big", "pdf"}
    assert not visible_words(page, allowed)
    response = refusal_post(client, name, content, "en")
    assert response.status_code == 400
    detail = re.search(r'data-testid="intake-detail">(.*?)</p>', response.content.decode(), re.S)
    assert detail is not None and english in html.unescape(detail.group(1))
    assert not IntakeDocument.objects.exists()
