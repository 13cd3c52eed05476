"""Uploads of the Excel template: take the file, check and preview it, then store it
all-or-nothing on confirmation, or discard it.

`upload_create` keeps the workbook (private storage) and checks it at once, or, for a large
one (more than `BACKGROUND_CELLS` cells expected), queues the check for the worker
(`upload_jobs`). `upload_check` reads it (`upload.workbook_read`), compares it with what is
stored, remembers the units' submission versions and the values read, and leaves the upload
previewed or refused (its problems by sheet!cell). `upload_confirm` stores it through
`values_write(..., source="excel", expected_versions=upload.versions)`: if anything in its
scope changed since the preview, nothing is stored and the upload is marked as a conflict.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.batches import chunks
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.cells import value_shown
from baiqianwan.indicators.choices import EDITABLE_STATES
from baiqianwan.indicators.models import (
    DataSet,
    Period,
    Submission,
    Upload,
    UploadState,
)
from baiqianwan.indicators.upload import (
    MAX_UPLOAD_BYTES,
    Problems,
    WorkbookRefused,
    WorkbookValues,
    preview_diff,
    workbook_read,
)
from baiqianwan.indicators.values import (
    Cell,
    excepted_unit_ids,
    values_existing,
    values_write,
    versions_read,
    window_refusal,
)
from baiqianwan.indicators.workbook import entered_indicators, template_units
from baiqianwan.units.models import Unit

# Above this many cells (units × indicators of the scope) the check and the store run in the
# background and the page polls; below, the request does them.
BACKGROUND_CELLS = 50_000
# How many changed cells the preview keeps to show.
CHANGES_SHOWN = 500


def upload_expected_cells(*, dataset: DataSet, period: Period, scope: Unit) -> int:
    """Units × entered indicators of the template: the size of the work."""
    units = len(template_units(dataset=dataset, period=period, scope=scope))
    return units * len(entered_indicators(dataset))


def upload_create(
    *,
    user: Any,
    dataset: DataSet,
    period: Period,
    scope: Unit,
    filename: str,
    data: bytes,
    background: bool | None = None,
) -> Upload:
    """Keep an uploaded workbook and check it (now, or in the background when large).

    A file that is not the template at all (not a workbook, a bomb, too large, another
    template) is refused at once when checked now (`WorkbookRefused`, nothing kept); a large
    one is kept and refused by its check. `background` None decides by `BACKGROUND_CELLS`.
    """
    require(user, "indicators.enter", scope)
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookRefused(
            _("The file is %(size)d MB; at most %(limit)d MB is accepted.")
            % {"size": len(data) // 2**20, "limit": MAX_UPLOAD_BYTES // 2**20},
            field="file",
        )
    if not data:
        raise InputError(_("The file is empty."), field="file")
    if background is None:
        background = (
            upload_expected_cells(dataset=dataset, period=period, scope=scope) > BACKGROUND_CELLS
        )
    found: WorkbookValues | None = None
    if not background:
        found = workbook_read(data=data, dataset=dataset, period=period, scope=scope)
    with transaction.atomic():
        upload = Upload(
            dataset=dataset,
            period=period,
            scope=scope,
            uploaded_by=user,
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            state=UploadState.CHECKING,
        )
        upload.file.save(f"{upload.sha256[:16]}.xlsx", ContentFile(data), save=False)
        upload.save()
        audit_record(
            actor=user,
            action=Action.CREATE,
            obj=upload,
            object_repr=f"{dataset.name} {period.code} {scope.name}: {upload.filename}",
            changes={"bytes": len(data), "background": background},
        )
        if found is not None:
            _preview_keep(upload, found)
        else:
            transaction.on_commit(lambda: _enqueue_check(upload.pk))
    return upload


def _enqueue_check(upload_id: int) -> None:
    from baiqianwan.indicators.upload_jobs import upload_check_job

    result = upload_check_job.enqueue(upload_id=upload_id)
    Upload.objects.filter(pk=upload_id).update(task_id=str(result.id))


def _enqueue_store(upload_id: int, user_id: int) -> None:
    from baiqianwan.indicators.upload_jobs import upload_store_job

    result = upload_store_job.enqueue(upload_id=upload_id, user_id=user_id)
    Upload.objects.filter(pk=upload_id).update(task_id=str(result.id))


def upload_check(*, upload_id: int) -> Upload:
    """Read a kept workbook and leave its upload previewed or refused (the worker's half of
    `upload_create`). An upload no longer being checked is left as it is."""
    upload = Upload.objects.select_related("dataset", "period", "scope").get(pk=upload_id)
    if upload.state != UploadState.CHECKING:
        return upload
    with upload.file.open("rb") as handle:
        data = handle.read()
    try:
        found = workbook_read(
            data=data, dataset=upload.dataset, period=upload.period, scope=upload.scope
        )
    except WorkbookRefused as refused:
        upload.state = UploadState.REFUSED
        upload.problems = [refused.message]
        upload.problem_count = 1
        upload.save(update_fields=["state", "problems", "problem_count"])
        return upload
    _preview_keep(upload, found)
    return upload


def _editable_problems(upload: Upload, found: WorkbookValues, touched: set[int]) -> Problems:
    """The rows whose values would change but cannot: the period is closed (and the unit
    holds no lock exception), or the unit's report is submitted or approved already."""
    problems = Problems()
    today = timezone.localdate()
    refusal, liftable = window_refusal(upload.dataset, upload.period, today=today)
    excepted = excepted_unit_ids(upload.dataset, upload.period, today=today) if liftable else set()
    states: dict[int, str] = {}
    ordered = sorted(touched)
    for chunk in chunks(ordered):
        states.update(
            Submission.objects.filter(
                dataset=upload.dataset,
                period=upload.period,
                unit_id__in=chunk,
            ).values_list("unit_id", "state")
        )
    for unit_id, row in zip(found.unit_ids.tolist(), found.rows.tolist(), strict=True):
        if unit_id not in touched:
            continue
        where = f"{found.sheet}!A{row}"
        if refusal and unit_id not in excepted:
            problems.add(f"{where}: {refusal}")
        elif states.get(unit_id, "draft") not in EDITABLE_STATES:
            problems.add(
                _(
                    "%(where)s: this unit's report is no longer open for changes; the level "
                    "above can return it"
                )
                % {"where": where}
            )
    return problems


