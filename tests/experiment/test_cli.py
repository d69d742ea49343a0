"""The command-line contract of ``newsml run`` / ``newsml report``, and the main job (configs/seed.yaml)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsml.cli import main

REPO = Path(__file__).resolve().parents[2]


def write_config(tmp_path: Path, corpus_path: Path, body: str = "") -> Path:
    p = tmp_path / "exp.yaml"
    p.write_text(f"name: cli\nseed: 1\ndataset:\n  source: {corpus_path}\n"
                 "summarizers:\n  - name: lead\n    options: {max_sentences: 1}\n"
                 "evaluation: {n_boot: 100}\n" + body)
    return p


def test_run_prints_run_dir_last(tmp_path, corpus_path, capsys):
    cfg = write_config(tmp_path, corpus_path)
    out = tmp_path / "run"
    assert main(["run", str(cfg), "evaluation.n_boot=50", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == str(out)
    assert any("summarizer lead" in line and "rouge1=" in line for line in lines)
    assert (out / "metrics.json").exists() and (out / "report.md").exists() and list(out.glob("*.png"))
    assert json.loads((out / "metrics.json").read_text())["summarizers"]["lead"]["report"]["bootstrap"]["n_boot"] == 50
    # rerun: nothing recomputed, same last line
    assert main(["run", str(cfg), "evaluation.n_boot=50", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines()[-1] == str(out) and "already complete" in captured.err


def test_bad_config_exits_nonzero_with_one_line(tmp_path, corpus_path, capsys):
    cfg = write_config(tmp_path, corpus_path, "classifiers:\n  - name: tfidff\n")
    assert main(["run", str(cfg), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "classifiers[0].name: unknown classifier 'tfidff'; allowed:" in err[0]
    assert main(["run", str(cfg), "classifiers.0.name=tfidf", "dataset.bogus=1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "dataset.bogus: unknown key; allowed:" in err[0]
    assert not (tmp_path / "x").exists()


def test_report_command(tmp_path, corpus_path, capsys):
    cfg = write_config(tmp_path, corpus_path)
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", str(cfg), "--out", str(a)]) == 0
    assert main(["run", str(cfg), "summarizers.0.options.max_sentences=2", "--out", str(b)]) == 0
    capsys.readouterr()
    assert main(["report", str(a), str(b)]) == 0
    md = capsys.readouterr().out
    assert "cli@a/lead" in md and "cli@b/lead" in md and "Paired comparisons" in md
    assert main(["report", str(a), str(b), "--out", str(tmp_path / "cmp")]) == 0
    assert (tmp_path / "cmp" / "comparison.png").exists()
    assert main(["report", str(tmp_path)]) == 2


@pytest.mark.slow
def test_cli_subprocess_contract(tmp_path, corpus_path):
    """The installed entry point itself (a fresh process), as a user runs it."""
    cfg = write_config(tmp_path, corpus_path)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ok = subprocess.run([sys.executable, "-m", "newsml.cli", "run", str(cfg), "--out", str(tmp_path / "r")],
                        capture_output=True, text=True, env=env, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().splitlines()[-1] == str(tmp_path / "r")


def test_main_job_seed_config(tmp_path, capsys):
    """configs/seed.yaml with the real default tagger and summariser (no stand-ins)."""
    out = tmp_path / "seed"
    assert main(["run", str(REPO / "configs" / "seed.yaml"), "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == str(out)
    m = json.loads((out / "metrics.json").read_text())
    assert m["data"]["n_eval"] >= 1 and m["data"]["n_with_summary"] >= 1
    (clf,) = m["classifiers"].values()
    (summ,) = m["summarizers"].values()
    assert clf["name"] == "tagger" and clf["fitted"] is False
    assert clf["report"]["multi_label"] is True and 0 <= clf["report"]["metrics"]["example_f1"]["value"] <= 1
    assert summ["report"]["metrics"]["rouge1"]["value"] > 0.1
    assert (out / "report.md").exists() and (out / "rouge.png").exists() and (out / "per_label_f1.png").exists()
