"""Issue 11, item 3: one long document must not kill the batch (bounded cost per document).

Every summariser and classifier scores at most ``max_input_chars`` characters and (summarisers)
``max_input_sentences`` sentences of a document, reports the cut in ``Summary.truncated`` / the
``truncated`` JSON field, and no dense matrix grows with the square of the document's size. Memory is
measured with tracemalloc (numpy arrays are traced): before the caps a 3 MB document asked LexRank
for a dense 30,000 x 30,000 matrix (7 GB).
"""

from __future__ import annotations

import json
import random
import tracemalloc

import pytest

import newsml
from newsml.cli import main
from newsml.data import Document

_VOCAB = ("troops shelled town residents fled army rebels minister talks collapsed border market prices rose "
          "fell government announced sanctions election vote court ruling police arrested protesters city "
          "capital president officials reported convoy bridge river harvest drought").split()


def _article(n_chars: int, seed: int = 0) -> str:
    """Our own synthetic news-like text of about ``n_chars`` characters (paragraphs of varied sentences)."""
    rng = random.Random(seed)
    paras, size = [], 0
    while size < n_chars:
        sents = [" ".join(rng.choice(_VOCAB) for _ in range(rng.randint(8, 18))).capitalize() + "."
                 for _ in range(5)]
        para = " ".join(sents)
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras)


@pytest.fixture(scope="module")
def huge() -> str:
    return _article(3_000_000)  # 3 MB: ~30,000 sentences


def _peak_mb(fn):
    tracemalloc.start()
    try:
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak / 1e6


# the embedding methods run with a small sentence cap: the cap mechanism is
# the same, and encoding the default 1,000 sentences is benchmarked in experiments/bench_limits.py
_CASES = [
    ("lead", {}),
    ("textrank", {"max_input_sentences": 300}),
    ("lexrank", {}),
    ("supervised", {}),
    ("centroid", {"max_input_sentences": 40}),
    ("mmr", {"max_input_sentences": 40}),
]


@pytest.mark.parametrize("method,params", _CASES, ids=[c[0] for c in _CASES])
def test_multi_mb_document_is_capped_with_bounded_memory(method, params, huge):
    summarizer = newsml.get_summarizer(method, **params)
    assert {"max_input_chars", "max_input_sentences"} <= set(summarizer.get_params())  # configurable cap
    summarizer.summarize(["A warm-up sentence loads the models. Nothing else happens here."])
    summary, peak = _peak_mb(lambda: summarizer.summarize([huge], max_sentences=2)[0])
    assert summary.text and len(summary.sentences) == 2
    cut = summary.truncated
    assert cut is not None and cut["input_chars"] == len(huge)
    if method == "lead":  # the lead splits only the top of the article (max_sentences + 2 sentences)
        assert cut["scored_sentences"] == 4
    else:
        assert cut["scored_sentences"] == summarizer.get_params()["max_input_sentences"]
    assert cut["scored_chars"] <= summarizer.get_params()["max_input_chars"]
    assert len(summary.scores) == cut["scored_sentences"]
    assert peak < 150, f"{method}: peak traced memory {peak:.0f} MB"


def test_default_caps_and_an_uncut_article_reports_nothing():
    s = newsml.get_summarizer("lexrank")
    assert s.get_params()["max_input_chars"] == 200_000 and s.get_params()["max_input_sentences"] == 1_000
    assert s.summarize([_article(3_000)])[0].truncated is None


def test_pre_split_document_is_capped_too():
    sents = [f"Troops crossed bridge number {i} near the river town." for i in range(5_000)]
    doc = Document(id="d", text=" ".join(sents), sentences=sents)
    lexrank = newsml.get_summarizer("lexrank", max_input_sentences=500, max_input_chars=None)
    summary, peak = _peak_mb(lambda: lexrank.summarize([doc])[0])
    assert summary.truncated["reason"] == "max_input_sentences"
    assert summary.truncated["input_sentences"] == 5_000 and summary.truncated["scored_sentences"] == 500
    assert all(i < 500 for i in summary.sentences)
    assert peak < 100
    by_chars = newsml.get_summarizer("lexrank", max_input_chars=10_000).summarize([doc])[0].truncated
    assert by_chars["reason"] == "max_input_chars" and by_chars["scored_chars"] <= 10_000


def test_one_huge_document_does_not_stop_the_batch(huge):
    short = ["Rebels seized the northern town on Monday. The army sent reinforcements. Residents fled.",
             "Parliament passed the budget after a long debate. The vote was close. Markets rose."]
    textrank = newsml.get_summarizer("textrank")
    assert "max_input_sentences" in textrank.get_params()  # (without a cap this asks for a 7 GB matrix)
    out = textrank.summarize([short[0], huge, short[1]], max_sentences=1)
    assert [s.truncated is None for s in out] == [True, False, True]
    assert out[0].text.startswith("Rebels seized") or out[0].text in short[0]
    assert out[2].text and out[2].text in short[1]
    assert out[1].text and out[1].text in huge


def test_summarize_cli_reports_the_cut(tmp_path, huge, capsys):
    (tmp_path / "a_huge.txt").write_text(huge)
    (tmp_path / "b_short.txt").write_text("Rebels seized the town on Monday. The army sent reinforcements.")
    # lexrank scores every sentence up to the cap (lead would read only the top of the article)
    assert main(["summarize", str(tmp_path), "--method", "lexrank", "--format", "json",
                 "--max-input-sentences", "200"]) == 0
    captured = capsys.readouterr()
    recs = {r["id"]: r for r in map(json.loads, captured.out.splitlines())}
    assert recs["a_huge"]["truncated"]["scored_sentences"] == 200
    assert "truncated" not in recs["b_short"] and recs["b_short"]["summary"].startswith("Rebels seized")
    assert "2 read, 0 skipped, 1 cut" in captured.err


def test_classifier_caps_the_text_it_scores(huge):
    clf = newsml.get_classifier("keyword")
    assert clf.max_input_chars == 200_000
    text, cut = clf.cap_text(huge)
    assert len(text) <= 200_000 and cut["input_chars"] == len(huge)
    clf.max_input_chars = 5_000
    clf.predict_proba(["A warm-up sentence loads the taxonomy."])
    with pytest.warns(UserWarning, match="1 text"):
        (P, ev), peak = _peak_mb(lambda: (clf.predict_proba([huge]), clf.explain(huge, top_k=1)))
    assert P.shape == (1, len(clf.classes_))
    assert all(e.index < 100 for items in ev.values() for e in items)  # evidence from the scored head only
    assert peak < 100


def test_classify_cli_reports_the_cut(tmp_path, capsys):
    huge = _article(600_000)
    (tmp_path / "huge.txt").write_text(huge)
    assert main(["classify", str(tmp_path), "--model", "keyword", "--format", "json",
                 "--max-input-chars", "50000"]) == 0
    captured = capsys.readouterr()
    (rec,) = [json.loads(x) for x in captured.out.splitlines()]
    assert rec["truncated"]["input_chars"] >= len(huge) - 10 and rec["truncated"]["scored_chars"] <= 50_000
    assert "1 read, 0 skipped, 1 cut" in captured.err
