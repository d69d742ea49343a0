"""Classifier registry: names, building by name, aliases, errors, and entry-point plug-ins."""

from __future__ import annotations

import sys

import pytest

import newsml
from newsml.errors import ConfigError, RegistryError
from newsml.registry import Registry

TRAINABLE = {"tfidf": "TfidfClassifier", "embedding": "EmbeddingClassifier",
             "transformer": "TransformerClassifier", "setfit": "SetFitClassifier"}


def test_trained_classifiers_are_listed_and_built():
    names = newsml.list_classifiers()
    for name, cls in TRAINABLE.items():
        assert name in names
        clf = newsml.get_classifier(name)
        assert type(clf).__name__ == cls
        assert clf.name == name


def test_params_are_passed_and_unknown_ones_named():
    clf = newsml.get_classifier("tfidf", C=3.0, multi_label=True)
    assert clf.get_params()["C"] == 3.0 and clf.multi_label is True
    with pytest.raises(ConfigError, match="'ngrams'.*allowed.*ngram_range"):
        newsml.get_classifier("tfidf", ngrams=(1, 3))


def test_unknown_name_lists_the_allowed_names():
    with pytest.raises(RegistryError, match="tfidf"):
        newsml.get_classifier("no-such-classifier")


def test_underscore_and_case_variants_resolve():
    assert type(newsml.get_classifier("TFIDF")).__name__ == "TfidfClassifier"


def test_building_does_not_import_torch_for_tfidf():
    import subprocess

    code = ("import newsml, sys; newsml.get_classifier('tfidf'); "
            "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_entry_point_plugin_is_discovered(tmp_path, monkeypatch):
    # a minimal installed distribution on sys.path declaring a newsml.classifiers entry point
    pkg = tmp_path / "my_news_plugin.py"
    pkg.write_text(
        "from newsml.classify.tfidf import TfidfClassifier\n"
        "class Shouty(TfidfClassifier):\n"
        "    name = 'shouty'\n"
    )
    dist = tmp_path / "my_news_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: my-news-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[newsml.classifiers]\nshouty = my_news_plugin:Shouty\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry("classifier", "newsml.classifiers")
    reg.register("tfidf", "newsml.classify.tfidf:TfidfClassifier")
    assert "shouty" in reg.names()
    clf = reg.build("shouty", C=2.0)
    assert type(clf).__name__ == "Shouty" and clf.C == 2.0
    clf.fit(["war news", "market news", "war report", "market report"], ["w", "m", "w", "m"])
    assert clf.predict(["war"]) == ["w"]


def test_builtins_are_registered_by_the_registry_module_itself():
    """The registry module alone knows every built-in: nothing depends on which package was imported first."""
    import importlib.util
    from pathlib import Path

    import newsml.registry as live

    spec = importlib.util.spec_from_file_location("registry_alone", Path(live.__file__))
    alone = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(alone)  # a fresh copy: only this module's own code has run
    assert alone.classifiers._items == dict(alone.BUILTIN_CLASSIFIERS) != {}
    assert alone.summarizers._items == dict(alone.BUILTIN_SUMMARIZERS) != {}
    assert alone.classifiers.canonical("zero_shot") == "zero-shot"
    assert set(alone.BUILTIN_CLASSIFIERS) <= set(newsml.list_classifiers())
    assert set(alone.BUILTIN_SUMMARIZERS) <= set(newsml.list_summarizers())
