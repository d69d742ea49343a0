"""Embedding classifier with the real embedded MiniLM encoder (a handful of sentences)."""

from __future__ import annotations

import numpy as np
import pytest

import newsml
import newsml.encoders as encoders
from newsml.classify.embedding import CACHE, EmbeddingClassifier, SentenceVectorCache, embed_documents
from newsml.errors import ConfigError

TRAIN = [
    "Rebels attacked an army convoy and killed six soldiers.",
    "Militants stormed a police post near the border.",
    "Troops clashed with insurgents outside the city.",
    "The central bank cut its benchmark interest rate.",
    "Inflation eased as food prices fell last month.",
    "Stock markets rallied on strong company earnings.",
]
LABELS = ["violence"] * 3 + ["economy"] * 3


@pytest.fixture(scope="module")
def fitted():
    return EmbeddingClassifier(C=10.0).fit(TRAIN, LABELS)


def test_generalises_without_word_overlap(fitted):
    # no content word of these appears in the training set: only the encoder can connect them
    assert fitted.predict(["Gunmen ambushed a patrol, leaving several dead.",
                           "Consumer spending slowed and bond yields climbed."]) == ["violence", "economy"]


def test_explain_points_at_the_right_sentence(fitted):
    doc = ("The weather was mild on Tuesday. Gunmen ambushed a patrol, leaving several dead. "
           "A festival opened in the old town.")
    ev = fitted.explain(doc, top_k=1, labels=["violence"])
    assert ev["violence"][0].sentence == "Gunmen ambushed a patrol, leaving several dead."


def test_long_document_pooling_uses_sentences():
    doc = "Gunmen ambushed a patrol. Several soldiers died. The army vowed to respond."
    mean_first = embed_documents([doc], None, "mean+first")
    first = embed_documents([doc], None, "first")
    mean = embed_documents([doc], None, "mean")
    assert mean_first.shape == first.shape == mean.shape == (1, 384)
    for v in (mean_first, first, mean):
        assert abs(np.linalg.norm(v) - 1) < 1e-5
    assert not np.allclose(mean_first, first)
    assert not np.allclose(mean, first)
    # one-sentence texts: all poolings agree
    one = "Gunmen ambushed a patrol."
    np.testing.assert_allclose(embed_documents([one], None, "mean+first"), embed_documents([one], None, "first"),
                               atol=1e-6)


def test_no_repeated_encoding(fitted, monkeypatch):
    seen: list[str] = []
    real = encoders.encode

    def spy(sentences, name=None, **kw):
        seen.extend(sentences)
        return real(sentences, name, **kw)

    monkeypatch.setattr(encoders, "encode", spy)
    doc = "A truck bomb hit the market. Officials said 12 people died. A truck bomb hit the market."
    fitted.predict([doc])
    fitted.explain(doc)
    assert len(seen) == len(set(seen))  # nothing encoded twice
    assert seen.count("A truck bomb hit the market.") == 1


def test_cache_is_bounded_and_persists(tmp_path):
    cache = SentenceVectorCache(max_items=2)
    v = cache.get_many(["one", "two", "three", "one"], None)
    assert v.shape == (4, 384)
    np.testing.assert_allclose(v[0], v[3])
    assert len(cache) == 2
    cache.save_npz(tmp_path / "c.npz")
    other = SentenceVectorCache()
    assert other.load_npz(tmp_path / "c.npz") == 2


def test_tfidf_features_and_save_load(tmp_path):
    clf = EmbeddingClassifier(C=10.0, tfidf_weight=1.0).fit(TRAIN, LABELS)
    assert clf.vectorizers_ is not None
    assert clf.coef_.shape[1] > 384  # embedding + tf-idf columns
    clf.save(tmp_path)
    again = newsml.load_classifier(tmp_path)
    np.testing.assert_allclose(again.predict_proba(TRAIN), clf.predict_proba(TRAIN), atol=1e-6)


def test_multilabel_with_thresholds():
    texts = TRAIN + ["Rebels attacked as markets slumped and the currency fell."]
    labels = [["violence"], ["violence"], ["violence"], ["economy"], ["economy"], ["economy"],
              ["violence", "economy"]]
    clf = EmbeddingClassifier(multi_label=True, C=10.0, cv=0, threshold=0.4).fit(texts, labels)
    np.testing.assert_allclose(clf.thresholds_, 0.4)
    pred = clf.predict(["Soldiers were killed in a raid.", "The bank raised rates."])
    assert "violence" in pred[0] and "economy" not in pred[0]
    assert "economy" in pred[1] and "violence" not in pred[1]


def test_bad_pooling_is_a_config_error():
    with pytest.raises(ConfigError, match="pooling"):
        EmbeddingClassifier(pooling="max").fit(TRAIN, LABELS)


def test_cache_is_process_wide():
    assert len(CACHE) > 0
