"""The letterhead image is kept with the home jurisdiction and set on it in one transaction, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.core.db import models
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.files import attachments
from desktop_app.core.files.attachments import list_attachments, set_letterhead
from desktop_app.core.records.audit import verify_chain
from desktop_app.core.records.parties import home_jurisdiction, set_home_jurisdiction

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _image(tmp_path: Path) -> Path:
    path = tmp_path / "seal.png"
    path.write_bytes(PNG)
    return path


def _stored_files(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        attachments_kept = session.execute(select(func.count()).select_from(models.Attachment)).scalar_one()
        blobs = session.execute(select(func.count()).select_from(models.Blob)).scalar_one()
    return int(attachments_kept), int(blobs)


def test_the_image_is_kept_with_the_home_jurisdiction_and_becomes_its_letterhead(db: Database, tmp_path: Path) -> None:
    home = set_home_jurisdiction(db, "Springfield", "IL")
    updated = set_letterhead(db, _image(tmp_path))
    [kept] = list_attachments(db, "jurisdiction", home["id"])
    assert kept["title"] == "Letterhead"
    assert updated["id"] == home["id"] and updated["logo_attachment_id"] == kept["id"]
    assert home_jurisdiction(db)["logo_attachment_id"] == kept["id"]
    with db.reading() as session:
        assert verify_chain(session) == []


def test_when_setting_it_fails_the_image_is_not_kept_either(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_home_jurisdiction(db, "Springfield", "IL")

    def refuse(*_args: object) -> None:
        raise UserError("The jurisdiction cannot be changed now.")

    monkeypatch.setattr(attachments, "update_in", refuse)
    with pytest.raises(UserError, match="cannot be changed now"):
        set_letterhead(db, _image(tmp_path))
    assert _stored_files(db) == (0, 0)
    assert home_jurisdiction(db)["logo_attachment_id"] is None


def test_without_a_home_jurisdiction_nothing_is_stored(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="city or county first"):
        set_letterhead(db, _image(tmp_path))
    assert _stored_files(db) == (0, 0)
