"""Writes of the evaluation app: schemes, tracks, and runs from request to stored result.

A run is asked for (`run_request`: checked at once, so a refusal is said on the page before
anything is queued), computed by the background worker (`jobs.run_job` → `run_execute`) and
stored in one transaction: its scores, summary and notes appear together or not at all. A
run that fails — bad input, a crash, a worker killed mid-way — stores no scores; the page says
it failed and why (`run_fail`, or `runs_reap` for a worker that died).
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from baiqianwan import __version__
from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.batches import rows_insert
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.evaluation.choices import RunState, Source, Track, Weighting
from baiqianwan.evaluation.engine import EvaluationInputError, Inputs, Outcome, ahp_judged, compute
from baiqianwan.evaluation.inputs import (
    approval_check,
    inputs_from_database,
    inputs_from_sheets,
    periods_of,
    unit_names,
)
from baiqianwan.evaluation.models import Run, RunScore, Scheme, SchemeIndicator, UnitTrack
from baiqianwan.indicators.models import Indicator
from baiqianwan.indicators.selectors import units_valid_on
from baiqianwan.indicators.tree import indicator_reaches
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# The scheme's fields that a run copies as its parameters.
PARAMETERS = (
    "level",
    "weighting",
    "ahp_over",
    "ahp_matrix",
    "ahp_accept_inconsistent",
    "combine_alpha",
    "normalization",
    "cost",
    "missing",
    "top_k",
    "by_track",
    "coupling",
    "balance_by_county",
    "include_like_units",
)
# A run still "running" after this long without progress belongs to a worker that died.
STALE_AFTER = timedelta(minutes=30)
# Largest uploaded sheet a run takes.
MAX_UPLOAD = 50 * 1024 * 1024


def _allowed(user: Any, action: str, obj: Any) -> None:
    """The policy for a signed-in user; a command run at the server (`user` is the string
    `command_actor` gives) may do everything."""
    if not isinstance(user, str):
        require(user, action, obj)


def _account(user: Any) -> Any:
    return None if isinstance(user, str) else user


def scheme_parameters(scheme: Scheme) -> dict[str, Any]:
    """What a run keeps of its scheme: the parameters and the indicators with their given
    weights and subsystems."""
    params = {name: getattr(scheme, name) for name in PARAMETERS}
    params["scheme"] = {"code": scheme.code, "name": scheme.name, "version": scheme.version}
    params["indicators"] = [
        {"code": m.indicator.code, "weight": m.weight, "subsystem": m.subsystem}
        for m in scheme.members.select_related("indicator").order_by("order", "id")
    ]
    return params


@transaction.atomic
def scheme_save(
    *,
    user: Any,
    fields: dict[str, Any],
    indicators: list[dict[str, Any]],
    scheme: Scheme | None = None,
    version: int | None = None,
) -> Scheme:
    """Create a scheme, or update one that is still at `version` (else `Conflict`).

    `indicators` lists {"code", "weight"?, "subsystem"?} in order; every code must be an
    active indicator reported at or rolled up to the scheme's level.
    """
    unit = fields.get("unit") or (scheme.unit if scheme else user.home_unit)
    _allowed(user, "evaluation.manage", unit)
    if scheme is not None:
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if version is not None and scheme.version != version:
            raise Conflict(
                f"方案「{scheme.name}」已被他人修改（第 {scheme.version} 版），请重新打开后再改。"
            )
    codes = [item["code"] for item in indicators]
    if not codes:
        raise InputError("方案至少需要一个指标")
    if len(set(codes)) != len(codes):
        twice = sorted({c for c in codes if codes.count(c) > 1})
        raise InputError(f"指标重复：{'、'.join(twice)}")
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes, is_active=True)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise InputError(f"没有这些指标（或已停用）：{'、'.join(unknown)}")
    level = fields.get("level") or (scheme.level if scheme else "")
    wrong = [c for c in codes if not indicator_reaches(found[c], level)]
    if wrong:
        label = Level(level).label if level in Level.values else level
        raise InputError(f"这些指标在「{label}」级既不报送也不汇总：{'、'.join(wrong)}")
    old = {name: getattr(scheme, name) for name in PARAMETERS} if scheme else {}
    if scheme is None:
        scheme = Scheme(created_by=_account(user), unit=unit)
    for name, value in fields.items():
        setattr(scheme, name, value)
    if scheme.pk:
        scheme.version += 1
    scheme.save()
    scheme.members.all().delete()
    SchemeIndicator.objects.bulk_create(
        SchemeIndicator(
            scheme=scheme,
            indicator=found[item["code"]],
            order=position,
            weight=item.get("weight"),
            subsystem=item.get("subsystem", "") or "",
        )
        for position, item in enumerate(indicators)
    )
    new = {name: getattr(scheme, name) for name in PARAMETERS}
    audit_record(
        actor=user,
        action=Action.UPDATE if old else Action.CREATE,
        obj=scheme,
        unit_code=scheme.unit.code,
        changes={
            **{k: [old.get(k), v] for k, v in new.items() if old.get(k) != v},
            "indicators": codes,
        },
    )
    return scheme


@transaction.atomic
def track_set(*, user: Any, unit: Unit, year: int, track: str) -> UnitTrack | None:
    """Set (or with "" clear) the unit's track for the year."""
    _allowed(user, "evaluation.tracks", unit)
    if track and track not in Track.values:
        raise InputError(f"没有「{track}」这一类别")
    current = UnitTrack.objects.filter(unit=unit, year=year).first()
    old = current.track if current else ""
    if not track:
        if current:
            current.delete()
        result = None
    else:
        result, _ = UnitTrack.objects.update_or_create(
            unit=unit,
            year=year,
            defaults={"track": track, "set_by": _account(user), "is_demo": False},
        )
    if old != track:
        audit_record(
            actor=user,
            action=Action.UPDATE,
            object_type="evaluation.unittrack",
            object_id=f"{unit.code}:{year}",
            object_repr=f"{unit.name} {year}",
            unit_code=unit.code,
            changes={"track": [old, track]},
        )
    return result


