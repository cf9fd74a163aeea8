"""Full-text search: kept in step with records and attachments, ranked, diacritics, Chinese, any query text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.db.migrate import upgrade_database
from desktop_app.core.errors import UserError
from desktop_app.core.files import attach_files
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.search.query import search
from desktop_app.core.search.text import parse_query, tokens
from tests import file_samples


def make_partnership(db: Database, name: str = "Hefei", native: str = "合肥", **extra: Any) -> dict[str, Any]:
    home = set_home_jurisdiction(db, "Columbus", "OH")
    partner = records.create(
        db, "partner", {"name": name, "native_name": native, "country_name": "China", "country_code": "CN"}
    )
    return records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"], **extra})


def found(db: Database, query: str) -> list[tuple[str, int]]:
    return [(result["record_kind"], result["record_id"]) for result in search(db, query)]


def test_chinese_names_are_found_by_their_characters(db: Database) -> None:
    hefei = make_partnership(db)
    other = make_partnership(db, "Hechi", "河池")
    assert found(db, "合肥") == [("partnership", hefei["id"])]
    assert found(db, "肥") == [("partnership", hefei["id"])]
    assert found(db, "河池") == [("partnership", other["id"])]
    assert found(db, "肥合") == []  # the characters must stand together, in order
    assert found(db, "hefei") == [("partnership", hefei["id"])]
    [result] = search(db, "合肥")
    assert "合肥" in result["title"]
    assert "«合" in result["snippet"] or "«合肥»" in result["snippet"]


def test_case_and_diacritics_do_not_matter(db: Database) -> None:
    partnership = make_partnership(db, "Zürich", "", notes="Délégation reçue à l'Hôtel de Ville")
    for query in ("zurich", "ZÜRICH", "delegation recue", "HOTEL", "Délégation"):
        assert found(db, query) == [("partnership", partnership["id"])], query


def test_words_written_with_vowel_signs_are_found_without_them(db: Database) -> None:
    partnership = make_partnership(db, "Amman", "عمّان", notes="رسالة حَبِيبِي من البلدية; שָׁלוֹם")
    for query in ("حبيبي", "حَبِيبِي", "عمان", "שלום", "Amman"):
        assert found(db, query) == [("partnership", partnership["id"])], query
    assert found(db, "بيبي") == []  # the word is whole in the index, not cut at its vowel signs


def test_upgrade_rewrites_entries_stored_with_their_vowel_signs(location: DataLocation, sqlite_only: None) -> None:
    from desktop_app.core.safekeeping.opening import open_database

    db, _ = open_database(location)
    try:
        partnership = make_partnership(db, notes="زيارة حَبِيبِي ومدينة 合肥")
        with db.engine.begin() as connection:  # the entry as the index stored it before revision 0006
            connection.execute(
                text(
                    "UPDATE search_text SET body = :body"
                    " WHERE rowid = (SELECT id FROM search_entry WHERE record_kind = 'partnership')"
                ),
                {"body": "Amman زيارة حَبِيبِي ومدينة \u200b合\u200b\u200b肥\u200b"},
            )
            connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))
        assert found(db, "حبيبي") == []
        upgrade_database(db.engine, target="0006")  # the later revisions are already in place
        assert found(db, "حبيبي") == [("partnership", partnership["id"])]
        assert found(db, "合肥") == [("partnership", partnership["id"])]
        with db.engine.connect() as connection:
            body = connection.execute(text("SELECT body FROM search_text WHERE body LIKE 'Amman%'")).scalar_one()
        assert "\u200b\u200b\u200b" not in body  # CJK characters are not spaced a second time
    finally:
        db.dispose()


def test_index_follows_create_update_trash_restore_purge(db: Database) -> None:
    partnership = make_partnership(db, notes="Exchange of lanterns")
    assert found(db, "lanterns") == [("partnership", partnership["id"])]
    records.update(db, "partnership", partnership["id"], {"notes": "Exchange of kites"})
    assert found(db, "lanterns") == []
    assert found(db, "kites") == [("partnership", partnership["id"])]
    records.trash(db, "partnership", partnership["id"])
    assert found(db, "kites") == []
    records.restore(db, "partnership", partnership["id"])
    assert found(db, "kites") == [("partnership", partnership["id"])]
    records.update(db, "partner", partnership["partner_id"], {"name": "Hefei City"})
    assert found(db, "hefei city") == [("partnership", partnership["id"])]
    records.change_status(db, partnership["id"], "terminated", changed_on="2024-01-02", reason="State statute")
    assert found(db, "kites") == [("partnership", partnership["id"])]
    records.trash(db, "partnership", partnership["id"])
    records.purge(db, "partnership", partnership["id"])
    assert found(db, "kites") == []


def test_every_searchable_kind_is_found(db: Database) -> None:
    partnership = make_partnership(db)
    agreement = records.create(
        db,
        "agreement",
        {"partnership_id": partnership["id"], "title": "Memorandum on trade", "clause_notes": "One China clause"},
    )
    policy = records.create(db, "policy", {"kind": "ordinance", "title": "Gift rules", "summary": "gifts over $50"})
    oversight = records.create(
        db,
        "oversight",
        {"kind": "risk_assessment", "action_on": "2024-03-01", "finding": "No espionage concerns were found"},
    )
    inquiry = records.create(db, "inquiry", {"subject": "Public records request from a newspaper"})
    assert found(db, "one china") == [("agreement", agreement["id"])]
    assert found(db, "gifts") == [("policy", policy["id"])]
    assert found(db, "espionage concerns") == [("oversight", oversight["id"])]
    assert ("inquiry", inquiry["id"]) in found(db, "newspaper")


def test_questions_and_narratives_are_found_as_soon_as_they_are_written(db: Database) -> None:
    from desktop_app.core.records.inquiries import create_inquiry, get_inquiry, update_inquiry
    from desktop_app.core.reports.responses import create_draft, set_answer

    make_partnership(db)
    inquiry = create_inquiry(db, {"subject": "Council questions"}, [{"text": "Which lanterns were given?"}])
    assert found(db, "lanterns") == [("inquiry", inquiry["id"])]
    update_inquiry(db, inquiry["id"], {}, [{"text": "Which kites were given?"}])
    assert found(db, "lanterns") == []
    assert found(db, "kites") == [("inquiry", inquiry["id"])]
    draft = create_draft(db, inquiry["id"])
    question_id = get_inquiry(db, inquiry["id"])["questions"][0]["id"]
    set_answer(db, draft["id"], question_id, narrative="The kites went to the partner school.")
    assert ("response", draft["id"]) in found(db, "partner school")


def test_titles_rank_before_bodies(db: Database) -> None:
    in_body = records.create(db, "policy", {"kind": "ordinance", "title": "Rules", "summary": "about lanterns"})
    in_title = records.create(db, "policy", {"kind": "ordinance", "title": "Lanterns", "summary": "festival rules"})
    assert found(db, "lanterns") == [("policy", in_title["id"]), ("policy", in_body["id"])]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "'",
        'hefei"',
        '"hefei',
        "AND",
        "OR",
        "NOT",
        "hefei AND",
        "NEAR(",
        "NEAR(hefei",
        "*",
        "hef*",
        "-",
        "-hefei",
        "hefei -",
        "(",
        ")",
        "a:b",
        "title:hefei",
        "^",
        "{}",
        "\\",
        "%",
        "_",
        "'; DROP TABLE x; --",
        '合肥"',
        "\x00",
        "ｈｅｆｅｉ",
    ],
)
def test_any_query_gives_results_or_a_sentence(db: Database, query: str) -> None:
    make_partnership(db)
    try:
        results = search(db, query)
    except UserError as exc:
        assert exc.message.endswith(".")
        return
    assert isinstance(results, list)


def test_empty_queries_get_a_sentence(db: Database) -> None:
    for query in ("", "   ", '"', "*", "-", "()"):
        with pytest.raises(UserError, match="Type one or more words"):
            search(db, query)


def test_operators_are_words_not_syntax(db: Database) -> None:
    make_partnership(db, notes="trade AND culture")
    assert len(found(db, "hefei AND")) == 1
    assert found(db, "hefei NOT") == []  # "not" is a word the records do not hold
    assert len(found(db, '"hefei')) == 1


def test_query_parsing() -> None:
    assert tokens("Zürich, 合肥市!") == ["zurich", "合", "肥", "市"]
    terms = parse_query('"sister city" 合肥 e-mail hef')
    assert [term.words for term in terms] == [("sister", "city"), ("合", "肥"), ("e", "mail"), ("hef",)]


def test_attachment_text_is_searchable(db: Database, tmp_path: Path) -> None:
    partnership = make_partnership(db)
    paths = [
        file_samples.text_pdf(tmp_path / "agreement.pdf", ["The parties agree to exchange orchestras."]),
        file_samples.chinese_pdf(tmp_path / "chinese.pdf", ["合肥市人民政府外事办公室"]),
        file_samples.docx(tmp_path / "minutes.docx", ["The council approved the delegation budget."]),
        file_samples.encrypted_pdf(tmp_path / "locked.pdf", lines=["Hidden words"]),
        file_samples.image_only_pdf(tmp_path / "scan.pdf"),
    ]
    results = attach_files(db, paths, "partnership", partnership["id"])
    ids = [result["id"] for result in results]
    assert found(db, "orchestras") == [("attachment", ids[0])]
    assert found(db, "外事办公室") == [("attachment", ids[1])]
    assert found(db, "delegation budget") == [("attachment", ids[2])]
    assert found(db, "hidden words") == []
    assert found(db, "scan.pdf") == [("attachment", ids[4])]  # found by its name, having no text
    [hit] = search(db, "orchestras")
    assert "«orchestras»" in hit["snippet"]
    assert hit["belongs_to"] == [
        {"record_kind": "partnership", "record_id": partnership["id"], "title": "Columbus, OH – Hefei (合肥), China"}
    ]


def test_long_text_is_searchable_throughout(db: Database, tmp_path: Path) -> None:
    partnership = make_partnership(db)
    path = tmp_path / "long.txt"
    path.write_text(("filler words " * 5000) + "\nthe needle paragraph\n" + ("more filler " * 5000), encoding="utf-8")
    [result] = attach_files(db, [path], "partnership", partnership["id"])
    [hit] = search(db, "needle")
    assert hit["record_id"] == result["id"]
    assert "«needle»" in hit["snippet"]
    assert len(search(db, "filler")) == 1  # one result per record, however many segments match


def test_upgrade_fills_the_index_from_existing_records(location: DataLocation) -> None:
    from desktop_app.core.db.engine import Database

    location.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(location.database_url)
    try:
        upgrade_database(db.engine, target="0001")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO jurisdiction (id, name, state, kind, is_home, clerk_name, clerk_title, mayor_name, "
                    "mayor_title, signatory_name, signatory_title, postal_address, email, phone, created_at, "
                    "updated_at) VALUES (1, 'Columbus', 'OH', 'city', true, '', '', '', '', '', '', '', '', '', "
                    "'2020-01-01', '2020-01-01')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO partner (id, name, native_name, region, country_code, country_name, level, "
                    "created_at, updated_at) VALUES (1, 'Hefei', '合肥', '', 'CN', 'China', 'city', "
                    "'2020-01-01', '2020-01-01')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO partnership (id, jurisdiction_id, partner_id, kind, status, "
                    "council_resolution_number, recognised_by_sci, intermediaries, counterpart_contacts, notes, "
                    "confirmed, source, created_at, updated_at) VALUES (1, 1, 1, 'sister_city', 'active', '', "
                    "false, '', '', 'Lantern festival', true, '', '2020-01-01', '2020-01-01')"
                )
            )
        upgrade_database(db.engine)
        assert found(db, "合肥") == [("partnership", 1)]
        assert found(db, "lantern") == [("partnership", 1)]
    finally:
        db.dispose()


def test_very_many_matches_come_newest_first(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.core.search import query as search_module

    monkeypatch.setattr(search_module, "RANK_LIMIT", 3)
    made = [
        records.create(db, "policy", {"kind": "ordinance", "title": f"Rule {n}", "summary": "lanterns"})
        for n in range(5)
    ]
    page = search_module.search_page(db, "lanterns")
    assert page["ordered_by"] == "newest"
    newest = [record["id"] for record in reversed(made)]
    assert [result["record_id"] for result in page["results"]] == newest
    assert search_module.search_page(db, "rule 2")["ordered_by"] == "relevance"
