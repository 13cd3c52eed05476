"""Each chart's data as a sheet (sheet name, headers, rows) for its Excel download, from the
same result the chart draws."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from baiqianwan.plans.choices import Light

Table = tuple[str, list[str], list[list[Any]]]
LIGHT_NAMES = {"green": Light.GREEN.label, "yellow": Light.YELLOW.label, "red": Light.RED.label}


def _light(light: str) -> str:
    return str(LIGHT_NAMES.get(light, ""))


def _demo(note: str, demo: bool) -> str:
    return f"{_('Demo data')} · {note}" if demo else note


def summary_table(data: dict[str, Any]) -> Table:
    rows = [
        [
            card["indicator"],
            card["title"],
            card["period"],
            card["value"],
            card["measure"],
            card["target"],
            card["target_year"],
            _light(card["light"]),
            card["reported"],
            card["expected"],
            _("yes") if card["provisional"] else "",
        ]
        for card in data["cards"]
    ]
    headers = [
        _("Indicator code"), _("Indicator"), _("Period"), _("Value"), _("Unit of measure"),
        _("Target"), _("Target year"), _("Light"), _("Units reported"), _("Units expected"),
        _("Provisional"),
    ]  # fmt: skip
    return _("Key indicators"), headers, rows


def _row_cells(row: dict[str, Any]) -> list[Any]:
    return [
        row["rank"],
        row["code"],
        row["name"],
        row["value"],
        row["target"],
        _light(row["light"]),
        _("yes") if row["provisional"] else "",
    ]


def _row_headers(value: str) -> list[str]:
    return [_("Rank"), _("Code"), _("Unit"), value, _("Target"), _("Light"), _("Provisional")]


def _value_header(data: dict[str, Any]) -> str:
    indicator = data.get("indicator")
    if not indicator:
        return _("Evaluation score")
    measure = f"（{indicator['measure']}）" if indicator["measure"] else ""
    return f"{indicator['name']}{measure}"


def map_table(data: dict[str, Any]) -> Table:
    return _("Map"), _row_headers(_value_header(data)), [_row_cells(r) for r in data["rows"]]


def drill_table(data: dict[str, Any]) -> Table:
    rows = []
    for part in data["parts"]:
        rows += [[part["label"], *_row_cells(row)] for row in part["rows"]]
    return _("Towns and villages"), [_("Level"), *_row_headers(_value_header(data))], rows


def trends_table(data: dict[str, Any]) -> Table:
    series = ([data["own"]] if data["own"] else []) + data["series"]
    rows = [[s["code"], s["name"], *s["values"]] for s in series]
    return _("Trends"), [_("Code"), _("Unit"), *data["periods"]], rows


def supervision_table(data: dict[str, Any]) -> Table:
    rows = [
        [r["code"], r["name"], r["red"], r["yellow"], r["green"], r["done"]] for r in data["rows"]
    ]
    headers = [
        _("Code"), _("Unit"), str(Light.RED.label), str(Light.YELLOW.label),
        str(Light.GREEN.label), str(Light.DONE.label),
    ]  # fmt: skip
    return _("Supervision"), headers, rows


def overdue_table(data: dict[str, Any]) -> Table:
    rows = [
        [o["plan"], o["task"], o["text"], o["unit_code"], o["unit"], o["deadline"], o["days"]]
        for o in data["overdue"]
    ]
    headers = [
        _("Plan"), _("Task"), _("Task text"), _("Code"), _("Unit"), _("Deadline"),
        _("Days overdue"),
    ]  # fmt: skip
    return _("Overdue"), headers, rows


def completeness_table(data: dict[str, Any]) -> Table:
    rows = []
    for dataset in data["datasets"]:
        for row in [*dataset["rows"], dataset["total"]]:
            rows.append(
                [
                    dataset["name"],
                    dataset["period"],
                    row["code"],
                    row["name"],
                    row["expected"],
                    row["submitted"],
                    row["on_time"],
                    row["waived"],
                    row["rate"],
                ]
            )
    headers = [
        _("Data set"), _("Period"), _("Code"), _("Unit"), _("Expected"), _("Submitted"),
        _("On time"), _("Waived"), _("Reporting rate (%)"),
    ]  # fmt: skip
    return _("Completeness"), headers, rows


def rankings_table(data: dict[str, Any]) -> Table:
    rows = [[_("Top"), *_row_cells(r)] for r in data["top"]]
    rows += [[_("Bottom"), *_row_cells(r)] for r in data["bottom"]]
    return _("Top and bottom"), [_("List"), *_row_headers(_value_header(data))], rows


def note_of(data: dict[str, Any], note: str) -> str:
    """The sheet's first line: what it shows, marked 演示数据 when it is."""
    demo = bool(data.get("demo")) or any(d.get("demo") for d in data.get("datasets", []))
    return _demo(note, demo)