def _check_weights(scheme: Scheme) -> None:
    """Refusals that need no data: an AHP matrix of the wrong size or inconsistent and not
    accepted, given weights missing."""
    if scheme.weighting in (Weighting.AHP, Weighting.COMBINED):
        matrix = np.asarray(scheme.ahp_matrix or [], dtype=float)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 2:
            raise InputError("请先填写判断矩阵")
        try:
            ahp_judged(matrix, accept=scheme.ahp_accept_inconsistent)
        except EvaluationInputError as exc:
            raise InputError(str(exc)) from None


def run_request(
    *,
    user: Any,
    scheme: Scheme,
    periods: list[str],
    source: str = Source.APPROVED,
    upload: Any = None,
    provisional: bool = False,
    rerun_of: Run | None = None,
    enqueue: bool = True,
) -> Run:
    """Check and queue a run; the worker computes it. Refused at once (InputError) for an
    AHP matrix that is not accepted, unknown periods, a bad upload, or a period whose values
    are not all approved unless `provisional` is asked for (the run is then marked so)."""
    _allowed(user, "evaluation.run", scheme.unit)
    runs_reap()
    if not periods:
        raise InputError("请选择至少一个期间")
    _check_weights(scheme)
    try:
        found = periods_of(periods)
    except EvaluationInputError as exc:
        raise InputError(str(exc)) from None
    codes = [p.code for p in found]
    run = Run(
        scheme=scheme,
        unit=scheme.unit,
        periods=codes,
        source=source,
        parameters=scheme_parameters(scheme),
        software=__version__,
        created_by=_account(user),
        rerun_of=rerun_of,
        is_demo=scheme.is_demo,
    )
    if source == Source.UPLOAD:
        if upload is None and rerun_of is not None and rerun_of.upload:
            data = rerun_of.upload.open("rb").read()
            name = rerun_of.upload_name
        elif upload is None:
            raise InputError("请上传数据表")
        else:
            if upload.size > MAX_UPLOAD:
                raise InputError(f"{upload.name}：文件超过 {MAX_UPLOAD // 1024 // 1024} MB")
            data, name = upload.read(), upload.name
        try:
            inputs_from_sheets(scheme, found, data, name)
        except EvaluationInputError as exc:
            raise InputError(str(exc)) from None
        run.upload_name = name
        run.upload.save(name, ContentFile(data), save=False)
    else:
        try:
            approval = approval_check(scheme, found)
        except EvaluationInputError as exc:
            raise InputError(str(exc)) from None
        if not approval.complete:
            pending = approval.message(
                unit_names([c for codes in approval.pending.values() for c in codes[:5]])
            )
            if not provisional:
                raise InputError(
                    f"这些单位的数值尚未审核通过：{pending}。请待审核完成后再运行，"
                    "或勾选「作为临时结果运行」（结果将标注为临时）。",
                    field="provisional",
                )
            run.provisional = True
            run.notes = [f"临时结果：含未审核通过的数值（{pending}）"]
    with transaction.atomic():
        run.save()
        audit_record(
            actor=user,
            action=Action.EVALUATE,
            obj=run,
            unit_code=scheme.unit.code,
            changes={"scheme": scheme.code, "periods": codes, "source": source},
        )
    if enqueue:
        from baiqianwan.evaluation.jobs import run_job

        transaction.on_commit(lambda: _enqueue(run, run_job))
    return run


