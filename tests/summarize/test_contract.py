"""The contract every registered summariser must keep (extractive ones; seq2seq in test_seq2seq.py)."""

from __future__ import annotations

import pytest

import newsml
from newsml.errors import ConfigError, InputError, RegistryError
from newsml.summarize import DEFAULT_SUMMARIZER, summarizers
from newsml.summarize.base import Summary

EXTRACTIVE = ["lead", "textrank", "lexrank", "centroid", "mmr", "supervised"]

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def build():
    cache = {}

    def _build(name):
        if name not in cache:
            cache[name] = newsml.get_summarizer(name)
        return cache[name]

    return _build


def test_registry_lists_every_builtin():
    names = newsml.list_summarizers()
    for n in EXTRACTIVE + ["seq2seq"]:
        assert n in names
    assert DEFAULT_SUMMARIZER in names
    assert summarizers.entry_point_group == "newsml.summarizers"


def test_unknown_name_and_param_are_reported():
    with pytest.raises(RegistryError, match="allowed"):
        newsml.get_summarizer("no-such-method")
    with pytest.raises(ConfigError, match="max_sentense"):
        newsml.get_summarizer("lead", max_sentense=3)


@pytest.mark.parametrize("name", EXTRACTIVE)
def test_contract(name, build, toy_text, seed_text):
    s = build(name)
    out = s.summarize(["", "Only one sentence here about the floods.", toy_text, seed_text])
    assert all(isinstance(x, Summary) and x.method == name for x in out)
    # empty text
    assert out[0].text == "" and out[0].sentences == []
    # one sentence
    assert out[1].text == "Only one sentence here about the floods." and out[1].sentences == [0]
    # default budget: 3 sentences, in document order, text = those sentences
    for doc, summ in ((toy_text, out[2]), (seed_text, out[3])):
        sents = s.split(doc)
        assert len(summ.sentences) == 3
        assert summ.sentences == sorted(summ.sentences)
        assert summ.text == " ".join(sents[i] for i in summ.sentences)
        if name == "lead":  # the lead reads only the top of the article: scores cover what it split
            assert 3 <= len(summ.scores) <= len(sents)
        else:
            assert len(summ.scores) == len(sents)
    # no dangling dateline or source
    assert not out[2].text.startswith(("NAIROBI", "(AP)"))
    assert not out[3].text.startswith("Gambiaj")
    # the two near-identical rescue sentences are never both chosen
    assert not {1, 2} <= set(s.summarize([toy_text], max_sentences=5)[0].sentences)


@pytest.mark.parametrize("name", EXTRACTIVE)
def test_length_limits(name, build, seed_text):
    s = build(name)
    for k in (1, 2, 4):
        assert len(s.summarize([seed_text], max_sentences=k)[0].sentences) == k
    for w in (5, 40, 80):
        summ = s.summarize([seed_text], max_words=w)[0]
        assert 0 < len(summ.text.split()) <= w
    n = len(s.split(seed_text))
    assert len(s.summarize([seed_text], ratio=0.25)[0].sentences) == round(0.25 * n)
    # the strictest limit wins
    assert len(s.summarize([seed_text], max_sentences=1, ratio=0.5)[0].sentences) == 1


@pytest.mark.parametrize("name", EXTRACTIVE)
def test_deterministic_and_batch_independent(name, build, toy_text, seed_text):
    s = build(name)
    a = s.summarize([seed_text, toy_text])
    b = s.summarize([toy_text])
    c = s.summarize([seed_text, toy_text])
    assert [x.text for x in a] == [x.text for x in c]
    assert a[1].sentences == b[0].sentences


def test_bad_inputs(build, seed_text):
    s = build("lead")
    with pytest.raises(InputError, match="list"):
        s.summarize(seed_text)
    with pytest.raises(ConfigError, match="ratio"):
        s.summarize([seed_text], ratio=1.5)
    with pytest.raises(InputError, match="texts\\[0\\]"):
        s.summarize([42])


def test_document_and_presplit_inputs(build, seed_text):
    from newsml.data import Document

    s = build("lexrank")
    doc = Document(id="d", text=seed_text)
    presplit = {"text": "", "sentences": ["First fact here.", "Second fact here.", "Third one."]}
    out = s.summarize([doc, presplit], max_sentences=2)
    assert out[0].text == s.summarize([seed_text], max_sentences=2)[0].text
    assert len(out[1].sentences) == 2
    assert out[1].text.startswith(("First", "Second"))


def test_save_and_load_unsupervised(tmp_path, seed_text):
    from newsml.summarize import load_summarizer

    s = newsml.get_summarizer("lexrank", threshold=0.2, default_sentences=2)
    s.save(tmp_path / "lr")
    back = load_summarizer(tmp_path / "lr")
    assert type(back).__name__ == "LexRankSummarizer" and back.threshold == 0.2
    assert back.summarize([seed_text])[0].text == s.summarize([seed_text])[0].text
