"""Charts drawn on the server, as PNG, with a Chinese font from the machine's Debian packages
(nothing fetched): bars by unit, bars against a target, stacked lights, trend lines and the
county map coloured by score. matplotlib with its Agg canvas, no display.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
from django.conf import settings
from django.contrib.staticfiles import finders
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

# 16 × 7 cm at 200 dpi: sharp in print, three to a page, about 60 KB each.
SIZE_CM = (16.0, 7.0)
DPI = 200
COLOURS = ["#c0392b", "#2e86c1", "#27ae60", "#f39c12", "#8e44ad", "#16a085", "#7f8c8d", "#d35400"]
LIGHT_COLOURS = {"已完成": "#2e86c1", "正常": "#27ae60", "预警": "#f1c40f", "逾期": "#c0392b"}


class ChartFontMissing(RuntimeError):
    pass


@cache
def chart_font() -> str:
    """The family name of the first chart font found (settings.BRIEFINGS_CHART_FONTS, files
    from fonts-wqy-microhei or fonts-noto-cjk), added to matplotlib's list."""
    for candidate in settings.BRIEFINGS_CHART_FONTS:
        if Path(candidate).is_file():
            font_manager.fontManager.addfont(candidate)
            return str(font_manager.FontProperties(fname=candidate).get_name())
    raise ChartFontMissing(
        "No Chinese font for the charts: install fonts-wqy-microhei or fonts-noto-cjk (make fonts)."
    )


def _figure() -> tuple[Figure, Any]:
    family = chart_font()
    figure = Figure(figsize=(SIZE_CM[0] / 2.54, SIZE_CM[1] / 2.54), dpi=DPI)
    axes = figure.add_subplot()
    axes.tick_params(labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.set_layout_engine("constrained")
    figure._bqw_family = family  # type: ignore[attr-defined]
    return figure, axes


def _text(figure: Figure, axes: Any, spec: dict[str, Any]) -> None:
    family = figure._bqw_family  # type: ignore[attr-defined]
    axes.set_title(spec["title"], fontsize=10, family=family)
    for label in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        label.set_family(family)
    legend = axes.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_family(family)


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _bars(spec: dict[str, Any]) -> bytes:
    figure, axes = _figure()
    values = np.array(spec["values"], dtype=float)
    positions = np.arange(len(values))
    bars = axes.bar(positions, np.nan_to_num(values), color=COLOURS[1], width=0.6)
    for bar, value in zip(bars, values, strict=True):
        if np.isfinite(value):
            text = f"{value:.1f}" if spec.get("percent") else f"{value:.3g}"
            axes.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    axes.set_xticks(positions, spec["labels"], rotation=30 if len(values) > 8 else 0)
    if spec.get("percent"):
        axes.set_ylim(0, 110)
    _text(figure, axes, spec)
    return _png(figure)


def _bars_target(spec: dict[str, Any]) -> bytes:
    figure, axes = _figure()
    values = np.array(spec["values"], dtype=float)
    targets = np.array(spec["targets"], dtype=float)
    positions = np.arange(len(values))
    axes.bar(positions, np.nan_to_num(values), color=COLOURS[1], width=0.6, label="实际值")
    if np.isfinite(targets).any():
        axes.scatter(
            positions, targets, marker="_", s=400, color=COLOURS[0], label=spec["target_label"]
        )
        axes.legend(fontsize=7, loc="upper right", frameon=False)
    axes.set_xticks(positions, spec["labels"], rotation=30 if len(values) > 8 else 0)
    _text(figure, axes, spec)
    return _png(figure)


def _stacked(spec: dict[str, Any]) -> bytes:
    figure, axes = _figure()
    positions = np.arange(len(spec["labels"]))
    bottom = np.zeros(len(positions))
    for name, counts in spec["stacks"].items():
        heights = np.array(counts, dtype=float)
        axes.bar(
            positions, heights, bottom=bottom, width=0.6, label=name, color=LIGHT_COLOURS[name]
        )
        bottom += heights
    axes.set_xticks(positions, spec["labels"], rotation=30 if len(positions) > 8 else 0)
    axes.legend(fontsize=7, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    _text(figure, axes, spec)
    return _png(figure)


def _lines(spec: dict[str, Any]) -> bytes:
    figure, axes = _figure()
    positions = np.arange(len(spec["labels"]))
    for index, (name, values) in enumerate(spec["series"].items()):
        axes.plot(
            positions,
            np.array(values, dtype=float),
            marker="o",
            markersize=3,
            linewidth=1.2,
            color=COLOURS[index % len(COLOURS)],
            label=name,
        )
    axes.set_xticks(positions, spec["labels"])
    axes.legend(fontsize=7, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
    _text(figure, axes, spec)
    return _png(figure)


@cache
def _regions(city: str) -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    """The county outlines of a city from the GeoJSON that `make assets` builds."""
    found = finders.find(f"vendor/maps/{city}.json")
    if not found:
        return ()
    data = json.loads(Path(str(found)).read_text(encoding="utf-8"))
    regions = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = tuple(np.array(polygon[0], dtype=float) for polygon in polygons)
        regions.append((feature["properties"]["name"], rings))
    return tuple(regions)


def map_available(city: str) -> bool:
    return bool(_regions(city))


def _map(spec: dict[str, Any]) -> bytes:
    figure, axes = _figure()
    values = spec["values"]
    finite = [v for v in values.values() if np.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    colour_map = matplotlib.colormaps["YlOrRd"]
    family = figure._bqw_family  # type: ignore[attr-defined]
    for name, rings in _regions(spec["city"]):
        value = values.get(name)
        share = 0.5 if value is None or high == low else (value - low) / (high - low)
        colour = "#eeeeee" if value is None else colour_map(0.15 + 0.75 * share)
        for ring in rings:
            axes.add_patch(
                Polygon(ring, closed=True, facecolor=colour, edgecolor="#555555", lw=0.5)
            )
        biggest = max(rings, key=len)
        x, y = biggest.mean(axis=0)
        label = name if value is None else f"{name}\n{value:.3f}"
        axes.text(x, y, label, ha="center", va="center", fontsize=6.5, family=family)
    axes.autoscale_view()
    axes.set_aspect(1 / np.cos(np.radians(23.2)))
    axes.set_axis_off()
    _text(figure, axes, spec)
    return _png(figure)


DRAWERS = {
    "bars": _bars,
    "bars_target": _bars_target,
    "stacked": _stacked,
    "lines": _lines,
    "map": _map,
}


def chart_draw(spec: dict[str, Any]) -> bytes | None:
    """The PNG of one chart spec (content.Charts); None for a map with no outline file."""
    if spec["type"] == "map" and not map_available(spec["city"]):
        return None
    return DRAWERS[spec["type"]](spec)


def charts_draw(specs: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    drawn = {name: chart_draw(spec) for name, spec in specs.items()}
    return {name: png for name, png in drawn.items() if png is not None}
