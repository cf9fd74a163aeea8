"""Brings a database to the program's schema with Alembic: refuses a newer one, backs up before changing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from ..errors import UserError
from .engine import translate_database_errors

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _alembic_config() -> Config:
    config = Config()  # no ini file: nothing may reconfigure the program's logging
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with translate_database_errors(), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def has_tables(engine: Engine) -> bool:
    with translate_database_errors(), engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def check_not_newer(engine: Engine) -> str | None:
    """The database's revision; raises when a newer program wrote it or it is not one of ours."""
    revision = current_revision(engine)
    if revision is None:
        if has_tables(engine):
            raise UserError("This database was not made by Sister City Records, so it is left untouched.")
        return None
    if revision not in known_revisions():
        raise UserError(
            "This database was written by a newer version of Sister City Records. "
            "Install that version (or newer) to open it; nothing was changed."
        )
    return revision


def upgrade_database(
    engine: Engine,
    backup_before: Callable[[str], object] | None = None,
    target: str = "head",
) -> bool:
    """Upgrades to ``target``; returns True when anything was applied.

    ``backup_before`` is called with the current revision before a database holding records is changed.
    """
    revision = check_not_newer(engine)
    wanted = head_revision() if target == "head" else target
    if revision == wanted:
        return False
    if revision is not None and backup_before is not None:
        backup_before(revision)
    config = _alembic_config()
    with translate_database_errors(), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    return True
