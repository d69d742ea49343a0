"""Issue 11 follow-up: defects a careful new user found by rerunning the catalogue on the fixed main.

Each test failed before its fix:

* ``prepare`` skip reasons on stderr/in the manifest read ``UTF-N`` (for "UTF-8") and
  ``cannot read .parquet file (ArrowInvalid`` (an unbalanced parenthesis);
* an unreadable sub-folder still aborted ``prepare`` (``PermissionError`` while probing it for
  ``dataset_dict.json``) instead of being listed as skipped;
* ``summarize --max-sentences 0`` / ``--max-words 0`` skipped every document as "no sentences to
  summarise", and ``classify --evidence -3`` was accepted;
* a saved classifier whose ``classes`` no longer match its ``thresholds`` loaded and returned the wrong
  labels silently.
"""

from __future__ import annotations

import json
import os
import pathlib
from pathlib import Path

import pytest

from newsml.cli import main
from newsml.data import ReadReport, read_documents
from newsml.data.readers import is_saved_dataset
from newsml.errors import ModelLoadError

GOOD = "Rebels seized the northern town on Monday. The army sent reinforcements. Residents fled."


def test_skip_reason_keys_keep_digits_of_names_and_balanced_brackets():
    report = ReadReport()
    report.drop("a/caf\\xe9.txt", None, "file name is not valid UTF-8; rename it")
    report.drop("a/b.parquet", None, "cannot read .parquet file (ArrowInvalid: Parquet magic bytes not found)")
    report.drop("a/c.jsonl", 12, "line 12 is bad")
    reasons = report.to_dict()["dropped"]["reasons"]
    assert reasons == {"file name is not valid UTF-8; rename it": 1, "cannot read .parquet file": 1,
                       "line N is bad": 1}


def test_unreadable_subfolder_is_listed_not_fatal(tmp_path, monkeypatch):
    for i in range(2):
        (tmp_path / f"d{i}.txt").write_text(f"Story {i}. {GOOD}")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "h.txt").write_text(GOOD)
    # root ignores mode 000, so simulate the EACCES a normal user gets inside the folder
    real_is_file, real_scandir = pathlib.Path.is_file, os.scandir

    def is_file(self):
        if self.parent == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_file(self)

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(pathlib.Path, "is_file", is_file)
    monkeypatch.setattr(os, "scandir", scandir)
    assert is_saved_dataset(locked) is False
    report = ReadReport()
    docs = list(read_documents(tmp_path, report=report))
    assert sorted(d.id for d in docs) == ["d0", "d1"]
    (entry,) = report.to_dict()["dropped"]["entries"]
    assert entry["where"].endswith("locked") and entry["reason"].startswith("cannot read folder")


@pytest.mark.parametrize("argv,option", [
    (["summarize", "--method", "lead", "--max-sentences", "0"], "--max-sentences"),
    (["summarize", "--method", "lead", "--max-words", "0"], "--max-words"),
    (["summarize", "--method", "lead", "--max-words", "-4"], "--max-words"),
    (["classify", "--model", "keyword", "--evidence", "-3"], "--evidence"),
])
def test_bad_length_options_are_one_line_errors(argv, option, tmp_path, capsys):
    (tmp_path / "a.txt").write_text(GOOD)
    assert main([argv[0], str(tmp_path / "a.txt"), *argv[1:]]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and option in err[0] and "Traceback" not in err[0]


def test_tampered_classes_are_refused_naming_the_file(tmp_path, capsys):
    from newsml.classify.tfidf import TfidfClassifier

    clf = TfidfClassifier(min_df=1).fit(["troops shelled the town", "shares rose on monday",
                                         "rebels attacked the base", "the index fell sharply"],
                                        ["war", "markets", "war", "markets"])
    saved = clf.save(tmp_path / "model")
    cfg_file = saved / "newsml_classifier.json"
    cfg = json.loads(cfg_file.read_text())
    cfg["classes"] = ["a"]  # two thresholds and two weight columns remain
    cfg_file.write_text(json.dumps(cfg))
    from newsml.classify import load_classifier

    with pytest.raises(ModelLoadError, match="newsml_classifier.json.*'classes'"):
        load_classifier(saved)
    (tmp_path / "a.txt").write_text(GOOD)
    assert main(["classify", str(tmp_path / "a.txt"), "--model", str(saved)]) == 2
    assert "newsml_classifier.json" in capsys.readouterr().err


@pytest.mark.parametrize("command,opts", [("summarize", ["--method", "lead"]), ("classify", ["--model", "keyword"])])
def test_stdin_dash_is_an_input_for_summarize_and_classify(command, opts, monkeypatch, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode())))
    assert main([command, "-", *opts, "--format", "json"]) == 0
    (rec,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert rec["id"] == "stdin" and not rec.get("skipped")


def test_folders_nested_deeper_than_the_recursion_limit(tmp_path, monkeypatch):
    import sys

    monkeypatch.chdir(tmp_path)
    for _ in range(sys.getrecursionlimit() + 100):  # os.makedirs itself recurses
        os.mkdir("a")
        os.chdir("a")
    Path("x.txt").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "top.txt").write_text(GOOD.replace("Monday", "Tuesday"))
    try:
        report = ReadReport()
        docs = list(read_documents(tmp_path, report=report))
        assert len(docs) == 2 and report.counts()["dropped"] == 0
    finally:  # shutil.rmtree (pytest's tmp_path clean-up) recurses too: remove the chain bottom-up here
        depth = 0
        while os.path.isdir("a"):
            os.chdir("a")
            depth += 1
        for name in os.listdir("."):
            os.remove(name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("a")


def test_summarize_model_pointing_at_a_saved_classifier(tmp_path, capsys):
    saved = tmp_path / "clf"
    saved.mkdir()
    (saved / "newsml_classifier.json").write_text(json.dumps({"class": "newsml.classify.tfidf:TfidfClassifier"}))
    (tmp_path / "a.txt").write_text(GOOD)
    assert main(["summarize", str(tmp_path / "a.txt"), "--model", str(saved)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "saved classifier" in err[0] and str(saved) in err[0]


def test_a_split_named_twice_is_one_error_line():
    from newsml.data.splits import parse_split_spec
    from newsml.errors import ConfigError

    with pytest.raises(ConfigError, match="named twice"):
        parse_split_spec("train=0.5,train=0.5")
    assert parse_split_spec("train=0.5,test=0.5") == {"train": 0.5, "test": 0.5}


def test_annotate_refuses_an_out_folder_another_process_is_writing(tmp_path):
    from newsml.corpus import annotate
    from newsml.outdir import FolderLock, LockError

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n", encoding="utf-8")
    out = tmp_path / "ann"
    with FolderLock(tmp_path / ".ann.newsml-lock"):  # held by this (live) process, as a concurrent run would
        with pytest.raises(LockError, match="in use by pid"):
            annotate([str(src)], out, classifier="keyword", summarizer="lead", progress=False)
    assert not out.exists()
    res = annotate([str(src)], out, classifier="keyword", summarizer="lead", progress=False)
    assert res.processed == 1 and not (tmp_path / ".ann.newsml-lock").exists()
