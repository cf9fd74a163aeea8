"""Finds the files of `resources/` the same way from a checkout, an installed wheel and a frozen app."""

import sys
from functools import cache
from pathlib import Path

from ..errors import UserError


@cache
def resources_dir() -> Path:
    """The folder holding the program's resources (fonts, sample data, schema, icons)."""
    package_dir = Path(__file__).resolve().parents[2]
    candidates = [
        package_dir / "resources",  # installed wheel (force-included) or frozen app (bundled beside the package)
        package_dir.parent / "resources",  # a source checkout or an editable install
    ]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "desktop_app" / "resources")
    for candidate in candidates:
        if (candidate / "data").is_dir():
            return candidate
    raise UserError("The program's resource files are missing; please reinstall Sister City Records.")


def resource_path(*parts: str) -> Path:
    """The path of one resource file, e.g. ``resource_path("schema", "records-file.schema.json")``."""
    return resources_dir().joinpath(*parts)
