"""The spreadsheet reader must never import Django: the CLI and the indicators app share it."""

from __future__ import annotations

import subprocess
import sys


def test_tabular_imports_no_django() -> None:
    # Reading a GBK file goes through textclean.decode, so that import is checked too.
    code = (
        "import sys, baiqianwan.tabular as t; "
        "data = '县,GDP\\n方向,正向\\n端州区,3\\n鼎湖区,2\\n'.encode('gbk'); "
        "sheets = t.sheets_from_bytes(data=data, name='a.csv'); "
        "assert t.dataset_parse(sheets).units[0] == '端州区'; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "assert not bad, bad"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