def _enqueue(run: Run, job: Any) -> None:
    result = job.enqueue(run.pk)
    Run.objects.filter(pk=run.pk).update(task_id=str(result.id))


def run_progress(run_id: int, percent: int, step: str) -> None:
    """Record how far a run is (its own small write, outside the result's transaction)."""
    Run.objects.filter(pk=run_id).update(progress=max(0, min(percent, 100)), step=step[:200])


def run_fail(*, run_id: int, error: BaseException | str) -> None:
    """Mark a run failed with the reason the page shows; its scores were never stored."""
    message = (
        str(error)
        if isinstance(error, EvaluationInputError | str)
        else (f"运行出错（{type(error).__name__}）：{error}")
    )
    Run.objects.filter(pk=run_id).exclude(state=RunState.DONE).update(
        state=RunState.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def runs_reap(*, now: Any = None) -> int:
    """Runs whose worker died mid-way (no progress for STALE_AFTER) are marked failed."""
    now = now or timezone.now()
    stale = Run.objects.filter(
        state__in=[RunState.RUNNING, RunState.QUEUED], started_at__lt=now - STALE_AFTER
    )
    return stale.update(
        state=RunState.FAILED,
        error="运行中断（后台进程停止），未保存任何结果。请重新运行。",
        finished_at=now,
    )


def _snapshot(inputs: Inputs) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    inputs.save(buffer)
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def run_inputs(run: Run) -> Inputs:
    """The inputs a run read (for reproducing it, the detail pages and the exports)."""
    with run.inputs.open("rb") as handle:
        return Inputs.load(io.BytesIO(handle.read()))


def run_execute(run_id: int, *, fail_after: str = "") -> Run:
    """Compute a queued run and store its results in one transaction.

    `fail_after` names a step after which to stop with an error (tests of a run killed
    mid-way). Refusals of the input are recorded on the run and raised again.
    """
    run = Run.objects.select_related("scheme__unit").get(pk=run_id)
    if run.state == RunState.DONE:
        return run
    Run.objects.filter(pk=run_id).update(
        state=RunState.RUNNING, started_at=timezone.now(), progress=1, step="开始", error=""
    )
    scheme = run.scheme
    periods = periods_of(run.periods)
    if run.source == Source.UPLOAD:
        inputs = inputs_from_sheets(scheme, periods, run.upload.open("rb").read(), run.upload_name)
    else:
        inputs, approval = inputs_from_database(
            scheme, periods, progress=lambda p, s: run_progress(run_id, p, s)
        )
        if not approval.complete and not run.provisional:
            raise EvaluationInputError(
                "数值在排队期间有变动，尚未全部审核通过："
                + approval.message(
                    unit_names([c for v in approval.pending.values() for c in v[:5]])
                )
            )
    if fail_after == "load":
        raise RuntimeError("stopped after loading (test)")
    run_progress(run_id, 50, "计算权重、得分、短板与均衡")
    outcome = compute(inputs, run.parameters)
    if fail_after == "compute":
        raise RuntimeError("stopped after computing (test)")
    run_progress(run_id, 75, "保存结果")
    data, digest = _snapshot(inputs)
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        _scores_store(run, inputs, outcome, fail_after=fail_after)
        run.inputs.save(f"run-{run.pk}.npz", ContentFile(data), save=False)
        run.inputs_sha256 = digest
        run.summary = outcome.summary
        run.notes = [*run.notes, *outcome.notes]
        run.state = RunState.DONE
        run.progress = 100
        run.step = "完成"
        run.finished_at = timezone.now()
        run.save()
    _after_run(run)
    return run


def _after_run(run: Run) -> None:
    """Tell the cockpit its evaluation figures changed (see cockpit.freshness)."""
    try:
        from baiqianwan.core.freshness import data_changed
    except ImportError:  # the cockpit is not installed
        return
    data_changed("evaluation")


# RunScore's columns in the order `_scores_store` writes them.
SCORE_COLUMNS = (
    "run_id",
    "unit_id",
    "period",
    "score",
    "rank",
    "change",
    "track",
    "track_rank",
    "weak",
    "weak_dimensions",
    "coupling",
    "development",
    "coordination",
    "grade",
    "lag",
    "lights",
    "filled",
)


def _scores_store(run: Run, inputs: Inputs, outcome: Outcome, *, fail_after: str = "") -> None:
    """One RunScore per kept unit and period, written as plain rows in bulk (the JSON fields
    as the text Django would store: a province's run writes some 80,000)."""
    # The units as they stood on the last period's last day (a renamed unit keeps its code).
    last_day = periods_of(run.periods)[-1].end
    ids = dict(
        units_valid_on(last_day)
        .filter(level=run.scheme.level, code__startswith=run.scheme.unit.prefix)
        .values_list("code", "id")
    )
    unit_ids = [ids[inputs.units[row]] for row in outcome.units]
    tracks = [inputs.tracks[i] for i in outcome.units]
    filled = outcome.filled.tolist()
    count = len(unit_ids)
    empty = [None] * count
    coupling = outcome.coupling
    last = len(run.periods) - 1
    lights = (
        [json.dumps(row) for row in outcome.lights.tolist()]
        if outcome.lights is not None
        else ["[]"] * count
    )
    table = RunScore._meta.db_table
    for p, period in enumerate(run.periods):
        change = outcome.change[p - 1].tolist() if outcome.change is not None and p > 0 else empty
        track_rank = (
            [r if t else None for r, t in zip(outcome.track_rank[p].tolist(), tracks, strict=True)]
            if outcome.track_rank is not None
            else empty
        )
        if coupling is not None:
            c_values, t_values, d_values = (coupling[k][p].tolist() for k in ("C", "T", "D"))
            grades, lags = coupling["grade"][p].tolist(), coupling["lag"][p].tolist()
        else:
            c_values = t_values = d_values = empty
            grades = lags = [""] * count
        rows = list(
            zip(
                [run.pk] * count,
                unit_ids,
                [period] * count,
                outcome.score[p].tolist(),
                outcome.rank[p].tolist(),
                change,
                tracks,
                track_rank,
                map(json.dumps, outcome.weak[p]),
                map(json.dumps, outcome.weak_dimensions[p]),
                c_values,
                t_values,
                d_values,
                grades,
                lags,
                lights if p == last else ["[]"] * count,
                filled,
                strict=True,
            )
        )
        rows_insert(table, SCORE_COLUMNS, rows)
        if fail_after == "store" and p == 0:
            raise RuntimeError("stopped while storing (test)")
