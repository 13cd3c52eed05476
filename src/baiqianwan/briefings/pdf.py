"""The PDF of a document, typeset by Typst (its Python package: a compiler inside the wheel,
no browser, no office suite) from the shipped `.typ` templates and the same content as the
Word file; fonts only from `BRIEFINGS_FONT_PATHS` (Debian's packages), embedded in the PDF.
The first page as a PNG for the list's preview comes from poppler's pdftoppm.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import typst
from django.conf import settings

COMMON = "official.typ"
PREVIEW_DPI = 60


class PdfError(RuntimeError):
    pass


def _font_paths() -> list[str]:
    return [path for path in settings.BRIEFINGS_FONT_PATHS if Path(path).is_dir()]


def pdf_render(kind: str, context: dict[str, Any], charts: dict[str, bytes]) -> bytes:
    """The PDF of a document of `kind` from `context` and its charts (name → PNG)."""
    fonts = _font_paths()
    if not fonts:
        raise PdfError(
            "No font folder of BRIEFINGS_FONT_PATHS exists: install fonts-noto-cjk (make fonts)."
        )
    shipped = resources.files("baiqianwan.briefings").joinpath("shipped")
    with tempfile.TemporaryDirectory(prefix="bqw-typst-") as folder:
        root = Path(folder)
        for name in (COMMON, f"{kind}.typ"):
            (root / name).write_bytes(shipped.joinpath(name).read_bytes())
        (root / "charts").mkdir()
        files = {}
        for name, png in charts.items():
            (root / "charts" / f"{name}.png").write_bytes(png)
            files[name] = f"charts/{name}.png"
        data = {**context, "chart_files": files}
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        try:
            result = typst.compile(
                str(root / f"{kind}.typ"),
                root=str(root),
                font_paths=fonts,
                ignore_system_fonts=True,
            )
        except RuntimeError as exc:
            raise PdfError(f"Typst could not typeset the {kind}: {exc}") from exc
    if not isinstance(result, bytes):
        raise PdfError("Typst returned no PDF")
    return result


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise PdfError(f"{tool} is missing: install poppler-utils (make fonts).")
    return found


def pdf_pages(pdf: bytes) -> int:
    """The number of pages (pdfinfo)."""
    result = subprocess.run(
        [_poppler("pdfinfo"), "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise PdfError("pdfinfo found no page count")


def pdf_preview(pdf: bytes, *, dpi: int = PREVIEW_DPI) -> bytes:
    """Page 1 as a PNG (pdftoppm)."""
    with tempfile.TemporaryDirectory(prefix="bqw-preview-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                _poppler("pdftoppm"),
                "-f",
                "1",
                "-l",
                "1",
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                str(source),
                str(Path(folder) / "page"),
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        return (Path(folder) / "page.png").read_bytes()
