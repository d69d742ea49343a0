"""Lead removal, sentence preparation, lead baseline and graph centrality."""

from __future__ import annotations

import numpy as np
import pytest

import newsml
from newsml.summarize.base import split_document, strip_lead
from newsml.summarize.graph import LexRankSummarizer, TextRankSummarizer, pagerank, tfidf_matrix


@pytest.mark.parametrize("raw, body_start", [
    ("WASHINGTON (Reuters) - The Senate voted on Tuesday to extend the programme.", "The Senate voted"),
    ("BAMAKO, Mali (AP) — The junta cut ties with Kyiv on Sunday evening.", "The junta cut"),
    ("(CNN) -- Three climbers were rescued from the glacier on Monday.", "Three climbers"),
    ("Gambiaj.com – (BAMAKO, Mali) – The military junta cut ties with Ukraine.", "The military junta"),
    ("The Senate voted on Tuesday to extend the programme.", "The Senate voted"),
])
def test_strip_lead(raw, body_start):
    assert strip_lead(raw).startswith(body_start)


def test_page_furniture_is_dropped():
    raw = ("By . Staff Reporter . PUBLISHED: . 10:01 EST, 3 March 2014 . | . UPDATED: . 11:15 EST, "
           "3 March 2014 . Police arrested two men after a bank raid in the city centre on Monday. "
           "Scroll down for video . Officers recovered most of the stolen cash within hours.")
    sents, firsts = split_document(raw)
    assert sents[0].startswith("Police arrested two men")
    assert not any("PUBLISHED" in s or "Scroll down" in s for s in sents)
    assert len(firsts) == len(sents) and firsts[0]


def test_paragraph_starts_are_recorded(toy_text):
    sents, firsts = split_document(toy_text)
    assert sents[0].startswith("Floods swept")
    assert firsts[:4] == [True, True, False, True]


def test_lead_takes_the_first_sentences(seed_text):
    lead = newsml.get_summarizer("lead")
    s = lead.summarize([seed_text], max_sentences=2)[0]
    sents = lead.split(seed_text)
    assert s.sentences == [0, 1]
    assert s.text.startswith("The military junta in Mali has severed diplomatic relations with Ukraine")
    assert s.text == f"{sents[0]} {sents[1]}"


def test_max_words_cuts_an_oversized_first_pick():
    long = " ".join(["word"] * 30) + "."
    s = newsml.get_summarizer("lead").summarize([long + " Short one."], max_words=4)[0]
    assert len(s.text.split()) <= 4 and s.sentences


def test_pagerank_prefers_the_hub():
    W = np.zeros((4, 4))
    for j in (1, 2, 3):
        W[0, j] = W[j, 0] = 1.0
    p = pagerank(W)
    assert np.isclose(p.sum(), 1.0)
    assert p.argmax() == 0 and np.allclose(p[1:], p[1])


def test_tfidf_rows_are_unit_vectors():
    X = tfidf_matrix(["Troops attacked the town.", "The town was attacked by troops.", "Markets rallied."])
    assert np.allclose(np.linalg.norm(X, axis=1), 1.0)
    assert (X[0] @ X[1]) > 0.5 and (X[0] @ X[2]) == 0.0


def test_graph_methods_pick_the_central_sentence():
    text = ("Rebels attacked the army base near Gao at dawn. "
            "The football league announced its new season schedule. "
            "Soldiers at the army base in Gao fought the rebels for hours. "
            "The rebels said they attacked the Gao base to free prisoners. "
            "A bakery in the capital opened a second shop.")
    for cls in (LexRankSummarizer, TextRankSummarizer):
        s = cls().summarize([text], max_sentences=2)[0]
        assert set(s.sentences) <= {0, 2, 3}, cls.__name__
        assert s.scores[1] < max(s.scores) and s.scores[4] < max(s.scores)


def test_fast_splitter_option(seed_text):
    from newsml.errors import ConfigError
    from newsml.summarize.base import fast_split_sentences

    assert fast_split_sentences("Gen. Musa met Mr. Diop in the U.S. capital. Talks ended.\nNew line here.") == [
        "Gen. Musa met Mr. Diop in the U.S. capital.", "Talks ended.", "New line here."]
    for name in ("lead", "textrank", "lexrank"):
        fast = newsml.get_summarizer(name, splitter="fast").summarize([seed_text])[0]
        careful = newsml.get_summarizer(name).summarize([seed_text])[0]
        assert fast.text == careful.text  # the seed splits the same way with both
    with pytest.raises(ConfigError, match="splitter"):
        newsml.get_summarizer("lead", splitter="nltk").summarize([seed_text])


def test_base_parameters_are_explicit():
    """A summariser missing (or misspelling) a keyword the base class reads fails when it is defined."""
    from newsml.summarize.base import BaseSummarizer

    with pytest.raises(TypeError, match="must take the keyword.*dedup_threshold"):
        class NoDedup(BaseSummarizer):  # noqa: F841 - the class statement itself raises
            def __init__(self, default_sentences=1, focus_weight=0.7, focus_encoder=None, batch_size=8,
                         progress=False):
                self.default_sentences, self.focus_weight, self.focus_encoder = default_sentences, focus_weight, focus_encoder
                self.batch_size, self.progress = batch_size, progress

            def _score_docs(self, docs):
                return [np.zeros(len(d.sentences)) for d in docs]

    with pytest.raises(TypeError, match="must take the keyword.*progress"):
        class Misspelt(BaseSummarizer):  # noqa: F841
            def __init__(self, default_sentences=1, focus_weight=0.7, focus_encoder=None, batch_size=8,
                         progres=False):
                pass
    from newsml.summarize.seq2seq import Seq2SeqSummarizer

    assert "dedup_threshold" not in Seq2SeqSummarizer().get_params()  # abstractive: not needed
