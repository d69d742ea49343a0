"""Config validation: one-line errors naming the dotted key and allowed values; overrides; plug-in names."""

from __future__ import annotations

import pytest

from newsml.errors import ConfigError
from newsml.experiment.config import apply_overrides, config_to_dict, load_config

BASE = {"name": "t", "dataset": {"source": "seeds/"}, "classifiers": [{"name": "tfidf"}],
        "summarizers": [{"name": "lead"}]}


def error(overrides, base=BASE) -> str:
    with pytest.raises(ConfigError) as exc:
        load_config(base, overrides)
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def test_valid_config_fills_defaults():
    cfg = load_config(BASE)
    d = config_to_dict(cfg)
    assert d["seed"] == 13 and d["evaluation"]["n_boot"] == 1000 and d["classifiers"][0]["fit"] == "auto"


def test_unknown_top_level_key():
    msg = error(["colour=red"])
    assert msg.startswith("colour: unknown key; allowed: name, description, seed, dataset")


def test_mistyped_nested_key_suggests():
    msg = error(["dataset.limt=3"])
    assert msg.startswith("dataset.limt: unknown key; allowed:") and "did you mean 'limit'" in msg


def test_wrong_type():
    assert error(["dataset.limit=many"]).startswith("dataset.limit: Input should be a valid integer")
    assert error(["evaluation.level=2"]).startswith("evaluation.level: Input should be less than 1")
    assert error(["classifiers.0.fit=sometimes"]).startswith("classifiers[0].fit: Input should be 'auto'")


def test_unknown_component_name_lists_allowed():
    msg = error(["classifiers.0.name=tfidff"])
    assert msg.startswith("classifiers[0].name: unknown classifier 'tfidff'; allowed: ")
    assert "tfidf" in msg and "did you mean 'tfidf'" in msg
    msg = error(["summarizers[0].name=leed"])
    assert msg.startswith("summarizers[0].name: unknown summarizer 'leed'; allowed: ") and "lead" in msg


def test_unknown_component_parameter_names_key():
    msg = error(["classifiers.0.params.Cee=2"])
    assert msg.startswith("classifiers[0].params.Cee: unknown parameter 'Cee'; allowed: ") and " C," in msg


def test_unknown_summarize_option_and_duplicate_ids():
    assert error(["summarizers.0.options.max_sent=2"]).startswith("summarizers[0].options: ")
    msg = error(["classifiers.1.name=tfidf"])
    assert msg.startswith("classifiers[1].id: duplicate classifier 'tfidf'")


def test_missing_required_and_nothing_to_run():
    assert error([], {"name": "t", "classifiers": [{"name": "tfidf"}]}) == "dataset: required key is missing"
    assert "nothing to run" in error([], {"name": "t", "dataset": {"source": "x"}})


def test_yaml_file_errors_name_file_and_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("name: t\ndataset:\n  source: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: line \d+: invalid YAML"):
        load_config(p)
    p.write_text("name: t\ndataset: {source: x}\nclassifiers: [{name: tfidf}]\nextra_key: 1\n")
    with pytest.raises(ConfigError, match=r"^.*bad.yaml: extra_key: unknown key"):
        load_config(p)
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "missing.yaml")


def test_overrides():
    raw = apply_overrides(BASE, ["seed=7", "classifiers[0].params.C=0.5", "dataset.options.split=test=1",
                                 "summarizers.1={name: textrank, id: tr}", "evaluation.plots=false"])
    assert raw["seed"] == 7 and raw["classifiers"][0]["params"] == {"C": 0.5}
    assert raw["dataset"]["options"]["split"] == "test=1"  # only the first '=' separates key and value
    assert raw["summarizers"][1] == {"name": "textrank", "id": "tr"} and raw["evaluation"]["plots"] is False
    assert "seed" not in BASE
    cfg = load_config(BASE, ["classifiers.0.params.C=0.5"])
    assert cfg.classifiers[0].params == {"C": 0.5}
    with pytest.raises(ConfigError, match="expected key=value"):
        apply_overrides(BASE, ["seed"])
    with pytest.raises(ConfigError, match=r"classifiers\[5\] does not exist"):
        apply_overrides(BASE, ["classifiers.5.name=x"])


def test_plugin_component_names_are_accepted(counting):
    cfg = load_config({**BASE, "classifiers": [{"name": "test-counting", "params": {"fail": True}}]})
    assert cfg.classifiers[0].name == "test-counting"
    msg = error(["classifiers.0.params.explode=1"], {**BASE, "classifiers": [{"name": "test-counting"}]})
    assert msg.startswith("classifiers[0].params.explode: unknown parameter")


def test_default_names_resolve():
    import newsml.classify as c
    import newsml.summarize as s

    assert s.DEFAULT_SUMMARIZER in s.list_summarizers()
    cfg = load_config({**BASE, "summarizers": [{"name": "default"}]})
    assert cfg.summarizers[0].name == s.DEFAULT_SUMMARIZER
    assert c.DEFAULT_CLASSIFIER in c.list_classifiers()
    cfg = load_config({**BASE, "classifiers": [{"name": "default"}]})
    assert cfg.classifiers[0].name == c.DEFAULT_CLASSIFIER


def test_shipped_configs_validate():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    paths = [repo / "configs" / "seed.yaml", *sorted((repo / "configs" / "bench").glob("*.yaml"))]
    assert len(paths) >= 4
    for p in paths:
        cfg = load_config(p)
        assert cfg.classifiers or cfg.summarizers, p
    seed = load_config(repo / "configs" / "seed.yaml")
    assert Path(seed.dataset.source) == (repo / "seeds").resolve()
    assert seed.classifiers[0].name == "tagger"
