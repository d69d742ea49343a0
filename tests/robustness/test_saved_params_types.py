"""Saved params are type-checked on load: a wrong JSON type is a ModelLoadError naming the file and the key.

Before, ``"max_sentences": "three"`` or ``"threshold": [1]`` in a saved config loaded and failed later,
deep inside ``summarize``/``predict``.
"""

from __future__ import annotations

import inspect
import json

import pytest

from newsml.cli import main
from newsml.errors import ModelLoadError
from newsml.persistence import _allowed_types, check_param_types, load_component
from newsml.registry import classifiers, summarizers
from newsml.utils import jsonable_params

COMPONENTS = [("classifier", n) for n in classifiers.names()] + [("summarizer", n) for n in summarizers.names()]
#: wrong values to try, in order: the first whose JSON type a parameter does not accept is used
WRONG = ["three", [1], {"a": 1}, 5, True]


def _config(kind: str, name: str) -> tuple[type, dict]:
    reg = classifiers if kind == "classifier" else summarizers
    klass = reg.get_class(name)
    # what save_component writes for a default-built component
    return klass, {"class": f"{klass.__module__}:{klass.__qualname__}",
                   "params": json.loads(json.dumps(jsonable_params(klass().get_params(deep=False))))}


@pytest.mark.parametrize("kind,name", COMPONENTS)
def test_every_component_default_params_pass_and_one_corrupted_value_fails(kind, name, tmp_path):
    klass, config = _config(kind, name)
    check_param_types(klass, config["params"], "cfg")  # the saved defaults are all of the right type
    sig = inspect.signature(klass, eval_str=True).parameters
    key = next(k for k in config["params"] if _allowed_types(sig[k]) is not None)
    allowed = _allowed_types(sig[key])
    bad = next(v for v in WRONG if not isinstance(v, allowed) or (isinstance(v, bool) and bool not in allowed))
    config["params"][key] = bad
    cfg_file = tmp_path / ("newsml_classifier.json" if kind == "classifier" else "newsml_summarizer.json")
    cfg_file.write_text(json.dumps(config))
    with pytest.raises(ModelLoadError) as err:
        load_component(tmp_path, kind)
    assert str(cfg_file) in str(err.value) and repr(key) in str(err.value) and json.dumps(bad) in str(err.value)


def test_the_reported_values_and_the_allowed_ones():
    from newsml.classify.embedding import EmbeddingClassifier
    from newsml.summarize.lead import LeadSummarizer

    with pytest.raises(ModelLoadError, match=r"x\.json: params: 'max_sentences' is \"three\""):
        check_param_types(EmbeddingClassifier, {"max_sentences": "three"}, "x.json")
    with pytest.raises(ModelLoadError, match=r"'threshold' is \[1\] \(a JSON list\).*expects float"):
        check_param_types(EmbeddingClassifier, {"threshold": [1]}, "x.json")
    with pytest.raises(ModelLoadError, match="'default_sentences' is true"):  # a bool is not an int
        check_param_types(LeadSummarizer, {"default_sentences": True}, "x.json")
    # an int for a float, None for an optional, a list for a tuple
    check_param_types(EmbeddingClassifier, {"threshold": 1, "top_k": None, "max_sentences": 3}, "x.json")
    from newsml.classify.tfidf import TfidfClassifier

    check_param_types(TfidfClassifier, {"ngram_range": [1, 2], "max_features": None, "C": 2}, "x.json")
    with pytest.raises(ModelLoadError, match="'ngram_range'"):
        check_param_types(TfidfClassifier, {"ngram_range": "1,2"}, "x.json")


def test_a_really_saved_summariser_with_a_bad_value_fails_at_load_through_the_cli(tmp_path, capsys):
    import newsml

    folder = newsml.get_summarizer("lead", default_sentences=2).save(tmp_path / "lead")
    cfg_file = folder / "newsml_summarizer.json"
    assert type(load_component(folder, "summarizer")).__name__ == "LeadSummarizer"
    cfg = json.loads(cfg_file.read_text())
    cfg["params"]["default_sentences"] = "three"
    cfg_file.write_text(json.dumps(cfg))
    (tmp_path / "a.txt").write_text("Talks failed on Monday. Both sides left the capital. A new round is planned.")
    assert main(["summarize", str(tmp_path / "a.txt"), "--model", str(folder)]) == 2
    err = capsys.readouterr().err
    assert str(cfg_file) in err and "'default_sentences'" in err and '"three"' in err
