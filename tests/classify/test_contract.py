"""The classifier contract, run against every registered classifier.

Trainable classifiers are fitted on a tiny news-style set we wrote; "pre-fitted" ones (zero-shot
taggers built from a taxonomy) are detected by predicting before ``fit`` and checked on their own
classes. Classifiers needing a checkpoint get the tiny local models.
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest
from sklearn.base import clone

import newsml
from newsml.classify import classifiers
from newsml.errors import ConfigError, NewsmlError, NotFittedError

TEXTS = [
    "Artillery shelled the northern town overnight and soldiers fought rebels in the streets.",
    "The government expelled two diplomats and recalled its ambassador after the row.",
    "The central bank raised interest rates as inflation climbed to a ten-year high.",
    "Rebel fighters ambushed an army convoy, killing several soldiers near the border.",
    "The foreign ministry cut diplomatic ties and closed its embassy in the capital.",
    "Shares fell sharply on the stock exchange after weak quarterly earnings.",
    "Troops and militants exchanged fire for hours around the besieged garrison.",
    "Ministers summoned the envoy and announced the embassy would shut down.",
    "Bond yields rose and the currency weakened against the dollar on Monday.",
]
LABELS = ["conflict", "diplomacy", "economy"] * 3
MULTI = [["conflict"], ["diplomacy"], ["economy"], ["conflict"], ["diplomacy"], ["economy"],
         ["conflict", "diplomacy"], ["diplomacy"], []]
DOC = ("Markets were calm in the morning. Later, rebel fighters shelled an army base and killed two soldiers. "
       "The ministry said it would recall its ambassador.")

TRAINABLE_PARAMS = {
    "tfidf": lambda fx: {"cv": 2},
    "embedding": lambda fx: {"C": 10.0, "cv": 2},
    "transformer": lambda fx: {"model_name_or_path": str(fx("tiny_bert_dir")), "epochs": 2, "batch_size": 4,
                               "learning_rate": 1e-3},
    "setfit": lambda fx: {"encoder": str(fx("tiny_st_dir")), "num_iterations": 1, "batch_size": 8,
                          "learning_rate": 1e-3},
}


NAMES = newsml.list_classifiers()
BUILTINS = ["embedding", "keyword", "nli", "setfit", "tfidf", "transformer", "zero-shot"]


def test_every_builtin_is_listed_and_importable():
    assert set(BUILTINS) <= set(NAMES)
    for name in BUILTINS:
        cls = classifiers.get_class(name)
        assert inspect.isclass(cls) and cls.__module__.startswith("newsml.classify.")
        assert importlib.import_module(cls.__module__)


def _params(name: str, request) -> dict:
    fx = request.getfixturevalue
    if name in TRAINABLE_PARAMS:
        return TRAINABLE_PARAMS[name](fx)
    # checkpoint-based zero-shot classifiers get the tiny NLI model
    cls = classifiers.get_class(name)
    params = {}
    for p in inspect.signature(cls).parameters:
        if p in ("model", "model_name_or_path", "checkpoint", "nli_model") and name == "nli":
            params[p] = str(fx("tiny_nli_dir"))
    return params


_CACHE: dict = {}


def _build(name: str, request, multi: bool = False):
    params = _params(name, request)
    sig = inspect.signature(classifiers.get_class(name)).parameters
    if "multi_label" in sig:
        params["multi_label"] = multi
    return newsml.get_classifier(name, **params)


def _prefitted(clf) -> bool:
    try:
        clf.predict_proba(["A short test sentence."])
    except NotFittedError:
        return False
    return True


def _fitted(name: str, request, multi: bool = False):
    """A fitted classifier (cached per name/mode: fitting encoders is the slow part)."""
    key = (name, multi)
    if key not in _CACHE:
        clf = _build(name, request, multi)
        if _prefitted(clf):
            _CACHE[key] = (clf, None)
        else:
            _CACHE[key] = (clf.fit(TEXTS, MULTI if multi else LABELS), clf)
    return _CACHE[key][0]


@pytest.fixture(params=NAMES)
def name(request):
    return request.param


def test_get_params_and_clone(name, request):
    clf = _build(name, request)
    params = clf.get_params()
    twin = clone(clf)
    assert twin.get_params() == params
    assert twin is not clf
    # every __init__ keyword is stored unchanged
    for key in inspect.signature(type(clf)).parameters:
        assert key in params


def test_unknown_param_names_the_key(name):
    with pytest.raises(ConfigError, match="no_such_option"):
        newsml.get_classifier(name, no_such_option=1)


def test_fit_returns_self_and_classes(name, request):
    clf = _build(name, request)
    if _prefitted(clf):
        assert len(clf.classes_) >= 2
        assert all(isinstance(c, str) for c in clf.classes_)
        return
    with pytest.raises(NotFittedError):
        clf.predict(TEXTS[:1])
    assert clf.fit(TEXTS, LABELS) is clf
    assert list(clf.classes_) == ["conflict", "diplomacy", "economy"]


def test_predict_and_proba_shapes_single_label(name, request):
    clf = _fitted(name, request)
    P = clf.predict_proba(TEXTS[:4])
    assert P.shape == (4, len(clf.classes_))
    assert np.all(P >= 0) and np.all(P <= 1 + 1e-6)
    pred = clf.predict(TEXTS[:4])
    assert len(pred) == 4
    if not clf.multi_label_:
        assert all(isinstance(p, str) for p in pred)
        assert pred == [str(clf.classes_[j]) for j in P.argmax(1)]
        np.testing.assert_allclose(P.sum(1), 1.0, atol=1e-4)


def test_multi_label(name, request):
    clf = _build(name, request, multi=True)
    if "multi_label" not in clf.get_params():
        pytest.skip(f"{name} has no multi_label option")
    clf = _fitted(name, request, multi=True)
    pred = clf.predict(TEXTS)
    assert len(pred) == len(TEXTS)
    assert all(isinstance(p, list) and all(isinstance(x, str) and x in clf.classes_ for x in p) for p in pred)
    if _CACHE[(name, True)][1] is not None:
        assert list(clf.classes_) == ["conflict", "diplomacy", "economy"]
        assert len(clf.thresholds_) == 3


def test_empty_input(name, request):
    clf = _fitted(name, request)
    assert clf.predict([]) == []
    assert clf.predict_proba([]).shape == (0, len(clf.classes_))


def test_string_instead_of_list_is_an_input_error(name, request):
    clf = _fitted(name, request)
    with pytest.raises(NewsmlError):
        clf.predict("just one string")


def test_deterministic(name, request):
    clf = _fitted(name, request)
    P1 = clf.predict_proba(TEXTS)
    if _CACHE[(name, False)][1] is not None:
        again = clone(clf).fit(TEXTS, LABELS)
        np.testing.assert_allclose(again.predict_proba(TEXTS), P1, atol=1e-5)
    np.testing.assert_allclose(clf.predict_proba(TEXTS), P1, atol=1e-6)


def test_explain_returns_sentences_of_the_text(name, request):
    clf = _fitted(name, request)
    ev = clf.explain(DOC, top_k=2)
    assert isinstance(ev, dict) and ev
    for label, items in ev.items():
        assert label in clf.classes_
        assert 1 <= len(items) <= 2
        for e in items:
            assert e.sentence in DOC
            assert isinstance(e.score, float)
        assert [e.score for e in items] == sorted((e.score for e in items), reverse=True)


def test_save_load_round_trip(name, request, tmp_path):
    clf = _fitted(name, request)
    clf.save(tmp_path / "model")
    files = {p.name for p in (tmp_path / "model").rglob("*") if p.is_file()}
    assert not any(f.endswith((".pkl", ".pickle", ".joblib")) for f in files)
    again = newsml.load_classifier(tmp_path / "model")
    assert type(again) is type(clf)
    assert list(again.classes_) == list(clf.classes_)
    np.testing.assert_allclose(again.predict_proba(TEXTS), clf.predict_proba(TEXTS), atol=1e-5)
    assert again.predict(TEXTS) == clf.predict(TEXTS)
    assert again.get_params() == clf.get_params()


def test_multi_label_save_load(name, request, tmp_path):
    clf = _build(name, request, multi=True)
    if "multi_label" not in clf.get_params():
        pytest.skip(f"{name} has no multi_label option")
    clf = _fitted(name, request, multi=True)
    clf.save(tmp_path / "m")
    again = newsml.load_classifier(tmp_path / "m")
    np.testing.assert_allclose(again.thresholds_, clf.thresholds_)
    assert again.predict(TEXTS) == clf.predict(TEXTS)
