"""TF-IDF classifier: learning, calibration, multi-label thresholds, no-pickle save/load, speed."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

import newsml
from newsml.classify.base import tune_thresholds
from newsml.classify.tfidf import THRESHOLD_GRID, TfidfClassifier, fit_platt
from newsml.errors import ConfigError

CONFLICT = [
    "Rebels shelled the army base overnight, killing four soldiers.",
    "Troops fought militants for control of the bridge.",
    "An air strike hit a rebel camp near the border.",
    "Gunmen ambushed a patrol and soldiers returned fire.",
    "Artillery fire pounded the besieged town for a third day.",
    "The army said it repelled an attack by insurgents on the garrison.",
]
ECONOMY = [
    "The central bank cut interest rates to support growth.",
    "Inflation slowed for the second month as fuel prices fell.",
    "Shares rallied after strong quarterly earnings from banks.",
    "The currency weakened as exports dropped sharply.",
    "Bond yields rose on fears of higher borrowing costs.",
    "Retail sales beat forecasts in the holiday quarter.",
]
DIPLOMACY = [
    "The foreign minister recalled the ambassador for consultations.",
    "The government expelled three diplomats over spying claims.",
    "Both countries agreed to restore diplomatic relations.",
    "The embassy was closed and its staff ordered to leave.",
    "The envoy was summoned to receive a formal protest.",
    "Leaders held talks on reopening consulates.",
]
TEXTS = CONFLICT + ECONOMY + DIPLOMACY
LABELS = ["conflict"] * 6 + ["economy"] * 6 + ["diplomacy"] * 6


@pytest.mark.parametrize("model", ["svm", "logreg"])
def test_learns_topics_and_generalises(model):
    clf = TfidfClassifier(model=model, C=10.0).fit(TEXTS, LABELS)
    assert clf.predict(["Militants attacked an army patrol near the border.",
                        "The bank raised interest rates again.",
                        "The ambassador was expelled and the embassy closed."]) == \
        ["conflict", "economy", "diplomacy"]
    P = clf.predict_proba(TEXTS)
    np.testing.assert_allclose(P.sum(1), 1.0, atol=1e-5)
    # training texts get their own label with a clear margin
    assert (P[np.arange(len(TEXTS)), [list(clf.classes_).index(lab) for lab in LABELS]] > 0.4).all()


def test_calibrated_probabilities_are_not_degenerate():
    clf = TfidfClassifier().fit(TEXTS, LABELS)
    P = clf.predict_proba(["Something entirely unrelated about gardening tips."])
    # an off-topic text should not get a confident label
    assert P.max() < 0.8
    a, b = fit_platt(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0, 0, 1, 1]))
    assert a > 0  # higher score -> higher probability


def test_char_ngrams_handle_unseen_inflections():
    text = ["Insurgency shelling by militant artillerymen"]
    char = TfidfClassifier(char_ngrams=True, C=10.0).fit(TEXTS, LABELS)
    word = TfidfClassifier(C=10.0).fit(TEXTS, LABELS)
    assert len(char.vectorizers_) == 2
    j = list(char.classes_).index("conflict")

    def margin(clf):  # raw-score margin of "conflict" over the best other class
        z = clf.decision_function(text)[0]
        return z[j] - np.delete(z, j).max()

    assert char.predict(text) == ["conflict"]
    assert margin(char) > margin(word)


def test_multilabel_thresholds_learned_by_internal_cv():
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for i in range(60):
        parts, labs = [], []
        if rng.random() < 0.5:
            parts.append(CONFLICT[i % 6])
            labs.append("conflict")
        if rng.random() < 0.3:
            parts.append(DIPLOMACY[i % 6])
            labs.append("diplomacy")
        if not parts:
            parts.append(ECONOMY[i % 6])
        texts.append(" ".join(parts))
        labels.append(labs)
    clf = TfidfClassifier(multi_label=True).fit(texts, labels)
    assert list(clf.classes_) == ["conflict", "diplomacy"]
    assert clf.cv_proba_.shape == (60, 2)
    # thresholds were tuned, not left at the 0.5 default
    assert not np.allclose(clf.thresholds_, 0.5)
    pred = clf.predict([CONFLICT[0] + " " + DIPLOMACY[1], ECONOMY[2]])
    assert set(pred[0]) == {"conflict", "diplomacy"}
    assert pred[1] == []
    fixed = TfidfClassifier(multi_label=True, tune_thresholds=False, threshold=0.3).fit(texts, labels)
    np.testing.assert_allclose(fixed.thresholds_, 0.3)


def test_validation_data_sets_the_thresholds():
    """With validation data, multi-label thresholds are the F1-best ones on it, replacing the fixed default."""
    labels = [[lab] for lab in LABELS]
    val_texts, val_labels = TEXTS[::2], labels[::2]
    plain = TfidfClassifier(multi_label=True, tune_thresholds=False).fit(TEXTS, labels)
    np.testing.assert_allclose(plain.thresholds_, 0.5)
    clf = TfidfClassifier(multi_label=True, tune_thresholds=False).fit(TEXTS, labels,
                                                                       validation=(val_texts, val_labels))
    Y = np.array([[c in lab for c in clf.classes_] for lab in val_labels], dtype=float)
    expected = tune_thresholds(Y, clf.predict_proba(val_texts))
    np.testing.assert_allclose(clf.thresholds_, expected)
    assert not np.allclose(clf.thresholds_, 0.5)


def test_save_is_json_and_safetensors_only(tmp_path):
    clf = TfidfClassifier().fit(TEXTS, LABELS)
    clf.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newsml_classifier.json", "weights.safetensors"]
    cfg = json.loads((tmp_path / "newsml_classifier.json").read_text())
    assert cfg["newsml_version"] == newsml.__version__
    assert cfg["name"] == "tfidf"
    assert "rebels" in cfg["state"]["tfidf_vocab_0"]
    again = newsml.load_classifier(tmp_path)
    np.testing.assert_allclose(again.predict_proba(TEXTS), clf.predict_proba(TEXTS), atol=1e-6)


@pytest.mark.parametrize("bad", [{"model": "forest"}, {"class_weight": "heavy"}, {"C": -1}])
def test_bad_values_raise_config_error(bad):
    key = next(iter(bad))
    with pytest.raises(ConfigError, match=key):
        TfidfClassifier(**bad).fit(TEXTS, LABELS)


def test_predict_speed():
    clf = TfidfClassifier().fit(TEXTS * 20, LABELS * 20)
    docs = [f"{a} {b} {c}" for a, b, c in zip(CONFLICT * 400, ECONOMY * 400, DIPLOMACY * 400)]
    clf.predict(docs[:100])
    t0 = time.perf_counter()
    clf.predict(docs)
    rate = len(docs) / (time.perf_counter() - t0)
    # the benchmark measures >= 5,000 docs/s on news articles; keep a margin for a busy machine
    assert rate > 1500, rate


def _multilabel_data(rare_text=None):
    texts = [" ".join(p) for p in zip(CONFLICT * 4, DIPLOMACY[::-1] * 4)] + ECONOMY * 4
    labels = [["conflict", "diplomacy"]] * 24 + [[]] * 24
    if rare_text is not None:
        texts.append(rare_text)
        labels.append(["weather"])
    return texts, labels


def test_min_df_drops_rare_ngrams():
    from sklearn.base import clone

    texts, labels = _multilabel_data()
    texts, labels = texts + ["gardening tips"], labels + [[]]
    default = TfidfClassifier(multi_label=True).fit(texts, labels)
    pruned = TfidfClassifier(multi_label=True, min_df=2).fit(texts, labels)
    assert clone(pruned).get_params()["min_df"] == 2
    assert "gardening" in default.vectorizers_[0].vocabulary_
    assert "gardening" not in pruned.vectorizers_[0].vocabulary_
    assert len(pruned.vectorizers_[0].vocabulary_) < len(default.vectorizers_[0].vocabulary_)


def test_label_never_found_on_cv_keeps_default_threshold(tmp_path):
    # a label with one example: no CV fold can learn it, so its tuned F1 is 0
    texts, labels = _multilabel_data("Heavy snowfall closed mountain roads and froze the lakes.")
    clf = TfidfClassifier(multi_label=True, min_cv_f1=0.0).fit(texts, labels)
    j = list(clf.classes_).index("weather")
    assert clf.thresholds_[j] == 0.5
    # without the fallback (default) the label gets the grid minimum
    plain = TfidfClassifier(multi_label=True).fit(texts, labels)
    assert plain.thresholds_[j] == 0.01
    # ... so it no longer fires on unrelated texts
    assert all("weather" not in p for p in clf.predict(ECONOMY + CONFLICT))
    Y = np.array([[1], [0], [0]])
    assert tune_thresholds(Y, np.array([[0.001], [0.3], [0.2]]), grid=THRESHOLD_GRID, default=0.7,
                           min_f1=0.0).tolist() == [0.7]
    # min_f1 > 0 also catches labels whose best CV F1 is poor but not zero
    assert tune_thresholds(Y, np.array([[0.2], [0.3], [0.2]]), grid=THRESHOLD_GRID, min_f1=0.6).tolist() == [0.5]
    # saved and loaded with the new parameters
    clf.save(tmp_path)
    again = newsml.load_classifier(tmp_path)
    assert again.min_df == 1 and again.min_cv_f1 == 0.0 and plain.min_cv_f1 is None
    np.testing.assert_allclose(again.thresholds_, clf.thresholds_)


@pytest.mark.parametrize("bad", [{"min_df": 0}, {"min_df": 1.5}, {"min_cv_f1": 1.0}, {"min_cv_f1": -0.1}])
def test_bad_threshold_and_min_df_values_raise(bad):
    key = next(iter(bad))
    with pytest.raises(ConfigError, match=key):
        TfidfClassifier(**bad).fit(TEXTS, LABELS)


def test_lead_features_make_the_headline_count(tmp_path):
    # the bodies mention both commodities equally; only the headline tells the topic
    body = "Traders watched wheat and crude futures, and analysts expect wheat and crude to move together."
    texts = [f"WHEAT HARVEST {k} falls. {body}" for k in range(6)] + \
            [f"CRUDE OUTPUT {k} rises. {body}" for k in range(6)]
    labels = [["grain"]] * 6 + [["oil"]] * 6
    plain = TfidfClassifier(multi_label=True, cv=2, ngram_range=(1, 1)).fit(texts, labels)
    lead = TfidfClassifier(multi_label=True, cv=2, ngram_range=(1, 1), lead_words=2).fit(texts, labels)
    assert lead.lead_vectorizers_ and not plain.lead_vectorizers_
    a = "Wheat report: crude traded flat."
    b = "Crude report: wheat traded flat."  # the same words; only the headline differs
    np.testing.assert_allclose(plain.decision_function([a]), plain.decision_function([b]))
    za, zb = lead.decision_function([a, b])
    g = list(lead.classes_).index("grain")
    assert za[g] > zb[g]  # "wheat" leading the headline pushes towards grain
    assert lead.predict(["WHEAT HARVEST 9 falls. " + body]) == [["grain"]]
    assert lead.predict(["CRUDE OUTPUT 9 rises. " + body]) == [["oil"]]
    lead.save(tmp_path)
    again = newsml.load_classifier(tmp_path)
    assert again.lead_words == 2 and again.lead_weight == 0.5
    np.testing.assert_allclose(again.predict_proba([a, b]), lead.predict_proba([a, b]), rtol=1e-6)


@pytest.mark.parametrize("bad", [{"lead_words": -1}, {"lead_words": 2.5}, {"lead_weight": 0}])
def test_bad_lead_settings_raise(bad):
    with pytest.raises(ConfigError, match=next(iter(bad))):
        TfidfClassifier(**bad).fit(TEXTS, LABELS)


def test_defaults_are_the_cv_chosen_unigram_svm():
    """The defaults chosen by experiments/select_tfidf_defaults.py: word unigrams, sublinear tf, min_df 1, SVM C=1."""
    params = TfidfClassifier().get_params()
    assert params["ngram_range"] == (1, 1)
    assert params["sublinear_tf"] is True and params["min_df"] == 1
    assert params["model"] == "svm" and params["C"] == 1.0 and params["char_ngrams"] is False
    vocab = TfidfClassifier().fit(TEXTS, LABELS).vectorizers_[0].vocabulary_
    assert "interest" in vocab and "interest rates" not in vocab
    bigrams = TfidfClassifier(ngram_range=(1, 2)).fit(TEXTS, LABELS).vectorizers_[0].vocabulary_
    assert "interest rates" in bigrams
