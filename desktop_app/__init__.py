"""Sister City Records: a records manager for a city's sister-city partnerships and oversight inquiries."""

from importlib import metadata

try:
    __version__ = metadata.version("sister-city-records")
except metadata.PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"

APP_NAME = "Sister City Records"
APP_ID = "SisterCityRecords"
