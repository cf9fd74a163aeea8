"""Search: an apostrophe inside a word keeps it whole (xian finds Xi'an), and snippets show the words found."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.db.migrate import upgrade_database
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.search.query import search
from desktop_app.core.search.text import index_text, make_snippet, parse_query, shown_text, space_cjk, tokens


def make_partnership(db: Database, name: str, native: str = "", **extra: Any) -> dict[str, Any]:
    home = set_home_jurisdiction(db, "Kansas City", "MO")
    partner = records.create(
        db, "partner", {"name": name, "native_name": native, "country_name": "China", "country_code": "CN"}
    )
    return records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"], **extra})


def found(db: Database, query: str) -> list[tuple[str, int]]:
    return [(result["record_kind"], result["record_id"]) for result in search(db, query)]


def test_an_apostrophe_inside_a_word_does_not_split_it() -> None:
    assert tokens("Xi'an") == tokens("Xi\u2019an") == tokens("xian") == ["xian"]
    assert tokens("Hawai'i") == ["hawaii"]
    assert tokens("l'Hôtel, qu'il, O'Hare") == ["l", "hotel", "qu", "il", "o", "hare"]
    assert tokens("the women's office, don't, we're") == ["the", "women", "s", "office", "don", "t", "we", "re"]
    assert tokens("'quoted' words") == ["quoted", "words"]


def test_stored_text_is_shown_as_it_was_written() -> None:
    for value in ("Xi'an", "Xi\u2019an 西安 and 合肥", "Zürich's", "O'Hare \u2018Chang\u2019an\u2019"):
        assert shown_text(index_text(value)) == value
    assert "'" not in index_text("Xi'an")


def test_xian_finds_xi_an_written_with_any_apostrophe(db: Database) -> None:
    xian = make_partnership(db, "Xi'an", "西安", notes="Delegation from Xi\u2019an in May")
    for query in ("xian", "XIAN", "xi'an", "Xi\u2019an", "西安"):
        assert found(db, query) == [("partnership", xian["id"])], query
    [result] = search(db, "xian")
    assert "Xi'an" in result["title"]
    assert "«Xi'an»" in result["snippet"] or "«Xi\u2019an»" in result["snippet"]


def test_english_endings_still_stand_apart(db: Database) -> None:
    policy = records.create(db, "policy", {"kind": "ordinance", "title": "Rules", "summary": "The women's council"})
    assert found(db, "women") == [("policy", policy["id"])]
    assert found(db, "women's") == [("policy", policy["id"])]


def test_a_snippet_shows_the_words_found_when_only_the_title_holds_them(db: Database) -> None:
    records.create(db, "policy", {"kind": "ordinance", "title": "Lantern rules", "summary": "festival hours"})
    [result] = search(db, "lantern")
    assert "«Lantern»" in result["snippet"]
    [result] = search(db, "festival")
    assert "«festival»" in result["snippet"]


def test_chinese_words_found_are_marked_in_the_snippet(db: Database) -> None:
    make_partnership(db, "Xi'an", "西安", notes="友好城市 交流")
    [result] = search(db, "交流")
    assert "交流" in result["snippet"].replace("«", "").replace("»", "")
    marked = "".join(part.split("»")[0] for part in result["snippet"].split("«")[1:])
    assert marked == "交流"


def test_make_snippet_marks_the_word_as_written() -> None:
    snippet = make_snippet("A delegation from Xi'an came.", parse_query("xian"))
    assert "«Xi'an»" in snippet


def test_upgrade_keeps_words_with_apostrophes_whole(location: DataLocation, db: Database) -> None:
    xian = make_partnership(db, "Xi'an", "西安", notes="Chang'an 西'安")
    with db.engine.begin() as connection:  # the entry as the index stored it before revision 0012
        if db.is_sqlite:
            stored = connection.execute(text("SELECT rowid, title, body FROM search_text")).all()
            for rowid, title, body in stored:
                connection.execute(
                    text("UPDATE search_text SET title = :title, body = :body WHERE rowid = :rowid"),
                    {"rowid": rowid, "title": space_cjk(shown_text(title)), "body": space_cjk(shown_text(body))},
                )
        else:
            connection.execute(
                text(
                    "UPDATE search_entry SET document = setweight(to_tsvector('simple', 'xi an'), 'A') || "
                    "to_tsvector('simple', 'xi an chang an')"
                )
            )
        connection.execute(text("UPDATE alembic_version SET version_num = '0011'"))
    assert found(db, "xian") == []
    upgrade_database(db.engine, target="0012")
    assert found(db, "xian") == [("partnership", xian["id"])]
    assert found(db, "changan") == [("partnership", xian["id"])]
    [result] = search(db, "xian")
    assert "Xi'an" in result["title"]
