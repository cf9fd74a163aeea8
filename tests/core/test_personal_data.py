"""Participants' names in a letter's texts: found by full name and by part whatever the case, accents or script,
never inside other words, and withheld with the rest of the text left exactly as it was."""

from __future__ import annotations

import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from desktop_app.core.reports.personal_data import COMMON_WORDS, PARTICLES, NameHit, name_hits, redact

FINDING = "Appendix D, item D3, finding"


def found(text: str, names: list[str]) -> list[str]:
    return [hit.name_part for hit in name_hits([(FINDING, text)], names)]


def test_a_full_name_is_reported_once_not_again_as_its_parts() -> None:
    text = "The visit was led by José Núñez in the spring."
    assert name_hits([(FINDING, text)], ["José Núñez"]) == [
        NameHit(FINDING, "José Núñez", "The visit was led by José Núñez in the spring.")
    ]


def test_each_part_of_a_name_is_found_alone() -> None:
    assert found("Núñez wrote first; José replied.", ["José Núñez"]) == ["Núñez", "José"]


def test_a_full_name_is_found_across_a_line_break_and_surname_first() -> None:
    assert found("signed by José\nNúñez and by Núñez, José", ["José Núñez"]) == ["José\nNúñez", "Núñez, José"]


def test_case_accents_and_full_width_letters_do_not_hide_a_name() -> None:
    decomposed = "Nu\u0301n\u0303ez"
    text = f"jose nunez, then NÚÑEZ, then {decomposed}, then ＮＵＮＥＺ."
    assert found(text, ["José Núñez"]) == ["jose nunez", "NÚÑEZ", decomposed, "ＮＵＮＥＺ"]
    assert found("Lech Walesa met STRAUSS and Isik.", ["Lech Wałęsa", "Anna Strauß", "Ilker Işık"]) == [
        "Lech Walesa",
        "STRAUSS",
        "Isik",
    ]


def test_names_are_found_as_whole_words_only() -> None:
    assert found("Lima, public records and Italian ministries; Liam and Qiangs.", ["Li Qiang"]) == []
    assert found("Minister Li met Qiang (Li's deputy) in Li-Qiang Hall.", ["Li Qiang"]) == [
        "Li",
        "Qiang",
        "Li",
        "Li-Qiang",
    ]


def test_an_apostrophe_in_a_name_is_found_whichever_apostrophe_the_text_uses() -> None:
    assert found("O’Brien's report, and O'Brien again", ["Mary O'Brien"]) == ["O’Brien", "O'Brien"]


def test_a_cjk_name_is_found_inside_running_text() -> None:
    assert found("代表团成员王芳访问", ["王芳"]) == ["王芳"]
    assert found("王 芳先生", ["王芳"]) == ["王 芳"]
    assert found("山田さんと太郎", ["山田 太郎"]) == ["山田", "太郎"]
    assert found("김민수 씨가 방문했다", ["김민수"]) == ["김민수"]


def test_a_single_character_of_a_cjk_name_is_not_searched_for_alone() -> None:
    assert found("王先生和芳草", ["王 芳"]) == []
    assert found("王 芳", ["王 芳"]) == ["王 芳"]


def test_a_part_that_is_a_common_word_counts_only_capitalised_in_mid_sentence() -> None:
    assert "will" in COMMON_WORDS
    names = ["Grace Will"]
    assert found("The report says Will attended.", names) == ["Will"]
    assert found("The delegation met (Will) twice.", names) == ["Will"]
    assert found("the city will review the agreement", names) == []
    assert found("THE CITY WILL REVIEW THE AGREEMENT", names) == []
    assert found("Will the city review it? Noted. Will attend. “Will it?”", names) == []
    assert found("the city will hear Grace Will and grace will", names) == ["Grace Will", "grace will"]


def test_particles_titles_and_single_letters_are_not_names_on_their_own() -> None:
    assert {"van", "de", "la", "bin", "dr"} <= PARTICLES
    names = ["Dr. Ludwig van der Berg", "J. Ana de la Cruz"]
    assert found("The van from De La Salle; der Dr. J. and la Cruz.", names) == ["Cruz"]
    assert found("Berg and Ludwig van der Berg; Dr. Ludwig van der Berg.", names) == [
        "Berg",
        "Ludwig van der Berg",
        "Ludwig van der Berg",
    ]


def test_overlapping_names_report_the_longest_once() -> None:
    assert found("Mary Ann Smith spoke; Ann Smith listened.", ["Ann Smith", "Mary Ann Smith"]) == [
        "Mary Ann Smith",
        "Ann Smith",
    ]


def test_hits_follow_the_texts_in_order_then_their_position() -> None:
    texts = [("first", "Núñez, then José"), ("second", ""), ("third", "José")]
    assert [(hit.where, hit.name_part) for hit in name_hits(texts, ["José Núñez"])] == [
        ("first", "Núñez"),
        ("first", "José"),
        ("third", "José"),
    ]


def test_redact_replaces_every_name_and_counts_them() -> None:
    text = "Núñez met José Núñez;\nthen jose left. Nunez's notes stay."
    assert redact(text, ["José Núñez"]) == (
        "[name withheld] met [name withheld];\nthen [name withheld] left. [name withheld]'s notes stay.",
        4,
    )
    assert redact("代表团成员王芳访问", ["王芳"], replacement="某") == ("代表团成员某访问", 1)


