"""Issue 11, data side: every reproduction as a case asserting the exact outcome (output present, error named,
nothing lost). Each case fails on the code before the fix."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsml.cli import main
from newsml.data import prepare
from newsml.errors import ConfigError, InputError
from newsml.outdir import MARKER, FolderLock, LockError, OutputError, OutputFolder

TEXT = "WASHINGTON (AP) — The Senate voted on Friday. The bill passed by a wide margin."


def _corpus(d: Path, n: int = 3) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (d / f"a{i}.txt").write_text(f"Rain fell in town number {i} on Monday. Roads flooded in district {i}.")
    return d


def _prepare_cli(capsys, *args) -> tuple[int, str, str]:
    code = main(["prepare", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _dropped(out: Path) -> list[dict]:
    return _manifest(out)["report"]["dropped"]["entries"]


# ------------------------------------------------------------------------------------------- 2 / 8: --out
@pytest.fixture()
def good_ds(tmp_path) -> Path:
    src = _corpus(tmp_path / "src")
    out = tmp_path / "good_ds"
    prepare(src, out, split="train=1")
    return out


def _snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ["typo"],                                    # the input does not exist
    ["{src}", "--split", "train=0.9,tset=0.1"],  # a bad option
    ["{src}", "--limit", "-5"],
    ["{empty}"],                                 # nothing to write: fails after reading
    ["{src}", "--group-by", "desk"],             # fails after reading
])
def test_failed_prepare_leaves_existing_output_intact(tmp_path, capsys, good_ds, args):
    before = _snapshot(good_ds)
    (tmp_path / "empty").mkdir()
    args = [a.format(src=tmp_path / "src", empty=tmp_path / "empty") for a in args]
    code, _, err = _prepare_cli(capsys, *args, "--out", good_ds)
    assert code == 2 and err.startswith("newsml prepare: error: ")
    assert _snapshot(good_ds) == before
    assert not [p for p in tmp_path.iterdir() if ".newsml-" in p.name]  # no temporary sibling or lock left


def test_typo_names_the_input_and_suggests_a_recipe(tmp_path, capsys, good_ds):
    code, _, err = _prepare_cli(capsys, "bcc", "--out", good_ds)
    assert code == 2 and "bcc: no such file, folder or recipe (did you mean the recipe 'bbc'?)" in err


def test_foreign_folder_with_a_manifest_is_not_deleted(tmp_path, capsys):
    webapp = tmp_path / "webapp"
    webapp.mkdir()
    (webapp / "manifest.json").write_text('{"name": "my app"}')
    (webapp / "index.html").write_text("<html></html>")
    code, _, err = _prepare_cli(capsys, _corpus(tmp_path / "src"), "--out", webapp)
    assert code == 2 and "not a newsml output (no .newsml-output marker)" in err
    assert sorted(p.name for p in webapp.iterdir()) == ["index.html", "manifest.json"]


@pytest.mark.parametrize("where", ["equal", "inside", "contains"])
def test_out_overlapping_the_input_is_refused(tmp_path, capsys, where):
    src = _corpus(tmp_path / "corpus")
    out = {"equal": src, "inside": src / "out", "contains": tmp_path}[where]
    before = _snapshot(src)
    code, _, err = _prepare_cli(capsys, src, "--out", out)
    assert code == 2
    assert {"equal": "is the input", "inside": "is inside the input", "contains": "contains the input"}[where] in err
    assert _snapshot(src) == before


def test_own_output_is_replaced_and_marked(tmp_path, good_ds):
    dsd, m = prepare(_corpus(tmp_path / "src2", n=5), good_ds, split="train=1")
    assert m["totals"]["written"] == 5 and len(dsd["train"]) == 5
    assert json.loads((good_ds / MARKER).read_text())["kind"] == "dataset"
    assert not list(good_ds.glob(".work*"))


def test_legacy_output_without_marker_is_still_replaced(tmp_path, good_ds):
    (good_ds / MARKER).unlink()  # as written by newsml before the marker existed
    _, m = prepare(_corpus(tmp_path / "src2", n=4), good_ds, split="train=1")
    assert m["totals"]["written"] == 4


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_concurrent_writer_gets_in_use_by_pid(tmp_path, capsys, good_ds):
    other = _sleeper()
    try:
        lock = tmp_path / ".good_ds.newsml-lock"
        lock.write_text(json.dumps({"pid": other.pid, "host": os.uname().nodename}))
        before = _snapshot(good_ds)
        code, _, err = _prepare_cli(capsys, tmp_path / "src", "--out", good_ds)
        assert code == 2 and f"in use by pid {other.pid}" in err
        assert _snapshot(good_ds) == before and lock.exists()
    finally:
        other.kill()
        other.wait()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path, good_ds):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = tmp_path / ".good_ds.newsml-lock"
    lock.write_text(json.dumps({"pid": dead.pid, "host": os.uname().nodename}))
    _, m = prepare(tmp_path / "src", good_ds, split="train=1")
    assert m["totals"]["written"] == 3 and not lock.exists()


def test_lock_is_exclusive_within_and_released_after(tmp_path):
    with FolderLock(tmp_path / "x.lock"):
        with pytest.raises(LockError, match=f"in use by pid {os.getpid()}"):
            FolderLock(tmp_path / "x.lock").acquire()
    FolderLock(tmp_path / "x.lock").acquire()


def test_crash_midway_keeps_the_old_folder(tmp_path, good_ds):
    before = _snapshot(good_ds)
    with pytest.raises(RuntimeError):
        with OutputFolder(good_ds, "dataset") as work:
            (work / "half.arrow").write_text("partial")
            raise RuntimeError("killed")
    assert _snapshot(good_ds) == before
    assert not [p for p in tmp_path.iterdir() if ".newsml-" in p.name]


def test_output_files_follow_the_umask(tmp_path, good_ds):
    from newsml.experiment import rundir as rd

    old = os.umask(0o022)
    try:
        rd.write_json_atomic(tmp_path / "run" / "metrics.json", {"a": 1})
        prepare(tmp_path / "src", good_ds, split="train=1")
    finally:
        os.umask(old)
    assert (tmp_path / "run" / "metrics.json").stat().st_mode & 0o777 == 0o644
    assert good_ds.stat().st_mode & 0o777 == 0o755
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in good_ds.rglob("*") if p.is_file())


# --------------------------------------------------------------------------------- 6 / 7: one bad file
def _bad_inputs(src: Path) -> dict[str, str]:
    """Write one bad input of each kind next to good ones; returns {where-substring: expected reason}."""
    _corpus(src)
    (src / "broken.parquet").write_bytes(b"PAR1 this is not a parquet file")
    bad_name = os.fsdecode(b"caf\xe9.txt")
    (src / bad_name).write_text(TEXT)
    (src / "story.txt").write_text(TEXT)
    (src / "story.annotations.yaml").write_text("labels: [unclosed\n")
    (src / "notext.jsonl").write_text('{"headline": "no text column here"}\n')
    return {"broken.parquet": "cannot read .parquet file", "caf\ufffd.txt": "file name is not valid UTF-8",
            "story.annotations.yaml": "invalid annotations", "notext.jsonl": "no text column found"}


@pytest.mark.parametrize("on_error", ["skip", None])
def test_one_bad_file_is_a_recorded_skip(tmp_path, capsys, on_error):
    src = tmp_path / "src"
    expected = _bad_inputs(src)
    args = ["--on-error", on_error] if on_error else []
    code, out, err = _prepare_cli(capsys, src, "--out", tmp_path / "out", "--split", "train=1", *args)
    assert code == 0, err
    assert _manifest(tmp_path / "out")["totals"]["written"] == 3
    dropped = _dropped(tmp_path / "out")
    for where, reason in expected.items():
        assert any(where in e["where"] and reason in e["reason"] for e in dropped), (where, dropped)
    assert f"{len(dropped)} skipped" in err and "manifest.json" in err
    json.dumps(_manifest(tmp_path / "out"), ensure_ascii=False).encode("utf-8")  # valid UTF-8 throughout


def test_bad_files_fail_with_on_error_fail_naming_the_file(tmp_path, capsys):
    src = tmp_path / "src"
    _corpus(src)
    (src / "broken.parquet").write_bytes(b"PAR1 garbage")
    code, _, err = _prepare_cli(capsys, src, "--out", tmp_path / "out", "--on-error", "fail")
    assert code == 2 and "broken.parquet" in err


def test_unreadable_subfolder_is_a_recorded_skip(tmp_path, monkeypatch):
    src = _corpus(tmp_path / "src")
    locked = _corpus(src / "locked", n=1)
    if os.geteuid() == 0:  # root reads anything: inject the error the kernel gives other users
        real = os.scandir

        def scandir(path="."):
            if isinstance(path, (str, os.PathLike)) and Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        locked.chmod(0)
    try:
        _, m = prepare(src, tmp_path / "out", split="train=1")
    finally:
        locked.chmod(0o755)
    assert m["totals"]["written"] == 3
    assert {"where": str(locked), "reason": "cannot read folder: Permission denied"} in m["report"]["dropped"]["entries"]


def test_underscore_and_symlinked_folders_are_read_and_loops_listed(tmp_path):
    src = _corpus(tmp_path / "src", n=1)
    _corpus(src / "_2024", n=2)
    elsewhere = _corpus(tmp_path / "elsewhere", n=2)
    for f in elsewhere.iterdir():
        f.write_text(f.read_text().replace("Rain fell", "Snow fell"))
    (src / "linked").symlink_to(elsewhere, target_is_directory=True)
    (src / "_2024" / "loop").symlink_to(src, target_is_directory=True)
    (src / ".hidden").mkdir()
    dsd, m = prepare(src, tmp_path / "out", split="train=1")
    ids = sorted(dsd["train"]["id"])
    assert ids == ["_2024/a0", "_2024/a1", "a0", "linked/a0", "linked/a1"]
    reasons = {e["where"]: e["reason"] for e in m["report"]["dropped"]["entries"]}
    assert "symlink loop" in reasons[str(src / "_2024" / "loop")]
    assert "hidden folder" in reasons[str(src / ".hidden")]


def test_utf16_without_bom_is_decoded(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "le.txt").write_bytes("Rain fell in Accra. Roads flooded.".encode("utf-16-le"))
    (src / "be.txt").write_bytes("Снег выпал в Москве. Дороги закрыты.".encode("utf-16-be"))
    dsd, m = prepare(src, tmp_path / "out", split="train=1")
    texts = dict(zip(dsd["train"]["id"], dsd["train"]["text"]))
    assert texts == {"le": "Rain fell in Accra. Roads flooded.", "be": "Снег выпал в Москве. Дороги закрыты."}
    assert m["totals"]["dropped"] == 0


@pytest.mark.parametrize("data,ids", [(TEXT.encode(), ["stdin"]),
                                      (b'{"id": "x1", "text": "Rain fell."}\n{"id": "x2", "text": "Sun."}\n',
                                       ["x1", "x2"])])
def test_stdin_input(tmp_path, capsys, monkeypatch, data, ids):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, _, err = _prepare_cli(capsys, "-", "--out", tmp_path / "out", "--split", "train=1")
    assert code == 0, err
    from datasets import load_from_disk

    assert sorted(load_from_disk(str(tmp_path / "out"))["train"]["id"]) == ids


def test_renamed_duplicate_ids_never_collide(tmp_path):
    f = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": "First report on rain."}, {"id": "a", "text": "Second report on snow."},
            {"id": "a#2", "text": "Third report on wind."}, {"id": "a", "text": "Fourth report on hail."}]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    dsd, m = prepare(f, tmp_path / "out", split="train=1", dedup="none")
    ids = dsd["train"]["id"]
    assert len(ids) == len(set(ids)) == 4  # before: the renamed second "a" and the real "a#2" collided
    assert ids[:2] == ["a", "a#2"] and m["totals"]["repaired"] == 3


# ------------------------------------------------------------------------------------- 9: validation
@pytest.mark.parametrize("args,message", [
    (["--split", "train=0.9,tset=0.1"], "--split: unknown split name 'tset' (did you mean 'test'?)"),
    (["--split", "train=0.9,test=0.2"], "--split: the shares sum to 1.1, not 1"),
    (["--split", "train=0.5,test=-0.5"], "must be a name with a non-negative fraction"),
    (["--limit", "-5"], "--limit: must be a whole number of at least 1, got -5"),
    (["--limit", "0"], "--limit: must be a whole number of at least 1, got 0"),
    (["--group-by", "desk"], "--group-by: no document has a field 'desk'"),
])
def test_bad_options_get_one_line_naming_the_value(tmp_path, capsys, args, message):
    code, _, err = _prepare_cli(capsys, _corpus(tmp_path / "src"), "--out", tmp_path / "out", *args)
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_declared_split_names_are_accepted(tmp_path, capsys):
    code, _, err = _prepare_cli(capsys, _corpus(tmp_path / "src", n=6), "--out", tmp_path / "out",
                                "--split", "train=0.5,tune=0.5", "--split-names", "tune")
    assert code == 0, err
    assert set(_manifest(tmp_path / "out")["counts"]) == {"train", "tune"}


def _run_cfg(corpus_path: Path, **dataset) -> dict:
    return {"name": "typo", "dataset": {"source": str(corpus_path), **dataset},
            "summarizers": [{"name": "lead"}], "evaluation": {"n_boot": 0, "plots": False, "compare": False}}


@pytest.fixture()
def split_corpus(tmp_path) -> Path:
    f = tmp_path / "news.jsonl"
    rows = [{"id": f"d{i}", "text": f"Rain fell in town {i}. Roads flooded.", "summary": "Rain fell.",
             "split": "train" if i < 6 else "test"} for i in range(8)]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return f


@pytest.mark.parametrize("dataset,message", [
    ({"eval_split": "tset"}, "dataset.eval_split: no split 'tset' (did you mean 'test'?)"),
    ({"train_split": "trian"}, "dataset.train_split: no split 'trian' (did you mean 'train'?)"),
    ({"options": {"split": "train=0.5,tset=0.5"}}, "--split: unknown split name 'tset'"),
])
def test_split_typo_in_a_run_config_is_an_error(tmp_path, split_corpus, dataset, message):
    from newsml.experiment import run_experiment

    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        run_experiment(_run_cfg(split_corpus, **dataset), out=tmp_path / "run", log=lambda m: None)
    assert not (tmp_path / "run").exists()


def test_run_never_falls_back_to_evaluating_on_train(tmp_path):
    from newsml.experiment import run_experiment

    f = tmp_path / "news.jsonl"
    f.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Rain fell in town {i}.", "summary": "Rain.",
                                     "split": "train" if i < 4 else "tets"}) + "\n" for i in range(6)))
    res = run_experiment(_run_cfg(f), out=tmp_path / "run", log=lambda m: None)
    assert res.metrics["data"]["eval_split"] == "tets"  # the only other split, never train
    f.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Rain fell in town {i}.", "summary": "Rain.",
                                     "split": ["train", "tets", "tsts"][i % 3]}) + "\n" for i in range(6)))
    with pytest.raises(ConfigError, match="no test or validation split"):
        run_experiment(_run_cfg(f), out=tmp_path / "run2", log=lambda m: None)


# ------------------------------------------------------------------------------------- runs: --out
def test_run_refuses_a_foreign_folder_and_overlapping_input(tmp_path, split_corpus):
    from newsml.experiment import run_experiment

    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(OutputError, match="not a newsml output"):
        run_experiment(_run_cfg(split_corpus), out=foreign, log=lambda m: None)
    assert [p.name for p in foreign.iterdir()] == ["cat.jpg"]
    corpus_dir = split_corpus.parent
    with pytest.raises(OutputError, match="contains the input"):
        run_experiment(_run_cfg(split_corpus), out=corpus_dir, log=lambda m: None)


def test_run_resume_still_works_and_is_marked(tmp_path, split_corpus):
    from newsml.experiment import run_experiment

    first = run_experiment(_run_cfg(split_corpus), out=tmp_path / "run", log=lambda m: None)
    assert json.loads((first.path / MARKER).read_text())["kind"] == "run"
    (first.path / "COMPLETE").unlink()
    again = run_experiment(_run_cfg(split_corpus), out=tmp_path / "run", log=lambda m: None)
    assert again.reused == ["summarizer:lead"] and again.computed == []
    rec = json.loads((first.path / "parts" / "summarizer-lead" / "result.json").read_text())
    import newsml

    assert rec["newsml_version"] == newsml.__version__ and "default_sentences" in rec["params"]


def test_run_held_by_another_process_is_refused(tmp_path, split_corpus):
    from newsml.experiment import run_experiment

    run_experiment(_run_cfg(split_corpus), out=tmp_path / "run", log=lambda m: None)
    other = _sleeper()
    try:
        (tmp_path / ".run.newsml-lock").write_text(json.dumps({"pid": other.pid, "host": os.uname().nodename}))
        with pytest.raises(LockError, match=f"in use by pid {other.pid}"):
            run_experiment(_run_cfg(split_corpus), out=tmp_path / "run", force=True, log=lambda m: None)
        assert (tmp_path / "run" / "COMPLETE").exists()
    finally:
        other.kill()
        other.wait()


def test_input_error_class_family():
    assert issubclass(OutputError, InputError) and issubclass(LockError, OutputError)


# ------------------------------------------------------------------------------------- 10: dedup memory
def test_dedup_memory_per_added_document_is_under_2kb():
    """Python heap growth per added document, grouping included. The old datasketch LSH index used
    ~7 KB per document; experiments/bench_preprocess.py measures RSS at 10k-200k documents."""
    import tracemalloc

    import numpy as np

    from newsml.data.dedup import DuplicateFinder

    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(3000)]
    texts = [" ".join(vocab[j] for j in rng.integers(0, len(vocab), 12)) for _ in range(1400)]
    finder = DuplicateFinder()
    for i, t in enumerate(texts[:400]):
        finder.add(f"doc-{i}", t)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i, t in enumerate(texts[400:], 400):
            finder.add(f"doc-{i}", t)
        groups = finder.groups()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert groups == []  # random texts: no duplicates
    assert (peak - base) / 1000 < 2048  # about 1.1 KB with tracemalloc's view (7.2 KB before)


def test_out_that_is_a_file_or_unwritable_is_one_line(tmp_path, capsys):
    src = _corpus(tmp_path / "src")
    (tmp_path / "afile").write_text("keep me")
    code, _, err = _prepare_cli(capsys, src, "--out", tmp_path / "afile")
    assert code == 2 and "is a file, not a folder" in err and (tmp_path / "afile").read_text() == "keep me"
    code, _, err = _prepare_cli(capsys, src, "--out", tmp_path / "afile" / "sub")
    assert code == 2 and "cannot write here" in err
