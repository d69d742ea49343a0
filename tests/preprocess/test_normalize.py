from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsml.data.normalize import fix_mojibake, normalize_text, repair_run_on_sentences


def test_unicode_nfc_and_spaces():
    assert normalize_text("Cafe\u0301  au\u00a0lait\t\u200bnow") == "Caf\u00e9 au lait now"


def test_quotes_straightened_dashes_kept():
    out = normalize_text("\u201cNo,\u201d she said \u2014 it\u2019s 10\u201312 \u2015 or \u2212 5")
    assert out == "\"No,\" she said \u2014 it's 10\u201312 \u2014 or - 5"


def test_control_chars_removed_and_newlines_unified():
    assert normalize_text("one\x00two\x07.\r\nThree.\rFour.") == "onetwo.\nThree.\nFour."


def test_blank_lines_collapse_to_one():
    assert normalize_text("First.\n\n\n\n  Second.  ") == "First.\n\nSecond."


def test_hard_wrapped_lines_rejoined_but_headings_kept():
    text = "BAHIA CROP REPORT\nRain continued in the\nregion this week, officials\nsaid. Prices fell.\nA new line."
    assert normalize_text(text) == ("BAHIA CROP REPORT\nRain continued in the region this week, officials said. "
                                    "Prices fell.\nA new line.")


def test_line_break_hyphens():
    # suffix -> joined; word seen elsewhere -> joined; otherwise the hyphen is kept
    assert normalize_text("The govern-\nment fell.") == "The government fell."
    assert normalize_text("A well-\nknown man.") == "A well-known man."
    assert normalize_text("The cease-\nfire held. The ceasefire was new.") == "The ceasefire held. The ceasefire was new."


def test_unwrap_can_be_disabled():
    assert normalize_text("a\nb", unwrap=False) == "a\nb"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab A.-,;\n\t\r \u00a0\u201c\u201d\u2019\u2014\u2015\u200b\x07e\u0301(1")),
               max_size=60))
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_normalize_is_idempotent_on_any_unicode(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_repair_run_on_sentences():
    fixed, n = repair_run_on_sentences("Sales hit $10.9bn.For the year, profit rose.The U.S. said 3.5% was fine.A rise.")
    assert fixed == "Sales hit $10.9bn. For the year, profit rose. The U.S. said 3.5% was fine. A rise."
    assert n == 3


def test_fix_mojibake():
    broken = "the \u00e2\u20ac\u02dcmarch\u00e2\u20ac\u2122 and \u00e2\u20ac\u0153we demand\u00e2\u20ac\ufffd"
    fixed, n = fix_mojibake(broken)
    assert fixed == "the \u2018march\u2019 and \u201cwe demand\u201d"
    assert n == 4
    assert fix_mojibake("plain text, caf\u00e9")[1] == 0


def test_repair_run_on_sentences_knows_opening_from_closing_quotes():
    text = 'He spoke.\"We stay,\" he said.\"No.\"The end came in the US.Then silence.'
    fixed, n = repair_run_on_sentences(text)
    assert fixed == 'He spoke. "We stay," he said. "No." The end came in the US. Then silence.'
    assert n == 4