def test_redact_keeps_the_rest_of_the_text_exactly() -> None:
    around = ["\ufeffCafe\u0301 ﬁnance 🙂\r\n", "\u00a0—\tﬀ «", "» e\u0301\u0301\x00 end"]
    text = "José Núñez".join(around)
    redacted, count = redact(text, ["José Núñez"])
    assert count == 2
    assert redacted.encode("utf-8") == "[name withheld]".join(around).encode("utf-8")


def test_excerpts_and_redactions_land_in_the_right_place_after_accents_and_ligatures() -> None:
    text = "The oﬃce of Cafe\u0301 Crème ﬁnance: Strauß signed, then ﬁona left; Mr Duﬀ stayed."
    hits = name_hits([(FINDING, text)], ["Fiona Strauss", "Ian Duff"])
    assert [hit.name_part for hit in hits] == ["Strauß", "ﬁona", "Duﬀ"]
    assert "ﬁnance: Strauß signed" in hits[0].excerpt
    assert "then ﬁona left" in hits[1].excerpt
    assert hits[2].excerpt.endswith("left; Mr Duﬀ stayed.")
    assert redact(text, ["Fiona Strauss", "Ian Duff"]) == (
        "The oﬃce of Cafe\u0301 Crème ﬁnance: [name withheld] signed, then [name withheld] left; "
        "Mr [name withheld] stayed.",
        3,
    )


def test_an_excerpt_shows_about_thirty_characters_either_side_on_one_line() -> None:
    before, after = "x" * 40 + "\n\n" + "é" * 27 + " ", " " + "ﬁ" * 27 + "\n" + "y" * 40
    (hit,) = name_hits([(FINDING, before + "Núñez" + after)], ["José Núñez"])
    assert hit.excerpt == "…" + "é" * 27 + " Núñez " + "ﬁ" * 27 + " y…"


def test_empty_names_and_empty_texts_are_fine() -> None:
    assert name_hits([], ["José Núñez"]) == []
    assert name_hits([(FINDING, "")], ["José Núñez"]) == []
    assert name_hits([(FINDING, "José Núñez")], []) == []
    assert name_hits([(FINDING, "A. Dr. van José")], ["", "   ", "A.", "Dr.", "van"]) == []
    assert redact("", ["José Núñez"]) == ("", 0)
    assert redact("José Núñez", []) == ("José Núñez", 0)


def test_a_replacement_that_is_itself_a_name_is_refused() -> None:
    with pytest.raises(ValueError):
        redact("Núñez", ["José Núñez"], replacement="Núñez")


def test_five_thousand_names_in_two_hundred_thousand_characters() -> None:
    """A city's whole list of participants against a long letter: every planted name found, nothing else."""
    rng = random.Random(20260)
    syllables = ["ka", "lo", "mi", "ra", "zu", "ven", "tor", "shi", "ne", "ba", "qu", "dor", "gri", "ost", "wy", "xe"]

    def word(size: int) -> str:
        return "".join(rng.choice(syllables) for _ in range(size)).capitalize()

    names: set[str] = set()
    while len(names) < 5000:
        kind = rng.random()
        if kind < 0.1:
            names.add("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(3)))
        elif kind < 0.3:
            names.add(f"{word(2)} {word(3)}".replace("a", "á", 1))
        else:
            names.add(f"{word(rng.choice([2, 3]))} {rng.choice(['', 'van ', 'de la '])}{word(rng.choice([2, 3, 4]))}")
    ordered = sorted(names)
    filler = ["the", "delegation", "visited", "a", "museum", "and", "signed", "an", "accord", "in", "2026"]
    words: list[str] = []
    planted: list[str] = []
    length = 0
    while length < 200_000:
        token = rng.choice(ordered) if rng.random() < 0.01 else rng.choice(filler)
        if token in names:
            planted.append(token)
        words.append(token)
        length += len(token) + 1
    text = " ".join(words)

    hits = name_hits([(FINDING, text)], ordered)
    assert [hit.name_part for hit in hits] == planted
    assert redact(text, ordered) == (
        " ".join("[name withheld]" if token in names else token for token in words),
        len(planted),
    )


# Names and texts drawn from a few letters, so that the texts are full of the names, their parts and near misses.
NAME_LETTERS = "abAÁéÉñÑ王芳 -.'ﬁ"
TEXT_PIECES = ["Will", "will", "WILL", ". ", "\n", " ", "ab", "Ab", "a\u0301b", "王", "芳", "ﬁ", "_", "-", "'", "’"]
NAMES = st.lists(st.text(alphabet=NAME_LETTERS, max_size=10), max_size=4).map(lambda drawn: [*drawn, "Grace Will"])


@settings(deadline=None)
@given(st.data())
def test_a_redacted_text_holds_no_name(data: st.DataObject) -> None:
    names = data.draw(NAMES)
    pieces = st.one_of(st.sampled_from(TEXT_PIECES + names), st.text(alphabet=NAME_LETTERS + "xyz", max_size=4))
    text = "".join(data.draw(st.lists(pieces, max_size=16)))
    assume(not name_hits([("replacement", "[name withheld]")], names))
    redacted, count = redact(text, names)
    assert name_hits([("redacted", redacted)], names) == []
    assert count >= len(name_hits([("text", text)], names))
