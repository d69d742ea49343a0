"""Runs end to end: run-dir files, metrics consistent with predictions, atomic/crash handling, resume, reports."""

from __future__ import annotations

import json

import pytest

from newsml.evaluate import classification_report
from newsml.experiment import compare_runs, run_experiment
from newsml.experiment.rundir import is_complete, read_jsonl


def config(corpus_path, **extra):
    cfg = {"name": "unit", "seed": 3, "dataset": {"source": str(corpus_path)},
           "classifiers": [{"name": "test-counting", "id": "majority"}],
           "summarizers": [{"name": "lead", "options": {"max_sentences": 1}}, {"name": "test-first-words"}],
           "evaluation": {"n_boot": 200}}
    cfg.update(extra)
    return cfg


@pytest.fixture(scope="module")
def finished_run(corpus_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "full"
    cfg = config(corpus_path, classifiers=[{"name": "tfidf"}, {"name": "test-counting", "id": "majority"}])
    return run_experiment(cfg, out=out, log=lambda m: None)


def test_run_dir_holds_every_file(finished_run):
    p = finished_run.path
    for name in ("config.yaml", "environment.json", "data.json", "metrics.json", "predictions.jsonl", "report.md",
                 "COMPLETE", "confusion_tfidf.png", "per_label_f1.png", "rouge.png"):
        assert (p / name).exists(), name
    env = json.loads((p / "environment.json").read_text())
    assert env["python"] and env["packages"]["numpy"] and "cpu" in env
    data = json.loads((p / "data.json").read_text())
    assert data["n_eval"] == 8 and data["n_train"] == 16 and len(data["fingerprint"]) == 64
    assert data["eval_split"] == "test"
    report = (p / "report.md").read_text()
    assert "## Classification" in report and "## Summarisation" in report and "![rouge](rouge.png)" in report
    assert "## Paired comparisons" in report and "tfidf − majority" in report


def test_metrics_match_predictions(finished_run):
    m = finished_run.metrics
    preds = read_jsonl(finished_run.path / "predictions.jsonl")
    tf = [p for p in preds if p["system"] == "tfidf"]
    assert len(tf) == 8
    again = classification_report([p["gold"] for p in tf], [p["pred"] for p in tf], n_boot=0)
    assert m["classifiers"]["tfidf"]["report"]["metrics"]["macro_f1"]["value"] == pytest.approx(
        again["metrics"]["macro_f1"]["value"])
    # the majority-label plug-in was fitted on the train split and scores 0.5 on a balanced test split
    assert m["classifiers"]["majority"]["fitted"] is True
    assert m["classifiers"]["majority"]["report"]["metrics"]["accuracy"]["value"] == pytest.approx(0.5)
    # the lead summary of these documents is the reference sentence itself
    assert m["summarizers"]["lead"]["report"]["metrics"]["rouge1"]["value"] == pytest.approx(1.0)
    fw = m["summarizers"]["test-first-words"]["report"]
    assert fw["metrics"]["length_words"]["value"] == pytest.approx(8.0)
    comp = m["comparisons"]["summarizers"][0]
    assert comp["a"] == "lead" and comp["result"]["rouge1"]["diff"]["value"] > 0


def test_resume_skips_finished_parts_and_force_recomputes(corpus_path, tmp_path, counting):
    out = tmp_path / "run"
    first = run_experiment(config(corpus_path), out=out, log=lambda m: None)
    assert counting.calls["fit"] == 1 and len(first.computed) == 3
    second = run_experiment(config(corpus_path), out=out, log=lambda m: None)
    assert second.reused == ["all"] and counting.calls["fit"] == 1
    forced = run_experiment(config(corpus_path), out=out, force=True, log=lambda m: None)
    assert len(forced.computed) == 3 and counting.calls["fit"] == 2
    assert forced.metrics["classifiers"]["majority"]["report"] == first.metrics["classifiers"]["majority"]["report"]


def test_crash_leaves_run_incomplete_and_rerun_resumes(corpus_path, tmp_path, counting):
    out = tmp_path / "crash"
    cfg = config(corpus_path, classifiers=[{"name": "test-counting", "id": "first"},
                                           {"name": "test-counting", "id": "majority", "params": {"fail": True}}])
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_experiment(cfg, out=out, log=lambda m: None)
    assert not is_complete(out)
    assert not (out / "metrics.json").exists()
    assert (out / "parts" / "classifier-first" / "done.json").exists()
    assert not (out / "parts" / "classifier-majority" / "done.json").exists()
    assert not list(out.rglob("*.tmp"))
    res = run_experiment(cfg, ["classifiers.1.params.fail=false"], out=out, log=lambda m: None)
    assert is_complete(out)
    assert res.reused == ["classifier:first"]
    assert res.computed == ["classifier:majority", "summarizer:lead", "summarizer:test-first-words"]


def test_changed_config_recomputes_only_changed_part(corpus_path, tmp_path, counting):
    out = tmp_path / "change"
    run_experiment(config(corpus_path), out=out, log=lambda m: None)
    res = run_experiment(config(corpus_path), ["summarizers.0.options.max_sentences=2"], out=out, log=lambda m: None)
    assert res.computed == ["summarizer:lead"]
    assert res.metrics["summarizers"]["lead"]["options"] == {"max_sentences": 2}


def test_default_run_dir_and_resume(corpus_path, tmp_path, monkeypatch, counting):
    monkeypatch.setenv("NEWSML_RUNS_DIR", str(tmp_path / "runs"))
    cfg = config(corpus_path, summarizers=[], classifiers=[{"name": "test-counting"}])
    a = run_experiment(cfg, log=lambda m: None)
    assert a.path.parent == tmp_path / "runs" / "unit"
    b = run_experiment(cfg, log=lambda m: None)
    assert b.path == a.path and b.reused == ["all"]
    c = run_experiment(cfg, force=True, log=lambda m: None)
    assert c.path != a.path and c.computed == ["classifier:test-counting"]
    # an edited config gets a new directory, but unchanged parts are taken from earlier runs
    d = run_experiment(cfg, ["summarizers.0.name=test-first-words", "evaluation.plots=false"], log=lambda m: None)
    assert d.path not in (a.path, c.path)
    assert d.reused == ["classifier:test-counting"] and d.computed == ["summarizer:test-first-words"]
    assert counting.calls["fit"] == 2


def test_limit_and_sample_are_seeded(corpus_path, tmp_path):
    cfg = config(corpus_path, classifiers=[], summarizers=[{"name": "test-first-words"}])
    a = run_experiment(cfg, ["dataset.sample=5"], out=tmp_path / "a", log=lambda m: None)
    b = run_experiment(cfg, ["dataset.sample=5"], out=tmp_path / "b", log=lambda m: None)
    assert a.metrics["data"]["n_eval"] == 5 and a.metrics["data"]["fingerprint"] == b.metrics["data"]["fingerprint"]


def test_compare_runs_pairs_shared_documents(finished_run, corpus_path, tmp_path):
    other = run_experiment(config(corpus_path, classifiers=[{"name": "test-counting", "id": "majority"}],
                                  summarizers=[{"name": "test-first-words", "params": {"n_words": 4}}]),
                           out=tmp_path / "other", log=lambda m: None)
    md = compare_runs([finished_run.path, other.path], out=tmp_path / "cmp", n_boot=200)
    assert "| unit@full/lead |" in md and "unit@other/test-first-words" in md
    assert "## Paired comparisons" in md and "unit@full/lead − unit@other/test-first-words" in md
    assert (tmp_path / "cmp" / "comparison.png").exists() and (tmp_path / "cmp" / "report.md").exists()


def test_compare_refuses_incomplete_runs(tmp_path):
    from newsml.errors import InputError

    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "metrics.json").write_text("{}")
    with pytest.raises(InputError, match="incomplete"):
        compare_runs([tmp_path / "r"])
