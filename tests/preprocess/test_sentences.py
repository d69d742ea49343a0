from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsml.data.sentences import pysbd_sentences, split_sentences

GOLD = [json.loads(line) for line in (Path(__file__).parent / "fixtures" / "sentences_gold.jsonl").open()]


def test_heldout_sample_accuracy():
    heldout = [json.loads(line) for line in (Path(__file__).parent / "fixtures" / "sentences_heldout.jsonl").open()]
    assert len(heldout) >= 20
    assert sum(split_sentences(g["text"]) == g["sentences"] for g in heldout) / len(heldout) >= 0.9


def test_gold_sample_is_big_enough_and_varied():
    assert len(GOLD) >= 60
    assert len({g["note"] for g in GOLD}) >= 10


def test_gold_accuracy_beats_plain_pysbd():
    ours = sum(split_sentences(g["text"]) == g["sentences"] for g in GOLD) / len(GOLD)
    base = sum(pysbd_sentences(g["text"]) == g["sentences"] for g in GOLD) / len(GOLD)
    assert ours >= 0.95
    assert ours > base


@pytest.mark.parametrize("text,expected", [
    ("Insp. Kumar filed the report. The case was closed.", ["Insp. Kumar filed the report.", "The case was closed."]),
    ("Col. Maiga spoke. The U.S. said nothing.", ["Col. Maiga spoke.", "The U.S. said nothing."]),
    ("J. R. Smith scored. Fans cheered.", ["J. R. Smith scored.", "Fans cheered."]),
    ('He said: "We stay." Then he left.', ['He said: "We stay."', "Then he left."]),
    ("Profits hit $1.5bn, up 3.5%. Shares rose.", ["Profits hit $1.5bn, up 3.5%.", "Shares rose."]),
    ("Sales rose to $10.9bn.For the year, profit fell.", ["Sales rose to $10.9bn.", "For the year, profit fell."]),
    ("It ended at approx. 4 pm. Nobody was hurt.", ["It ended at approx. 4 pm.", "Nobody was hurt."]),
    ("He moved to Washington, D.C. He liked it.", ["He moved to Washington, D.C.", "He liked it."]),
    ('"It is over." "No," she said.', ['"It is over."', '"No," she said.']),
])
def test_tricky_cases(text, expected):
    assert split_sentences(text) == expected


def test_lines_are_boundaries_and_wrapped_lines_rejoin():
    text = "HEADLINE IN CAPITALS\nThe ministry said the\nfigures were provisional. More later."
    assert split_sentences(text) == ["HEADLINE IN CAPITALS", "The ministry said the figures were provisional.",
                                     "More later."]


def test_empty_input():
    assert split_sentences("") == [] and split_sentences(" \n ") == []


def test_seed_article_has_17_sentences(seeds_dir):
    from newsml.data.lead import parse_lead
    from newsml.data.normalize import normalize_text

    text = (seeds_dir / "000_7720f7d8ad8d4f8e.txt").read_text(encoding="utf-8")
    sents = split_sentences(parse_lead(normalize_text(text)).body)
    assert 16 <= len(sents) <= 18
    assert sents[0].startswith("The military junta")


def test_easy_boundaries_skip_pysbd_but_agree_with_it():
    """Plain boundaries are cut without pysbd; quotes, brackets and abbreviations still go through it."""
    from newsml.data.sentences import _easy_pieces, pysbd_sentences

    text = ('Sales rose 2%. Mr. Diop left Google. "We won. They lost," he said. '
            'The deal (signed in Bamako. Or so) held. Capt. Ba agreed. Talks ended on Jan. 5 in Dakar.')
    pieces = _easy_pieces(text)
    assert pieces[:3] == ["Sales rose 2%.", "Mr. Diop left Google.", '"We won. They lost," he said.']
    assert "The deal (signed in Bamako. Or so) held." in pieces  # no cut inside brackets
    assert not any(p.endswith("Capt.") for p in pieces)  # no cut after an abbreviation
    assert split_sentences(text) == [
        "Sales rose 2%.", "Mr. Diop left Google.", '"We won. They lost," he said.',
        "The deal (signed in Bamako. Or so) held.", "Capt. Ba agreed.", "Talks ended on Jan. 5 in Dakar."]
    # on text with only easy boundaries the result equals plain pysbd's
    easy = "The army withdrew. Rebels took the town. Residents fled to Gao."
    assert split_sentences(easy) == pysbd_sentences(easy)


def test_glued_sentence_ends_still_reach_pysbd():
    """Ends without a space (BBC summaries: ``"circumstances"."We``) are not mistaken for one sentence."""
    from newsml.data.sentences import _INNER_END

    for glued in ('due to "extraordinary circumstances"."We reckon', "starts at 'BBB-'.S&P lifted",
                  "shed 43%.- Shares in", 'it had been a "difficult year"."2005 will'):
        assert _INNER_END.search(glued), glued
    assert not _INNER_END.search("Prices rose 3.5% to $1.2bn in the year to March.")
    assert split_sentences('Flights were delayed due to "extraordinary circumstances"."We reckon it will cost '
                           'passengers," he said.') == [
        'Flights were delayed due to "extraordinary circumstances".', '"We reckon it will cost passengers," he said.']


def test_quote_reopened_after_a_lost_paragraph_break_does_not_merge_sentences():
    # a quotation running over a paragraph break: no closing mark, reopened with '"' (break lost)
    text = ('The coach spoke on Monday. "We are not scoring like we did before. We have one goal in two games. '
            '"That is the problem we must fix," he said. The club is now ninth in the table. '
            'Fans were unhappy with the result.')
    sents = split_sentences(text)
    assert sents[-2:] == ["The club is now ninth in the table.", "Fans were unhappy with the result."]
    assert '"That is the problem we must fix," he said.' in sents
    assert max(len(s.split()) for s in sents) < 15
    # an ordinary closing quote followed by a new sentence still stays with its sentence
    assert split_sentences('He said "it is over." Then he left the room.') == [
        'He said "it is over."', "Then he left the room."]
