"""Time `clean_text` on about one megabyte of damaged text built from the sample document.

Run: ``python benchmarks/bench_textclean.py``. Each copy of the sample is varied (a
numbered heading, a changed year, a comment counter) so rules cannot be served by one
cached line. Prints the size, the first run (which loads the OpenCC, pypinyin and jieba
data) and the median of the following runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from baiqianwan.textclean import clean_text

SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared" / "samples" / "xijiang-daily-commentary-2025.txt"
)
TARGET_BYTES = 1_000_000
RUNS = 5


def text_build(*, sample: str, target_bytes: int) -> str:
    """Copies of `sample` until the UTF-8 text reaches `target_bytes`, each one varied."""
    parts: list[str] = []
    size = 0
    copy = 0
    while size < target_bytes:
        copy += 1
        varied = sample.replace("2025", str(2025 + copy % 11)).replace("已有0人", f"已有{copy}人")
        part = f"{copy}.(jù)第{copy}篇 ,  {varied}\n\n\n"
        parts.append(part)
        size += len(part.encode("utf-8"))
    return "".join(parts)


def main() -> int:
    if not SAMPLE.exists():
        print(f"sample document not found at {SAMPLE}", file=sys.stderr)
        return 1
    text = text_build(sample=SAMPLE.read_text(encoding="utf-8"), target_bytes=TARGET_BYTES)
    size = len(text.encode("utf-8"))
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = clean_text(text)
        timings.append(time.perf_counter() - start)
    counts = result.counts
    print(f"text: {size:,} bytes, {len(text):,} characters")
    print(
        f"changes: {len(result.changes):,} "
        f"(annotations {counts.annotations_removed:,}, converted {counts.characters_converted:,}, "
        f"furniture {counts.furniture_lines_removed:,}, lost {counts.lost_characters:,})"
    )
    print(f"first run (loads dictionaries): {timings[0]:.3f} s")
    print(f"median of {RUNS - 1} further runs: {statistics.median(timings[1:]):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