def _preview_keep(upload: Upload, found: WorkbookValues) -> None:
    """Compare with the stored values and keep the preview on the upload."""
    existing = values_existing(
        period=upload.period,
        unit_ids=found.unit_ids.tolist(),
        indicator_ids=found.indicator_ids.tolist(),
    )
    diff = preview_diff(found, existing, shown=CHANGES_SHOWN)
    problems = found.problems
    if not problems.count:
        problems = _editable_problems(upload, found, set(diff.touched.tolist()))
    units = dict(
        Unit.objects.filter(pk__in=sorted({c[0] for c in diff.changes})).values_list("id", "name")
    )
    indicators = {ind.pk: ind for ind in entered_indicators(upload.dataset)}
    upload.summary = diff.summary() | {"units": int(found.unit_ids.size)}
    upload.changes = [
        {
            "unit": units.get(unit_id, str(unit_id)),
            "indicator": indicators[indicator_id].name,
            "measure": indicators[indicator_id].measure,
            "old": old,
            "new": new,
            "old_shown": value_shown(
                indicators[indicator_id], old, indicators[indicator_id].decimals
            ),
            "new_shown": value_shown(
                indicators[indicator_id], new, indicators[indicator_id].decimals
            ),
        }
        for unit_id, indicator_id, old, new in diff.changes
    ]
    upload.problems = problems.shown
    upload.problem_count = problems.count
    upload.versions = {
        str(k): v
        for k, v in versions_read(upload.dataset, upload.period, found.unit_ids.tolist()).items()
    }
    upload.state = UploadState.REFUSED if problems.count else UploadState.PREVIEWED
    if not problems.count:
        # Only the units whose values change are written; each unit's version is checked.
        keep = np.isin(found.unit_ids, diff.touched)
        buffer = io.BytesIO()
        np.savez(
            buffer,
            unit_ids=found.unit_ids[keep],
            indicator_ids=found.indicator_ids,
            values=found.values[keep],
        )
        upload.cells.save(f"{upload.sha256[:16]}.npz", ContentFile(buffer.getvalue()), save=False)
    upload.save()


