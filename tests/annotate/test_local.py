"""The corpus job on the local engine: output contract, per-document isolation, workers, resume, CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from corpus_docs import make_documents, write_jsonl

import newsml
from newsml.corpus import NewsmlPredictor, read_output
from newsml.corpus import store as store_mod
from newsml.errors import InputError

N_ROWS = 202  # the generated corpus: 200 documents + a malformed line + an empty text


def _sorted(out: Path) -> pa.Table:
    return read_output(out).sort_by("id")


def test_output_contract(local_run, corpus_jsonl):
    out = local_run.out
    names = sorted(p.name for p in out.iterdir())
    assert names == ["_SUCCESS", "manifest.json", "part-00000.parquet", "part-00001.parquet",
                     "part-00002.parquet"]
    t = _sorted(out)
    assert t.column_names == ["id", "labels", "scores", "evidence", "summary", "summary_sentences", "error"]
    ids = t.column("id").to_pylist()
    assert len(ids) == len(set(ids)) == N_ROWS
    rows = {r["id"]: r for r in t.to_pylist()}
    errors = {k: r["error"] for k, r in rows.items() if r["error"]}
    bad_line = f"{corpus_jsonl}:51"  # a dropped record's id: where it was (no id could be read)
    assert set(errors) == {bad_line, "empty-1"}
    assert "invalid JSON" in errors[bad_line] and "empty text" in errors["empty-1"]
    # the generated wording has keyword cues: labels, their scores and evidence must agree
    tagged = [r for r in rows.values() if r["labels"]]
    assert len(tagged) > 60
    for r in tagged:
        for lab in r["labels"]:
            assert r["scores"][lab] >= 0.5 and r["evidence"][lab]
            assert r["evidence"][lab] in read_text(corpus_jsonl, r["id"])
        assert all(r["evidence"][c] is None for c in r["evidence"] if c not in r["labels"])
    doc = rows["doc-00003"]
    assert 1 <= len(doc["summary_sentences"]) <= 2 and doc["summary"].split(".")[0] in read_text(corpus_jsonl, "doc-00003")
    m = json.loads((out / "manifest.json").read_text())
    assert m["counts"] == {"rows": N_ROWS, "ok": N_ROWS - 2, "failed": 2, "duplicate_ids": 0, "parts": 3}
    assert m["components"]["classifier"]["name"] == "keyword"
    assert m["components"]["summarizer"]["class"].endswith(":LeadSummarizer")
    assert m["fingerprint"] == json.loads((out / "_SUCCESS").read_text())["fingerprint"]
    for p in out.glob("part-*.parquet"):
        assert pq.read_schema(p).metadata[store_mod.FINGERPRINT_KEY].decode() == m["fingerprint"]


def read_text(path: Path, doc_id: str) -> str:
    for line in path.read_text().splitlines():
        if doc_id in line and line.startswith("{\""):
            rec = json.loads(line)
            if rec["id"] == doc_id:
                return rec.get("title", "") + " " + rec["text"]
    raise KeyError(doc_id)


def test_predictor_isolates_a_failing_document():
    p = NewsmlPredictor(classifier="keyword", summarizer="lead", max_sentences=1)
    real = p.summarizer_.summarize

    def flaky(docs, **kw):
        if any("BOOM" in d["text"] for d in docs):
            raise RuntimeError("summariser exploded")
        return real(docs, **kw)

    p.summarizer_.summarize = flaky
    out = p({"id": ["a", "b", "c"], "text": ["Mali expelled the ambassador of Chad.", "BOOM. Bad.", "Rain fell."]})
    rows = out.to_pylist()
    assert [r["error"] for r in rows] == [None, "RuntimeError: summariser exploded", None]
    assert rows[0]["labels"] and rows[0]["summary"] == "Mali expelled the ambassador of Chad."
    assert rows[2]["summary"] == "Rain fell."
    # the same two documents alone give the same rows: isolation did not change the results
    alone = p({"id": ["a", "c"], "text": ["Mali expelled the ambassador of Chad.", "Rain fell."]}).to_pylist()
    assert alone == [rows[0], rows[2]]


def test_workers_load_models_once_and_match_one_process(corpus_jsonl, tmp_path):
    opts = {"classifier": "none", "summarizer": "lead", "batch_size": 8, "rows_per_part": 100}
    one = newsml.annotate(corpus_jsonl, tmp_path / "w1", **opts)
    res = newsml.annotate(corpus_jsonl, tmp_path / "w2", workers=2, **opts)
    pids = [w["pid"] for w in res.workers]
    assert 1 <= len(pids) <= 2 and os.getpid() not in pids
    assert all(w["loads"] == 1 for w in res.workers)  # a counter, not timing: one predictor per worker
    assert sum(w["batches"] for w in res.workers) == -(-N_ROWS // 8)
    # batches come back in input order: the parts themselves are identical, not only the rows
    for a, b in zip(one.parts, res.parts, strict=True):
        assert pq.read_table(a).equals(pq.read_table(b))


def test_resume_after_failure_equals_uninterrupted(corpus_jsonl, tmp_path, monkeypatch):
    opts = {"classifier": "none", "summarizer": "lead", "batch_size": 20, "rows_per_part": 50}
    full = newsml.annotate(corpus_jsonl, tmp_path / "full", **opts)
    real_write, calls = store_mod.PartWriter._write, {"n": 0}

    def crash_after_two(self, n):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # like Ctrl-C mid-run
        real_write(self, n)

    monkeypatch.setattr(store_mod.PartWriter, "_write", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        newsml.annotate(corpus_jsonl, tmp_path / "crash", **opts)
    monkeypatch.setattr(store_mod.PartWriter, "_write", real_write)
    assert not (tmp_path / "crash" / "_SUCCESS").exists()
    written = read_output(tmp_path / "crash").num_rows
    assert 0 < written < N_ROWS
    with pytest.raises(InputError, match="--resume"):
        newsml.annotate(corpus_jsonl, tmp_path / "crash", **opts)
    res = newsml.annotate(corpus_jsonl, tmp_path / "crash", resume=True, **opts)
    assert res.skipped == written and res.processed == N_ROWS - written
    assert _sorted(tmp_path / "crash").equals(_sorted(full.out))
    assert res.manifest["counts"]["duplicate_ids"] == 0 and (tmp_path / "crash" / "_SUCCESS").exists()
    # a different configuration must not be mixed into the same folder
    with pytest.raises(InputError, match="different annotate configuration"):
        newsml.annotate(corpus_jsonl, tmp_path / "crash", resume=True, **{**opts, "summarizer": "textrank"})


def test_killed_cli_run_resumes_with_nothing_lost_or_duplicated(tmp_path):
    src = write_jsonl(tmp_path / "big.jsonl", make_documents(250, seed=3))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "newsml", "annotate", str(src), "--out", str(out), "--classifier", "none",
           "--summarizer", "lead", "--batch-size", "5", "--rows-per-part", "25"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not (out / "part-00002.parquet").exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = len(store_mod.part_paths(out))
    assert 2 <= before and not (out / "_SUCCESS").exists(), "the run finished before it could be killed"
    done = subprocess.run(cmd + ["--resume"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    t = read_output(out)
    ids = t.column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 250
    # every row equals what one uninterrupted predictor call gives
    from newsml.corpus.source import RowSource, rows_to_columns

    ref = NewsmlPredictor(classifier="none", summarizer="lead")(rows_to_columns(list(RowSource([src]))))
    assert t.sort_by("id").equals(ref.sort_by("id"))
    assert (out / "_SUCCESS").exists()


def test_cli_errors_are_one_line(tmp_path, capsys):
    from newsml.cli import main

    assert main(["annotate", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "o2").mkdir()
    (tmp_path / "o2" / "notes.txt").write_text("mine")
    f = write_jsonl(tmp_path / "a.jsonl", make_documents(3))
    assert main(["annotate", str(f), "--out", str(tmp_path / "o2"), "--summarizer", "lead"]) == 2
    err = capsys.readouterr().err
    assert "did not write" in err and (tmp_path / "o2" / "notes.txt").read_text() == "mine"
    assert main(["annotate", str(f), "--out", str(tmp_path / "o3"), "--classifier", "keywrd"]) == 2
    assert "keywrd" in capsys.readouterr().err


def test_config_engine_block(tmp_path):
    from newsml.cli import main

    f = write_jsonl(tmp_path / "a.jsonl", make_documents(40))
    cfg = tmp_path / "job.yaml"
    cfg.write_text(f"name: job\ndataset: {{source: {f}}}\nclassifiers: [{{name: keyword}}]\n"
                   "summarizers: [{name: lead, options: {max_sentences: 1}}]\n"
                   f"engine: {{name: local, batch_size: 8, rows_per_part: 15, out: {tmp_path / 'cfg-out'}}}\n")
    assert main(["annotate", "--config", str(cfg)]) == 0
    m = json.loads((tmp_path / "cfg-out" / "manifest.json").read_text())
    assert m["batch_size"] == 8 and m["counts"]["parts"] == 3 and m["max_sentences"] == 1
    t = read_output(tmp_path / "cfg-out")
    assert all(len(s) == 1 for s in t.column("summary_sentences").to_pylist())
    from newsml.experiment.config import load_config

    with pytest.raises(newsml.ConfigError, match="engine.name"):
        load_config({"name": "x", "dataset": {"source": "x"}, "summarizers": [{"name": "lead"}],
                     "engine": {"name": "spark"}})


def test_import_newsml_stays_light():
    code = ("import sys, newsml; f = newsml.annotate; "
            "print(','.join(m for m in ('ray', 'pyarrow', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.strip() == ""


def test_reads_parquet_folders_and_a_prepare_output(tmp_path):
    recs = make_documents(6, seed=11)
    pq.write_table(pa.table({"id": [r["id"] for r in recs], "body": [r["text"] for r in recs]}),
                   tmp_path / "in.parquet")
    folder = tmp_path / "folder"
    folder.mkdir()
    for r in recs[:2]:
        (folder / f"{r['id']}.txt").write_text(r["text"])
    from newsml.data import prepare

    prepare(folder, tmp_path / "prepared")
    opts = {"classifier": "none", "summarizer": "lead", "max_sentences": 1}
    parquet = read_output(newsml.annotate(tmp_path / "in.parquet", tmp_path / "o1", **opts).out)
    assert sorted(parquet.column("id").to_pylist()) == sorted(r["id"] for r in recs)
    assert parquet.column("error").null_count == 6  # the text column was found under its other name
    texts = read_output(newsml.annotate(folder, tmp_path / "o2", **opts).out).sort_by("id")
    prepared = read_output(newsml.annotate(tmp_path / "prepared", tmp_path / "o3", **opts).out).sort_by("id")
    assert texts.column("id").to_pylist() == [r["id"] for r in recs[:2]]
    assert prepared.column("summary").to_pylist() == texts.column("summary").to_pylist()
    assert texts.column("summary").to_pylist()[0] == recs[0]["text"].split(". ")[0] + "."


def test_saved_component_folders_work_like_names(tmp_path):
    clf_dir, sum_dir = tmp_path / "clf", tmp_path / "sum"
    from newsml.classify.keyword import KeywordClassifier

    kw = KeywordClassifier()
    kw.predict(["warm."])  # taxonomy classes without fit
    kw.save(clf_dir)
    newsml.get_summarizer("lead").save(sum_dir)
    src = write_jsonl(tmp_path / "a.jsonl", make_documents(12, seed=5))
    by_name = newsml.annotate(src, tmp_path / "o1", classifier="keyword", summarizer="lead")
    by_dir = newsml.annotate(src, tmp_path / "o2", classifier=str(clf_dir), summarizer=str(sum_dir))
    assert read_output(by_dir.out).equals(read_output(by_name.out))
    assert by_dir.manifest["components"]["summarizer"]["saved_dir_sha256"]
    assert by_dir.manifest["fingerprint"] != by_name.manifest["fingerprint"]


def test_tally_counts_duplicate_ids_across_parts(tmp_path):
    """Duplicate ids are counted over all parts (Arrow-side count), with failures and their reasons."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsml.corpus.store import tally_outputs

    pq.write_table(pa.table({"id": ["a", "b", "c"], "error": [None, "bad input (x)", None]}),
                   tmp_path / "part-00000.parquet")
    pq.write_table(pa.table({"id": ["c", "d", "a", "a"], "error": [None, None, None, None]}),
                   tmp_path / "part-00001.parquet")
    t = tally_outputs(tmp_path)
    assert (t["rows"], t["ok"], t["failed"], t["duplicate_ids"], t["parts"]) == (7, 6, 1, 3, 2)
    assert t["failure_reasons"] == {"bad input": 1}
    assert t["failure_examples"] == [{"id": "b", "error": "bad input (x)"}]
