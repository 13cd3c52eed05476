"""Word documents from templates the office can edit: docxtpl (Jinja inside a .docx).

A template is rendered in Jinja's sandbox with strict undefined names, so a tag that names
data the document does not have is an error naming that tag, never an empty gap; text is
escaped for XML. An uploaded template is checked here before it is kept: a .docx (a zip with
`word/document.xml`), no macros (.docm, `vbaProject.bin`, a macro-enabled content type), not
larger than `BRIEFINGS_TEMPLATE_MAX_MB` nor unpacking past ten times that, and it must render
against the sample data of its kind (`samples.py`).
"""

from __future__ import annotations

import io
import re
import zipfile
from importlib import resources
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from baiqianwan.briefings.choices import Kind
from baiqianwan.core.problems import InputError

# Every chart a kind may show; one that was not drawn (no data) renders as nothing.
CHART_NAMES: dict[str, list[str]] = {
    Kind.BRIEFING: [
        "scores",
        "trend",
        "map",
        "lights",
        "reporting",
        *(f"indicator_{i}" for i in range(1, 7)),
    ],
    Kind.RANKING: ["scores", "trend", "map"],
    Kind.NOTICE: [],
}
CHART_WIDTH = Mm(150)
UNPACK_FACTOR = 10
_TAG = re.compile(r"\{[{%].*?[%}]\}", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]+>")


def shipped_template(kind: str) -> bytes:
    """The .docx shipped for `kind` (built by scripts/build_briefing_templates.py)."""
    return resources.files("baiqianwan.briefings").joinpath(f"shipped/{kind}.docx").read_bytes()


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def docx_render(
    template: bytes, context: dict[str, Any], charts: dict[str, bytes], kind: str
) -> bytes:
    """The document: `template` filled with `context`; `charts` (name → PNG) are placed as
    `{{ charts.scores }}` and so on. Raises `InputError` naming the tag at fault."""
    document = DocxTemplate(io.BytesIO(template))
    images: dict[str, Any] = {name: "" for name in CHART_NAMES[kind]}
    for name, png in charts.items():
        images[name] = InlineImage(document, io.BytesIO(png), width=CHART_WIDTH)
    try:
        document.render({**context, "charts": images}, jinja_env=_environment())
    except TemplateSyntaxError as exc:
        raise InputError(_broken(exc), field="template") from exc
    except UndefinedError as exc:
        raise InputError(_missing(exc, template), field="template") from exc
    except TemplateError as exc:
        raise InputError(
            _("The template could not be filled: %(error)s") % {"error": exc}, field="template"
        ) from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _broken(exc: TemplateSyntaxError) -> str:
    near = " ".join(line.strip() for line in getattr(exc, "docx_context", []) or [] if line.strip())
    tags = _TAG.findall(near)
    where = "; ".join(tags[:3]) if tags else near[:120]
    return _("The template has a broken tag (%(error)s) near: %(where)s") % {
        "error": exc.message,
        "where": where or _("unknown place"),
    }


def template_tags(template: bytes) -> list[str]:
    """The Jinja tags written in a .docx (its body, headers and footers), as a reader sees
    them: Word splits a tag into runs, the XML tags between are left out."""
    tags: list[str] = []
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                text = _XML_TAG.sub("", archive.read(name).decode("utf-8", "replace"))
                tags.extend(_TAG.findall(text))
    return tags


def _missing(exc: UndefinedError, template: bytes) -> str:
    """Which data the template asked for that the document has not, and the tag asking."""
    message = str(exc.message or "")
    match = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", message)
    name = next((group for group in match.groups() if group), "") if match else ""
    tags = [tag for tag in template_tags(template) if name and name in tag]
    return _("The template refers to data that does not exist: %(name)s in %(tag)s") % {
        "name": name or message,
        "tag": tags[0] if tags else _("a tag"),
    }


def template_check(*, name: str, data: bytes, kind: str, sample: dict[str, Any]) -> None:
    """Refuse an upload that is not a plain .docx of a sensible size, or that does not render
    against the sample data; each refusal names the file and why."""
    limit = settings.BRIEFINGS_TEMPLATE_MAX_MB * 1024 * 1024
    lower = name.lower()
    if lower.endswith((".docm", ".dotm")):
        raise InputError(
            _("%(name)s holds macros (.docm); upload a .docx without macros.") % {"name": name},
            field="file",
        )
    if not lower.endswith(".docx"):
        raise InputError(
            _("%(name)s is not a Word template (.docx).") % {"name": name}, field="file"
        )
    if len(data) > limit:
        raise InputError(
            _("%(name)s is %(size).1f MB; a template may be at most %(limit)d MB.")
            % {
                "name": name,
                "size": len(data) / 1024 / 1024,
                "limit": settings.BRIEFINGS_TEMPLATE_MAX_MB,
            },
            field="file",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(
            _("%(name)s is not a .docx file (it is not a Word package).") % {"name": name},
            field="file",
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        content_types = (
            archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if "[Content_Types].xml" in names
            else ""
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names) or "macroEnabled" in content_types:
        raise InputError(
            _("%(name)s holds macros; upload a .docx without macros.") % {"name": name},
            field="file",
        )
    if sum(entry.file_size for entry in entries) > UNPACK_FACTOR * limit:
        raise InputError(
            _("%(name)s unpacks to more than %(limit)d MB; it is refused.")
            % {"name": name, "limit": UNPACK_FACTOR * settings.BRIEFINGS_TEMPLATE_MAX_MB},
            field="file",
        )
    if "word/document.xml" not in names:
        raise InputError(
            _("%(name)s is not a Word document (no word/document.xml).") % {"name": name},
            field="file",
        )
    docx_render(data, sample, {}, kind)