def upload_get(*, user: Any, pk: int) -> Upload:
    """An upload of the user's area (404 outside it)."""
    upload = (
        Upload.objects.select_related("dataset", "period", "scope", "uploaded_by")
        .filter(pk=pk)
        .first()
    )
    if upload is None:
        from django.http import Http404

        raise Http404
    require(user, "indicators.read", upload)
    return upload


def upload_confirm(*, user: Any, upload: Upload, background: bool | None = None) -> Upload:
    """Store a previewed upload, all-or-nothing; a large one in the background.

    Claimed by a conditional update (previewed → storing), so a second click stores nothing
    twice. Refused unless previewed without problems.
    """
    require(user, "indicators.enter", upload)
    if upload.uploaded_by_id != user.pk:
        raise PermissionDenied(_("Only the person who uploaded a workbook can store it."))
    claimed = Upload.objects.filter(pk=upload.pk, state=UploadState.PREVIEWED).update(
        state=UploadState.STORING
    )
    if not claimed:
        raise InputError(
            _("This upload is %(state)s; only a preview without problems can be stored.")
            % {"state": UploadState(upload.state).label},
            field="upload",
        )
    upload.state = UploadState.STORING
    if background is None:
        background = (
            sum(int(v) for k, v in upload.summary.items() if k != "units") > BACKGROUND_CELLS
        )
    if background:
        transaction.on_commit(lambda: _enqueue_store(upload.pk, user.pk))
        return upload
    return upload_store(upload_id=upload.pk, user=user)


def upload_store(*, upload_id: int, user: Any) -> Upload:
    """Write a claimed upload's values (the worker's half of `upload_confirm`); a conflict or
    a refusal is recorded on the upload (and raised again)."""
    upload = Upload.objects.select_related("dataset", "period", "scope").get(pk=upload_id)
    if upload.state != UploadState.STORING:
        return upload
    with upload.cells.open("rb") as handle:
        arrays = np.load(io.BytesIO(handle.read()))
        unit_ids = arrays["unit_ids"].tolist()
        indicator_ids = arrays["indicator_ids"].tolist()
        values = arrays["values"].tolist()
    cells = [
        Cell(unit_id=unit_id, indicator_id=indicator_id, value=None if v != v else v)
        for unit_id, row in zip(unit_ids, values, strict=True)
        for indicator_id, v in zip(indicator_ids, row, strict=True)
    ]
    del values
    try:
        result = values_write(
            actor=user,
            dataset=upload.dataset,
            period=upload.period,
            cells=cells,
            source="excel",
            upload=upload,
            expected_versions={int(k): int(v) for k, v in upload.versions.items()},
        )
    except Conflict as conflict:
        _settle(upload, UploadState.CONFLICT, conflict.message)
        raise
    except InputError as refused:
        _settle(upload, UploadState.REFUSED, refused.message)
        raise
    upload.state = UploadState.STORED
    upload.stored_at = timezone.now()
    upload.summary = upload.summary | {
        "stored": result.stored,
        "new": result.new,
        "changed": result.changed,
        "cleared": result.cleared,
    }
    upload.save(update_fields=["state", "stored_at", "summary"])
    return upload


def _settle(upload: Upload, state: str, message: str) -> None:
    upload.state = state
    upload.problems = [message]
    upload.problem_count = 1
    upload.save(update_fields=["state", "problems", "problem_count"])


def upload_discard(*, user: Any, upload: Upload) -> Upload:
    """Drop a previewed or refused upload: nothing is stored."""
    require(user, "indicators.enter", upload)
    updated = Upload.objects.filter(
        pk=upload.pk, state__in=[UploadState.PREVIEWED, UploadState.REFUSED]
    ).update(state=UploadState.DISCARDED)
    if not updated:
        raise InputError(_("This upload can no longer be discarded."), field="upload")
    upload.state = UploadState.DISCARDED
    return upload


def upload_fail(*, upload_id: int, error: Exception) -> None:
    """Record why the background work on an upload stopped, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(error, InputError | Conflict):
            message = error.message
        else:
            message = _(
                "The work on this upload stopped on an unexpected error (%(kind)s). Upload the "
                "workbook again; if it fails again, tell the system administrator."
            ) % {"kind": type(error).__name__}
    Upload.objects.filter(pk=upload_id).exclude(
        state__in=[UploadState.CONFLICT, UploadState.REFUSED, UploadState.STORED]
    ).update(state=UploadState.FAILED, error=message)
