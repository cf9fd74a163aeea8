"""Sister City Records: a records manager for a city's sister-city partnerships and oversight inquiries."""

from functools import cache

APP_NAME = "Sister City Records"
APP_ID = "SisterCityRecords"

_DIST_INFO_PREFIX = "sister_city_records-"


@cache
def _installed_version() -> str:
    # Read when first asked for: looking up the installed package costs the window's start a tenth of a second.
    found = _version_in_dist_info()
    if found:
        return found
    from importlib import metadata

    try:
        return metadata.version("sister-city-records")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0+unknown"


def _version_in_dist_info() -> str | None:
    """The version the installed package's METADATA states, read directly, or None when it is not found so.

    Loading importlib.metadata (with the email, zipfile and csv modules it needs) costs more than all the rest of
    `version`; the search follows the import path in order, as importlib.metadata's does.
    """
    import os
    import sys

    for entry in sys.path:
        try:
            names = sorted(name for name in os.listdir(entry or ".") if name.startswith(_DIST_INFO_PREFIX))
        except OSError:  # not a folder (a zip file) or gone
            continue
        for name in names:
            if name.endswith(".dist-info"):
                return _metadata_version(os.path.join(entry or ".", name, "METADATA"))
    return None


def _metadata_version(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as metadata:
            for line in metadata:
                if not line.strip():  # the headers end at the first blank line
                    break
                if line.startswith("Version:"):
                    return line.removeprefix("Version:").strip() or None
    except OSError:
        return None
    return None


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
