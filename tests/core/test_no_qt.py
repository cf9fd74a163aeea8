"""The core never imports Qt: every module under desktop_app.core loads without PySide6."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import importlib, pkgutil, sys
import desktop_app.core as core
for module in pkgutil.walk_packages(core.__path__, "desktop_app.core."):
    if ".migrations" in module.name:
        continue
    importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6"))
print("LOADED:" + ",".join(loaded))
"""


def test_importing_every_core_module_loads_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, cwd=REPO_ROOT, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "LOADED:", result.stdout
