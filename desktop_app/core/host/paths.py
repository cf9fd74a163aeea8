"""Where the data lives: the platform's user data folder, or the folder or database URL the user names."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import NamedTuple

from ..errors import UserError

DATABASE_FILE_NAME = "records.sqlite3"
ENV_DATA_DIR = "SISTER_CITY_RECORDS_DATA_DIR"


class DataLocation(NamedTuple):
    """The data folder (backups, logs) and the database URL in use.

    A named tuple, not a dataclass: every command works out its location, even `version`, which answers without
    loading dataclasses.
    """

    data_dir: Path
    database_url: str

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None for another database."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        rest = self.database_url[len(prefix) :]
        return Path(rest) if rest and rest != ":memory:" else None

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"


def default_data_dir() -> Path:
    """The platform's per-user data folder for the program (overridable by an environment variable)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only here: a command given --data-dir does not pay for loading it

    return Path(platformdirs.user_data_dir("SisterCityRecords", appauthor=False, roaming=False))


# "scheme://user:password@" (up to the last "@", as a password may hold one) and "password=..." options.
_PASSWORD_IN_ADDRESS = re.compile(r"(?P<keep>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)\S*@")
_PASSWORD_OPTION = re.compile(
    r"(?P<keep>\b\w*(?:password|passwd|secret)\s*=\s*)(?:'[^']*'|\"[^\"]*\"|[^\s&;,]+)", re.IGNORECASE
)
MASK = "***"


def shown_database_url(url: str) -> str | None:
    """The database address as it may be shown or logged, its passwords masked; None when it is not an address.

    An address that cannot be read is never shown at all: where its password starts cannot be known.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        secrets = {key: MASK for key in parsed.query if re.search("pass|pwd|secret", key, re.IGNORECASE)}
        return hide_passwords(parsed.update_query_dict(secrets).render_as_string(hide_password=True))
    except (ArgumentError, ValueError, TypeError):
        return None


def hide_passwords(text: str) -> str:
    """The text with any password written in a database address or a password= option masked."""
    text = _PASSWORD_IN_ADDRESS.sub(lambda match: f"{match['keep']}{MASK}@", text)
    return _PASSWORD_OPTION.sub(lambda match: f"{match['keep']}{MASK}", text)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def resolve_location(data_dir: str | os.PathLike[str] | None = None, database: str | None = None) -> DataLocation:
    """Works out the data folder and database URL from the command line's --data-dir and --database."""
    folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"The data folder {folder} is a file, not a folder.")
    if database:
        if "://" not in database:
            # A plain path is taken as a SQLite file.
            return DataLocation(folder, sqlite_url(Path(database).expanduser()))
        return DataLocation(folder, database)
    return DataLocation(folder, sqlite_url(folder / DATABASE_FILE_NAME))


def ensure_private_dir(path: Path) -> None:
    """Creates a folder (and its missing parents) readable by its owner only on POSIX.

    A folder that already exists keeps its rights: it may be one the user chose and shares, or a system folder.
    """
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise UserError(f"The folder {path} cannot be created: {exc.strerror or exc}.") from exc
    if os.name == "posix":
        for created in missing:
            # mkdir's mode is reduced by the umask, and parents are made with default rights: set them here.
            with contextlib.suppress(OSError):
                created.chmod(0o700)


def make_private_file(path: Path) -> None:
    """Restricts an existing file to its owner (POSIX)."""
    if os.name == "posix" and path.exists():
        with contextlib.suppress(OSError):
            path.chmod(0o600)


def create_private_file(path: Path) -> None:
    """Creates ``path`` empty (if missing) readable by its owner only, before anything else writes to it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(descriptor)
    make_private_file(path)


# Folder names that sync services put in a path, lower-cased; a SQLite file synced while open gets damaged.
_CLOUD_FOLDERS = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "icloud drive": "iCloud Drive",
    "icloud~": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "com~apple~clouddocs": "iCloud Drive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "box": "Box",
    "box sync": "Box",
    "pcloud drive": "pCloud",
    "pclouddrive": "pCloud",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "mega": "MEGA",
    "megasync": "MEGA",
    "yandex.disk": "Yandex Disk",
}
_CLOUD_PREFIXES = (("onedrive - ", "OneDrive"), ("onedrive-", "OneDrive"), ("googledrive-", "Google Drive"))
_CLOUD_ENV_VARS = {
    "OneDrive": "OneDrive",
    "OneDriveCommercial": "OneDrive",
    "OneDriveConsumer": "OneDrive",
}


def cloud_sync_service(path: str | os.PathLike[str]) -> str | None:
    """The name of the sync service whose folder holds ``path``, or None."""
    full = Path(path).expanduser()
    with contextlib.suppress(OSError, RuntimeError):
        full = full.resolve()
    for variable, service in _CLOUD_ENV_VARS.items():
        root = os.environ.get(variable)
        if root and _is_within(full, Path(root)):
            return service
    for part in full.parts:
        lowered = part.lower()
        named = _CLOUD_FOLDERS.get(lowered)
        if named:
            return named
        for prefix, prefixed_service in _CLOUD_PREFIXES:
            if lowered.startswith(prefix):
                return prefixed_service
    return None


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.expanduser())
    except ValueError:
        return False
    return True


def cloud_sync_warning(path: str | os.PathLike[str]) -> str | None:
    """A warning sentence when ``path`` sits in a cloud-synced folder (where database files get damaged)."""
    service = cloud_sync_service(path)
    if service is None:
        return None
    return (
        f"The records are in a folder synced by {service} ({path}). Syncing can damage a database that is open; "
        "please keep the records in a folder that is not synced and let the program's backups go to the synced "
        "folder instead."
    )


def sqlite_readonly_uri(path: Path) -> str:
    """A SQLite URI opening ``path`` read-only, safe for any characters in the name."""
    from urllib.parse import quote

    return "file:" + quote(str(Path(path).resolve())) + "?mode=ro"
