"""Named values in narratives: substitution, escapes, unknown names, and text that must never reach Python."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.errors import UserError
from desktop_app.core.reports.fonts import markup
from desktop_app.core.reports.named_values import check_text, fill, named_values, placeholders
from desktop_app.core.reports.narratives import (
    RETIRED_CLOSINGS,
    RETIRED_INTRODUCTIONS,
    RETIRED_NARRATIVES,
    current_narrative,
    default_closing,
    default_introduction,
)

VALUES = {name: f"<{name}>" for name in named_values()}


def test_known_names_are_replaced_and_double_braces_are_literal() -> None:
    text = "{jurisdiction_name} has {active_partnerships} active; {{not a value}} and {{{total_partnerships}}}."
    assert fill(text, VALUES) == (
        "<jurisdiction_name> has <active_partnerships> active; {not a value} and {<total_partnerships>}."
    )


def test_every_named_value_has_a_description() -> None:
    described = named_values()
    assert {"active_partnerships", "suspended_partnerships", "terminated_partnerships"} <= set(described)
    assert {"agreements_published", "last_review_date", "jurisdiction_name"} <= set(described)
    assert all(isinstance(text, str) and len(text) > 10 for text in described.values())


def test_default_texts_use_only_known_names() -> None:
    for text in (default_introduction(), default_closing()):
        check_text(text)
        assert placeholders(text)


def test_texts_earlier_versions_put_in_drafts_give_way_to_todays() -> None:
    for text in RETIRED_NARRATIVES | RETIRED_INTRODUCTIONS | RETIRED_CLOSINGS:
        check_text(text)
    # The old default claimed "civic and cultural exchanges" whatever the records held: it is no longer printed.
    claim = next(text for text in RETIRED_NARRATIVES if "civic and cultural exchanges" in text)
    assert current_narrative(claim) == ""
    assert current_narrative("Our own words.") == "Our own words."


def test_an_unknown_name_gets_a_sentence_listing_the_known_ones() -> None:
    with pytest.raises(UserError) as caught:
        fill("We have {number_of_spies} partnerships.", VALUES)
    message = caught.value.message
    assert "{number_of_spies}" in message
    assert "{active_partnerships}" in message and "{last_review_date}" in message
    assert "Traceback" not in message


@pytest.mark.parametrize(
    "text",
    [
        "{__class__}",
        "{0.__init__}",
        "{jurisdiction_name.__class__.__mro__}",
        "{jurisdiction_name[0]}",
        "{0}",
        "{}",
        "{jurisdiction_name!r}",
        "{jurisdiction_name:>10}",
        "{ __import__('os').system('true') }",
        "an opening brace { never closed",
    ],
)
def test_text_that_looks_like_code_is_refused(text: str) -> None:
    with pytest.raises(UserError):
        fill(text, VALUES)


@given(st.text(max_size=200))
def test_any_text_either_fills_or_gives_a_sentence(text: str) -> None:
    try:
        result = fill(text, VALUES)
    except UserError as error:
        assert error.message
    else:
        assert isinstance(result, str)
        if "{" not in text and "}" not in text:
            assert result == text


def test_markup_escapes_and_sets_chinese_in_the_fallback_face() -> None:
    text = markup("Hefei (合肥) <b>&</b>")
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in text
    assert '<font name="LetterCJK">合肥</font>' in text
