"""Private file storage: uploads that only a view checking the area may serve."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Uploaded files under settings.PRIVATE_FILES_DIR (read at each use, so tests can point
    it elsewhere), never under a public URL: a view that checks the area serves them."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_FILES_DIR)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("A private file has no public address; a view serves it.")


private_storage = PrivateStorage()


def private_storage_get() -> Any:
    """For `FileField(storage=...)`: a callable keeps the storage out of migrations."""
    return private_storage
