"""The NLI zero-shot tagger on a tiny random NLI model: shapes, determinism, evidence, save/load, errors.

The tiny model has random weights, so these tests check the plumbing, not the quality.
"""

from __future__ import annotations

import numpy as np
import pytest

import newsml
from newsml.classify.nli import NLIZeroShotClassifier, load_nli
from newsml.errors import ModelLoadError

DOC = "Markets were calm. Rebels overran the army base and soldiers fled. The ministry summoned the envoy."


@pytest.fixture(scope="module")
def nli(tiny_nli_dir):
    return NLIZeroShotClassifier(model=str(tiny_nli_dir), batch_size=7)


def test_entailment_label_found_from_config(tiny_nli_dir):
    tok, net, ent, con = load_nli(str(tiny_nli_dir))
    assert net.config.id2label[ent].lower() == "entailment"
    assert net.config.id2label[con].lower() == "contradiction"


def test_shapes_and_probabilities(nli):
    P = nli.predict_proba([DOC, "Shares rose."])
    assert P.shape == (2, 18)
    assert np.all((P >= 0) & (P <= 1))
    assert len(nli.hypotheses_) == 18
    assert nli.hypotheses_[0] == "This text is about diplomatic rupture."
    pred = nli.predict([DOC])
    assert isinstance(pred[0], list)


def test_document_score_is_max_of_sentence_scores(nli):
    sents = ["Markets were calm.", "Rebels overran the army base and soldiers fled.", "The ministry summoned the envoy."]
    S = nli.sentence_scores(sents)
    assert S.shape == (3, 18)
    np.testing.assert_allclose(nli.predict_proba([DOC])[0], S.max(axis=0), atol=1e-5)
    # duplicates get identical rows, batching does not change scores
    S2 = NLIZeroShotClassifier(model=nli.model, batch_size=64).sentence_scores(sents + sents[:1])
    np.testing.assert_allclose(S2[:3], S, atol=1e-5)
    np.testing.assert_allclose(S2[3], S2[0], atol=1e-6)


def test_explain_returns_sentences_with_matching_scores(nli):
    ev = nli.explain(DOC, top_k=2, labels=["military_defeat", "diplomatic_protest"])
    assert set(ev) == {"military_defeat", "diplomatic_protest"}
    S = nli.sentence_scores(["Markets were calm.", "Rebels overran the army base and soldiers fled.",
                             "The ministry summoned the envoy."])
    j = list(nli.classes_).index("military_defeat")
    assert ev["military_defeat"][0].score == pytest.approx(float(S[:, j].max()), abs=1e-5)
    assert all(e.sentence in DOC for items in ev.values() for e in items)


def test_template_and_mean_aggregate(tiny_nli_dir):
    clf = NLIZeroShotClassifier(model=str(tiny_nli_dir), hypothesis_template="Topic: {name}. {definition}",
                                aggregate="mean")
    clf.predict_proba(["x."])
    assert clf.hypotheses_[0].startswith("Topic: diplomatic rupture. A government severs")
    S = clf.sentence_scores(["Markets were calm.", "Rebels overran the army base and soldiers fled.",
                             "The ministry summoned the envoy."])
    np.testing.assert_allclose(clf.predict_proba([DOC])[0], S.mean(axis=0), atol=1e-5)


def test_fit_on_new_labels_and_save_load(tiny_nli_dir, tmp_path):
    clf = NLIZeroShotClassifier(model=str(tiny_nli_dir), multi_label=False)
    clf.fit(["Troops clashed.", "Shares fell."], ["armed_conflict", "stock_markets"])
    assert clf.hypotheses_ == ["This text is about armed conflict.", "This text is about stock markets."]
    P = clf.predict_proba([DOC])
    np.testing.assert_allclose(P.sum(1), 1.0, atol=1e-5)
    clf.save(tmp_path / "nli")
    again = newsml.load_classifier(tmp_path / "nli")
    np.testing.assert_allclose(again.predict_proba([DOC]), P, atol=1e-5)
    assert again.hypotheses_ == clf.hypotheses_


def test_model_without_entailment_label_is_a_clear_error(tiny_bert_dir):
    with pytest.raises(ModelLoadError, match="entailment"):
        NLIZeroShotClassifier(model=str(tiny_bert_dir)).predict(["x."])


def test_missing_model_names_it(tmp_path):
    with pytest.raises(ModelLoadError, match="no_model_here"):
        NLIZeroShotClassifier(model=str(tmp_path / "no_model_here")).predict(["x."])
