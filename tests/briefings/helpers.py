"""Reading a generated PDF as a person checks it: its text (pdftotext), its fonts
(pdffonts) and its pages as pictures (pdftoppm)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")


def pdf_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded) of each font the PDF uses."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        lines = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, check=True, text=True
        ).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name … emb sub uni object ID: "emb" is the fifth field from the end.
        fonts.append((parts[0], parts[-5] == "yes"))
    return fonts


def pdf_pngs(pdf: bytes, folder: Path, dpi: int = 40) -> list[Path]:
    source = folder / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(folder / "page")], check=True
    )
    return sorted(folder.glob("page-*.png"))
