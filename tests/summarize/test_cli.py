"""``newsml summarize`` command line."""

from __future__ import annotations

import json

from newsml.cli import main


def test_json_output(seeds_dir, capsys):
    assert main(["summarize", str(seeds_dir), "--method", "lead", "--max-sentences", "2", "--format", "json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(lines) == 1
    rec = lines[0]
    assert set(rec) == {"id", "summary", "sentences"}
    assert rec["sentences"] == [0, 1]
    assert rec["summary"].startswith("The military junta in Mali")


def test_text_output_default_method_and_word_limit(seeds_dir, capsys):
    assert main(["summarize", str(seeds_dir), "--max-words", "70"]) == 0
    out = capsys.readouterr().out
    header, body = out.strip().split("\n", 1)
    assert header.startswith("== 000_7720f7d8ad8d4f8e (supervised)")
    assert 0 < len(body.split()) <= 70


def test_saved_model_and_errors(seeds_dir, tmp_path, capsys):
    import newsml

    newsml.get_summarizer("textrank", default_sentences=1).save(tmp_path / "tr")
    assert main(["summarize", str(seeds_dir), "--model", str(tmp_path / "tr"), "--format", "json"]) == 0
    rec = json.loads(capsys.readouterr().out.strip())
    assert len(rec["sentences"]) == 1
    assert main(["summarize", str(seeds_dir), "--method", "nope"]) == 2
    assert "allowed" in capsys.readouterr().err
    assert main(["summarize", str(seeds_dir), "--method", "lead", "--model", "x"]) == 2
