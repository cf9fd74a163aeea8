"""Where the data lives: the platform's user data folder, or the folder or database URL the user names."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .errors import UserError

DATABASE_FILE_NAME = "records.sqlite3"
ENV_DATA_DIR = "SISTER_CITY_RECORDS_DATA_DIR"


@dataclass(frozen=True)
class DataLocation:
    """The data folder (backups, logs) and the database URL in use."""

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
    return Path(platformdirs.user_data_dir("SisterCityRecords", appauthor=False, roaming=False))


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
