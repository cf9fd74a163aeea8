"""The bundled public list: all of it, or one city's rows; marked unconfirmed; never loaded twice."""

from __future__ import annotations

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.interchange.sample_data import load_sample_data, read_sample_rows
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import home_jurisdiction


def test_every_row_is_loaded_once_and_unconfirmed(db: Database) -> None:
    rows = read_sample_rows()
    first = load_sample_data(db)
    assert first.added == len(rows) == 191
    second = load_sample_data(db)
    assert (second.added, second.already_present) == (0, 191)
    listed = records.list_records(db, "partnerships")
    assert len(listed) == 191
    assert not any(row["confirmed"] for row in listed)
    assert {row["status"] for row in listed} == {"active", "terminated", "suspended"}
    state_level = [row for row in listed if row["kind"] == "sister_state"]
    assert len(state_level) == 8


def test_one_city_and_it_becomes_the_clerks_own(db: Database) -> None:
    result = load_sample_data(db, "kansas city,  mo")
    assert result.added == 3
    names = sorted(row["partner_name"] for row in records.list_records(db, "partnerships"))
    assert names == ["Changsha", "Xi'an", "Yan'an"]
    home = home_jurisdiction(db)
    assert home is not None and (home["name"], home["state"]) == ("Kansas City", "MO")
    assert (
        "Sources:" in records.list_records(db, "partnerships")[0]["source"]
        or "sources:" in records.list_records(db, "partnerships")[0]["source"]
    )


def test_an_unknown_city_gets_a_sentence_with_suggestions(db: Database) -> None:
    with pytest.raises(UserError, match="Did you mean Kansas City, MO"):
        load_sample_data(db, "Kansas City, KS")
    with pytest.raises(UserError, match="with its state"):
        load_sample_data(db, "Kansas City")
