"""The abstractive summariser end to end on a tiny random BART built locally (shapes, not quality)."""

from __future__ import annotations

import pytest

import newsml
from newsml.errors import ModelLoadError

DOC = ("Floods swept through three villages on Tuesday. Rescue teams used boats to reach families. "
       "The government promised emergency funds. Opposition leaders blamed ministers. "
       "More heavy rain is expected next week.")

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def bart(tiny_bart_dir):
    return newsml.get_summarizer("seq2seq", model_name=str(tiny_bart_dir), num_beams=2, min_new_tokens=3,
                                 max_new_tokens=8, batch_size=2)


def test_generates_one_summary_per_text(bart):
    out = bart.summarize([DOC, "One short sentence about rain.", ""])
    assert len(out) == 3
    assert out[0].text and out[1].text and out[2].text == ""
    assert all(s.method == "seq2seq" and s.sentences == [] for s in out)
    assert bart.window() == 128  # the tiny model's position limit


def test_deterministic(bart):
    assert [s.text for s in bart.summarize([DOC, DOC])] == [s.text for s in bart.summarize([DOC, DOC])]


def test_chunking_path(tiny_bart_dir):
    s = newsml.get_summarizer("seq2seq", model_name=str(tiny_bart_dir), num_beams=1, min_new_tokens=2,
                              max_new_tokens=6, max_input_tokens=24, max_rounds=2)
    sents = s.split(DOC)
    chunks = s.chunk(sents)
    assert len(chunks) > 1
    for c in chunks:
        assert len(s.tokenizer_(c)["input_ids"]) <= 24
    assert " ".join(chunks).split() == " ".join(sents).split()  # nothing lost, order kept
    calls = []
    real = s.generate

    def counting(texts, max_words=None):
        calls.append(len(texts))
        return real(texts, max_words=max_words)

    s.generate = counting
    out = s.summarize([DOC])[0]
    assert out.text
    assert calls[0] == len(chunks) and len(calls) == 2  # chunks, then the summary of the summaries


def test_length_limits(bart):
    assert len(bart.summarize([DOC], max_words=3)[0].text.split()) <= 3
    long = newsml.get_summarizer("seq2seq", model_name=bart.model_name, num_beams=1, min_new_tokens=30,
                                 max_new_tokens=40)
    text = long.summarize([DOC], max_sentences=1)[0].text
    from newsml.data import split_sentences

    assert len(split_sentences(text)) <= 1


def test_bad_checkpoint_is_reported(tmp_path):
    with pytest.raises(ModelLoadError, match="local checkpoint"):
        newsml.get_summarizer("seq2seq", model_name=str(tmp_path / "missing")).summarize([DOC])


def test_focus_keeps_relevant_sentences_in_order(bart, seed_text):
    doc = bart._prepare([seed_text])[0]
    kept = bart._focus_filter(doc, ["Senegal summoned the Ukrainian ambassador"])
    assert 3 <= len(kept) < len(doc.sentences)
    assert any("Senegal" in s for s in kept)
    positions = [doc.sentences.index(s) for s in kept]
    assert positions == sorted(positions)
    assert bart.summarize([seed_text], focus=["diplomatic_protest"], max_words=6)[0].text
