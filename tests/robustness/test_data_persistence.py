"""Issue 11 (1, 10): saved models can only name registered components; broken weights name the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newsml.cli import main
from newsml.errors import ModelLoadError
from newsml.persistence import CLASSIFIER_CONFIG, SUMMARIZER_CONFIG, WEIGHTS_FILE, load_component

REPO = Path(__file__).resolve().parents[2]

EXPLOITS = [
    ("classifier", CLASSIFIER_CONFIG, "subprocess:Popen"),
    ("classifier", CLASSIFIER_CONFIG, "os:system"),
    ("classifier", CLASSIFIER_CONFIG, "builtins:eval"),
    ("summarizer", SUMMARIZER_CONFIG, "subprocess:Popen"),
    # a real newsml class that is not a registered component is refused too
    ("classifier", CLASSIFIER_CONFIG, "newsml.experiment.rundir:Path"),
    ("summarizer", SUMMARIZER_CONFIG, "newsml.classify.tfidf:TfidfClassifier"),  # wrong kind
]


def _evil(tmp_path: Path, config_name: str, klass: str) -> Path:
    d = tmp_path / "evil"
    d.mkdir()
    pwned = tmp_path / "PWNED"
    (d / config_name).write_text(json.dumps({
        "class": klass, "params": {"args": ["touch", str(pwned)]} if "Popen" in klass else {},
        "classes": ["a"], "multi_label": False, "thresholds": [0.5]}))
    return d


@pytest.mark.parametrize("kind,config_name,klass", EXPLOITS)
def test_unregistered_class_is_refused_and_named(tmp_path, kind, config_name, klass):
    d = _evil(tmp_path, config_name, klass)
    with pytest.raises(ModelLoadError) as err:
        load_component(d, kind)
    msg = str(err.value)
    assert str(d / config_name) in msg and repr(klass) in msg and "not a registered" in msg
    assert not (tmp_path / "PWNED").exists()


def test_issue_exploit_through_the_cli(tmp_path, capsys, monkeypatch):
    """The reproduction of the issue, verbatim: ``newsml classify a.txt --model evil``."""
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("Troops shelled the town.")
    Path("evil").mkdir()
    Path("evil", CLASSIFIER_CONFIG).write_text(
        '{"class":"subprocess:Popen","params":{"args":["touch","PWNED"]},"classes":["a"],'
        '"multi_label":false,"thresholds":[0.5]}')
    assert main(["classify", "a.txt", "--model", "evil"]) == 2
    err = capsys.readouterr().err
    assert "newsml_classifier.json" in err and "not a registered newsml classifier" in err
    assert not Path("PWNED").exists()


@pytest.fixture()
def saved_tfidf(tmp_path) -> Path:
    from newsml.classify.tfidf import TfidfClassifier

    clf = TfidfClassifier(min_df=1).fit(["troops shelled the town", "shares rose on monday",
                                         "rebels attacked the base", "the index fell sharply"],
                                        ["war", "markets", "war", "markets"])
    return clf.save(tmp_path / "model")


def test_round_trip_and_saved_layout(saved_tfidf):
    import newsml

    cfg = json.loads((saved_tfidf / CLASSIFIER_CONFIG).read_text())
    assert cfg["class"] == "newsml.classify.tfidf:TfidfClassifier" and cfg["name"] == "tfidf"
    clf = newsml.load_classifier(saved_tfidf)
    assert clf.predict(["troops attacked"]) == ["war"]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete", "drop_key"])
def test_broken_weights_name_the_file(saved_tfidf, damage):
    w = saved_tfidf / WEIGHTS_FILE
    if damage == "truncate":
        w.write_bytes(w.read_bytes()[:50])
    elif damage == "garbage":
        w.write_bytes(b"\x00\x01not safetensors at all")
    elif damage == "delete":
        w.unlink()
    else:
        from safetensors.numpy import load_file, save_file

        arrays = load_file(str(w))
        del arrays["coef"]
        save_file(arrays, str(w))
    with pytest.raises(ModelLoadError) as err:
        load_component(saved_tfidf, "classifier")
    assert str(w) in str(err.value) or (damage == "drop_key" and WEIGHTS_FILE in str(err.value))
    if damage == "delete":
        assert "missing" in str(err.value) and "needs key" in str(err.value)
    if damage == "drop_key":
        assert "missing key 'coef'" in str(err.value)


@pytest.mark.parametrize("content", ["{not json", "[]", '{"params": {}}', '{"class": 3}'])
def test_unreadable_config_names_the_file(tmp_path, content):
    (tmp_path / SUMMARIZER_CONFIG).write_text(content)
    with pytest.raises(ModelLoadError, match=str(tmp_path / SUMMARIZER_CONFIG).replace("\\", "\\\\")):
        load_component(tmp_path, "summarizer")


def test_unknown_saved_param_names_the_file(tmp_path):
    from newsml.summarize.lead import LeadSummarizer

    d = LeadSummarizer().save(tmp_path / "lead")
    cfg = json.loads((d / SUMMARIZER_CONFIG).read_text())
    cfg["params"]["shell"] = "rm -rf /"
    (d / SUMMARIZER_CONFIG).write_text(json.dumps(cfg))
    with pytest.raises(ModelLoadError, match="unknown parameter 'shell'"):
        load_component(d, "summarizer")


def test_shipped_models_still_load():
    for cfg in sorted((REPO / "src" / "newsml").glob("**/models/*/newsml_*.json")):
        kind = "classifier" if cfg.name == CLASSIFIER_CONFIG else "summarizer"
        obj = load_component(cfg.parent, kind)
        assert type(obj).__module__.startswith("newsml.")


def test_old_saved_model_still_loads(tmp_path):
    """A model saved by the previous layout (same files, written before this module existed)."""
    from newsml.summarize.supervised import PRETRAINED

    old = tmp_path / "old"
    shutil.copytree(PRETRAINED["news"], old)
    s = load_component(old, "summarizer", progress=False)
    out = s.summarize(["Rain fell in Accra on Monday. Roads flooded. Schools closed early."], max_sentences=1)
    assert out[0].text


def test_runtime_registered_class_loads(tmp_path):
    from newsml.registry import summarizers
    from newsml.summarize.lead import LeadSummarizer

    class MyLead(LeadSummarizer):
        name = "my-lead-test"

    MyLead.__qualname__ = "MyLead"
    summarizers.register("my-lead-test", MyLead)
    try:
        d = MyLead(default_sentences=1).save(tmp_path / "m")
        assert type(load_component(d, "summarizer")) is MyLead
    finally:
        summarizers._items.pop("my-lead-test", None)


def _registered(kind: str):
    from newsml.registry import classifiers, summarizers

    reg = classifiers if kind == "classifier" else summarizers
    for name in reg.names():
        try:
            cls = reg.get_class(name)
        except ImportError:
            continue
        if isinstance(cls, type) and hasattr(cls, "_get_state"):
            yield name, cls


@pytest.mark.parametrize("kind", ["classifier", "summarizer"])
def test_every_registered_component_has_the_one_hook_signature(kind):
    """persistence calls ``_get_state(path)`` and ``_set_state(state, arrays, path)`` without inspecting them."""
    import inspect

    seen = 0
    for name, cls in _registered(kind):
        seen += 1
        assert list(inspect.signature(cls._get_state).parameters) == ["self", "path"], name
        assert list(inspect.signature(cls._set_state).parameters) == ["self", "state", "arrays", "path"], name
        if kind == "classifier":
            assert "validation" in inspect.signature(cls._fit).parameters, name
    assert seen >= 5
