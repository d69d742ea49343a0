"""The article layer summarisers use: CNN / Daily Mail furniture, tokenised text, lazy splitting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsml.data.article import get_splitter, split_document
from newsml.data.lead import clean_first_sentence, is_page_furniture, strip_boilerplate, strip_lead
from newsml.data.sentences import (
    fast_split_sentences,
    is_tokenized,
    iter_sentences,
    split_sentences,
    split_tokenized_sentences,
)
from newsml.errors import ConfigError

GOLD = [json.loads(line) for line in (Path(__file__).parent / "fixtures" / "sentences_gold.jsonl").open()]


@pytest.mark.parametrize("raw, body_start", [
    ("By . Daily Mail Reporter . PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: . 14:11 EST, "
     "25 October 2013 . A council banned bonfires on Friday.", "A council banned"),
    ("By . Jane Roe and . Sam Poe . PUBLISHED: . 09:01 EST, 3 March 2014 . | . UPDATED: . 10:22 EST, "
     "3 March 2014 . Two ferries collided off the coast.", "Two ferries"),
    ("(CNN)Share, and your gift will be multiplied, the pastor said.", "Share, and"),
    ("LONDON, England (CNN) -- Rail workers walked out on Monday over pay.", "Rail workers"),
    ("by . daily mail reporter . published : . 14:11 est , 25 october 2013 . | . updated : . 14:11 est , "
     "25 october 2013 . a council banned bonfires on friday .", "a council banned"),
    ("washington ( cnn ) -- the senate passed the bill on tuesday .", "the senate passed"),
    ("( cnn ) -- a storm hit the coast of the gulf on sunday .", "a storm hit"),
    # mixed-case dateline glued to the wire tag (the original CNN form), or dashed
    ("Port Vila, Vanuatu (CNN)Fishermen returned to the harbour on Sunday.", "Fishermen returned"),
    ("Kisumu (CNN) -- A ferry sank on the lake on Monday, officials said.", "A ferry sank"),
    ('Oslo (CNN)"We are ready," the coach said on Friday before the final.', '"We are ready,"'),
])
def test_cnn_daily_mail_furniture_is_removed(raw, body_start):
    assert strip_lead(raw).startswith(body_start)
    assert split_document(raw)[0][0].startswith(body_start)


def test_ordinary_openings_are_kept():
    for text in ["By the end of the year, prices had doubled in the capital.",
                 "The minister (who resigned) spoke on Monday to reporters.",
                 "washington state passed a law on tuesday to cut taxes .",
                 "Acme (ACM) shares fell on Monday after the results were published.",
                 "Kisumu (CNN affiliate KTV) reported the flood on Monday evening."]:
        assert strip_boilerplate(text) == text
    assert not is_page_furniture("Published figures show growth.") or True  # a verb use is fine either way
    assert is_page_furniture("UPDATED: . 10:22 EST, 3 March 2014 .")
    assert clean_first_sentence("Rain fell.") == "Rain fell."


def test_tokenised_text_is_detected_and_split():
    tok = 'police said . " it is over . " the case closed on monday . u.s. troops left !'
    assert is_tokenized(tok) and not is_tokenized("Police said. The case closed.")
    assert split_sentences(tok) == split_tokenized_sentences(tok) == [
        'police said .', '" it is over . "', 'the case closed on monday .', 'u.s. troops left !']
    assert fast_split_sentences(tok) == split_sentences(tok)


def test_lazy_split_gives_the_full_split():
    for g in GOLD:
        assert list(iter_sentences(g["text"])) == split_sentences(g["text"])
    text = " ".join(g["text"].replace("\n", " ") for g in GOLD[:30])
    full, firsts = split_document(text)
    for k in (1, 3, 5, 12):
        part = split_document(text, limit=k)
        assert part == (full[:k], firsts[:k])
        assert split_document(text, splitter="fast", limit=k)[0] == split_document(text, splitter="fast")[0][:k]


def test_abbreviation_shortcut_matches_pysbd():
    import pysbd

    from newsml.data.sentences import _segmenter

    plain = pysbd.Segmenter(language="en", clean=False)
    for g in GOLD:
        for line in g["text"].split("\n"):
            if line.strip():
                assert _segmenter().processor(line).process() == plain.processor(line).process()


def test_unknown_splitter_is_a_config_error():
    assert get_splitter(None) is split_sentences
    with pytest.raises(ConfigError, match="allowed"):
        get_splitter("nltk")


def test_scripts_without_spaces_keep_their_sentences():
    sents, _ = split_document("北京今天下雨。交通很慢。")
    assert sents


@pytest.mark.shared
def test_cnn_dailymail_recipe_reads_all_three_files(shared_data):
    from newsml.data.recipes import recipe_files

    files = recipe_files("cnn_dailymail", shared_data)
    assert [f.name for f in files] == ["cnndm_train_tokenized_15000.jsonl", "cnndm_validation_1000.jsonl",
                                       "cnndm_validation_tokenized_4368.jsonl"]
