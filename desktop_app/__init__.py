"""Sister City Records: a records manager for a city's sister-city partnerships and oversight inquiries."""

from functools import cache

APP_NAME = "Sister City Records"
APP_ID = "SisterCityRecords"


@cache
def _installed_version() -> str:
    # Read when first asked for: looking up the installed package costs the window's start a tenth of a second.
    from importlib import metadata

    try:
        return metadata.version("sister-city-records")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
