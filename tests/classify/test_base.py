"""BaseClassifier machinery: label encoding, thresholds, decisions, save/load errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

import newsml
from newsml.classify.base import BaseClassifier, tune_thresholds
from newsml.classify.tfidf import TfidfClassifier
from newsml.errors import InputError, ModelLoadError, NotFittedError

TEXTS = ["troops attack town", "bank cuts rates", "rebels attack base", "markets rally on rates"]


def test_label_encoding_errors_name_the_row():
    with pytest.raises(InputError, match=r"labels\[1\].*multi_label=True"):
        TfidfClassifier(multi_label=True).fit(TEXTS, [["a"], "b", ["a"], ["b"]])
    with pytest.raises(InputError, match=r"labels\[0\] has 2 labels"):
        TfidfClassifier().fit(TEXTS, [["a", "b"], "b", "a", "b"])
    with pytest.raises(InputError, match="4 texts but 3 labels"):
        TfidfClassifier().fit(TEXTS, ["a", "b", "a"])
    with pytest.raises(InputError, match="at least one"):
        TfidfClassifier().fit([], [])


def test_single_element_lists_are_accepted_single_label():
    clf = TfidfClassifier().fit(TEXTS, [["war"], ["econ"], ["war"], ["econ"]])
    assert list(clf.classes_) == ["econ", "war"]


def test_tune_thresholds_maximises_f1():
    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    P = np.array([[0.3, 0.1], [0.4, 0.2], [0.2, 0.9], [0.1, 0.6]])
    t = tune_thresholds(Y, P)
    assert 0.2 < t[0] <= 0.3  # both positives (0.3, 0.4) kept, the 0.2 negative dropped
    assert 0.6 < t[1] <= 0.9
    assert tune_thresholds(np.zeros((3, 1)), np.ones((3, 1)) * 0.2, default=0.7)[0] == 0.7


def test_decide_top_k_and_thresholds():
    clf = TfidfClassifier(multi_label=True, top_k=1, tune_thresholds=False)
    clf.fit(TEXTS, [["war"], ["econ"], ["war"], ["econ"]])
    clf.thresholds_ = np.array([0.0, 0.0])
    out = clf.decide(np.array([[0.2, 0.8], [0.9, 0.1]], dtype=np.float32))
    assert out == [["war"], ["econ"]]
    clf.top_k = None
    assert clf.decide(np.array([[0.2, 0.8]], dtype=np.float32)) == [["war", "econ"]]


def test_score_is_accuracy_or_example_f1():
    clf = TfidfClassifier(C=10).fit(TEXTS, ["war", "econ", "war", "econ"])
    assert clf.score(TEXTS, ["war", "econ", "war", "econ"]) == 1.0


def test_not_fitted_and_load_errors(tmp_path):
    with pytest.raises(NotFittedError, match="fit"):
        TfidfClassifier().predict(TEXTS)
    with pytest.raises(ModelLoadError, match="not a saved newsml classifier"):
        newsml.load_classifier(tmp_path)
    (tmp_path / "newsml_classifier.json").write_text(json.dumps({"class": "nowhere:Nothing"}))
    with pytest.raises(ModelLoadError, match="newsml_classifier.json"):
        newsml.load_classifier(tmp_path)


def test_tuple_params_survive_save_load(tmp_path):
    clf = TfidfClassifier(ngram_range=(1, 1)).fit(TEXTS, ["war", "econ", "war", "econ"])
    again = newsml.load_classifier(clf.save(tmp_path))
    assert again.ngram_range == (1, 1)


def test_validation_reaches_fit_and_tunes_thresholds():
    seen = {}

    class Probe(BaseClassifier):
        name = "probe"

        def __init__(self, multi_label: bool = True, threshold=None, top_k=None):
            self.multi_label, self.threshold, self.top_k = multi_label, threshold, top_k

        def _fit(self, texts, Y, validation=None):
            seen["validation"] = validation

        def _predict_proba(self, texts):
            return np.array([[0.3 if "attack" in t else 0.1] for t in texts])

    clf = Probe().fit(TEXTS, [["war"], [], ["war"], []], validation=(TEXTS, [["war"], [], ["war"], []]))
    vt, vY = seen["validation"]
    assert vt == TEXTS and vY.shape == (4, 1)
    assert 0.1 < clf.thresholds_[0] <= 0.3
    assert clf.predict(["attack"]) == [["war"]]


def test_documents_are_classified_by_title_and_text_not_their_repr():
    from newsml.data import Document

    texts = ["Artillery shelled the town and troops fought rebels.", "The central bank cut interest rates.",
             "Rebels attacked an army base at dawn.", "Shares rallied as bond yields fell."]
    labels = ["war", "econ", "war", "econ"]
    clf = TfidfClassifier(cv=2).fit(texts, labels)
    docs = [Document(id="Document-econ-1", text="Rebels shelled the army base.", title="Fighting"),
            Document(id="war", text="The bank raised interest rates.", title="Rates")]
    assert clf.predict(docs) == clf.predict(["Fighting\n\nRebels shelled the army base.",
                                             "Rates\n\nThe bank raised interest rates."]) == ["war", "econ"]
    np.testing.assert_allclose(clf.predict_proba(docs[:1]), clf.predict_proba(["Fighting\n\n" + docs[0].text]))
    assert "Rebels shelled" in next(iter(clf.explain(docs[0]).values()))[0].sentence
    # a whole Document where a list is expected is a type error, not one character per text
    with pytest.raises(TypeError, match="wrap it in a list"):
        clf.predict(docs[0])
    with pytest.raises(TypeError, match="cannot classify a dict"):
        clf.predict([{"text": "x"}])


def test_base_parameters_are_explicit():
    """A classifier missing (or misspelling) a keyword the base class reads fails when it is defined."""

    class Complete(BaseClassifier):
        def __init__(self, multi_label=False, threshold=0.3, top_k=None):
            self.multi_label, self.threshold, self.top_k = multi_label, threshold, top_k

    clf = Complete(multi_label=True)
    clf._encode_labels([["a"], ["b"]])
    np.testing.assert_allclose(clf._initial_thresholds(), [0.3, 0.3])
    with pytest.raises(TypeError, match="must take the keyword.*top_k"):
        class Misspelt(BaseClassifier):  # noqa: F841 - the class statement itself raises
            def __init__(self, multi_label=False, threshold=None, topk=None):
                self.multi_label, self.threshold, self.topk = multi_label, threshold, topk
