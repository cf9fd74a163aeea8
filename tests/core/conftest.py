"""Fixtures shared by the core tests: the audit trail's keys, storing large files, and reading records quickly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.db.quick_read import QuickReader, open_quick_reader
from desktop_app.core.files import batch, store
from desktop_app.core.host import audit_keys
from desktop_app.core.host.paths import DataLocation

# The chunk size the small_chunks fixture stores files in.
SMALL_CHUNK = 4096


@pytest.fixture
def own_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A key folder of this test's own: the keys another test made are not held."""
    folder = tmp_path / "keys"
    monkeypatch.setenv(audit_keys.ENV_KEY_DIR, str(folder))
    audit_keys.forget_cached_keys()
    yield folder
    audit_keys.forget_cached_keys()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 4 KiB, so that a file of about a megabyte is stored in many chunks, as a large one is."""
    monkeypatch.setattr(store, "CHUNK_SIZE", SMALL_CHUNK)
    monkeypatch.setattr(batch, "CHUNK_SIZE", SMALL_CHUNK)
    monkeypatch.setattr(store, "READ_AHEAD", 2)


@pytest.fixture
def reader(filled: Database, location: DataLocation) -> Iterator[QuickReader]:
    """A quick reader of the records the test module's own ``filled`` fixture fills."""
    opened = open_quick_reader(location)
    assert opened is not None
    with opened:
        yield opened
