"""The Ray Data engine: same rows as the local engine, resume by anti-join, a one-line error without Ray.

All Ray tests share one session-scoped local Ray (``ray_session``, 2 CPUs); they skip only when Ray
cannot be imported.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import FAST

import newsml
from newsml.corpus import read_output
from newsml.corpus import store as store_mod
from newsml.errors import InputError


def test_ray_matches_local(ray_session, local_run, corpus_jsonl, tmp_path):
    res = newsml.annotate(corpus_jsonl, tmp_path / "ray", engine="ray", workers=2, batch_size=32,
                          rows_per_part=100, **FAST)
    assert res.manifest["engine"] == "ray" and (tmp_path / "ray" / "_SUCCESS").exists()
    assert res.manifest["fingerprint"] == local_run.manifest["fingerprint"]
    assert res.manifest["counts"] == local_run.manifest["counts"]
    a = read_output(local_run.out).sort_by("id")
    b = read_output(res.out).sort_by("id")
    assert a.schema.equals(b.schema)
    for col in ("id", "labels", "evidence", "summary", "summary_sentences", "error"):
        assert a.column(col).to_pylist() == b.column(col).to_pylist(), col
    sa = [list(r.values()) if r else [] for r in a.column("scores").to_pylist()]
    sb = [list(r.values()) if r else [] for r in b.column("scores").to_pylist()]
    assert len(sa) == len(sb) and all(np.allclose(x, y, atol=1e-6, rtol=0) for x, y in zip(sa, sb))
    assert sum(map(len, a.column("labels").to_pylist())) > 60  # the comparison is not over empty rows


def test_ray_resumes_a_crashed_local_run(ray_session, corpus_jsonl, tmp_path, monkeypatch):
    opts = {"classifier": "none", "summarizer": "lead", "batch_size": 20, "rows_per_part": 50}
    full = newsml.annotate(corpus_jsonl, tmp_path / "full", **opts)
    real_write = store_mod.PartWriter._write

    def crash_on_third(self, n):
        if self.parts_written == 2:
            raise RuntimeError("disk full")
        real_write(self, n)

    monkeypatch.setattr(store_mod.PartWriter, "_write", crash_on_third)
    with pytest.raises(RuntimeError):
        newsml.annotate(corpus_jsonl, tmp_path / "out", **opts)
    monkeypatch.setattr(store_mod.PartWriter, "_write", real_write)
    written = read_output(tmp_path / "out").num_rows
    assert 0 < written < full.manifest["counts"]["rows"]
    res = newsml.annotate(corpus_jsonl, tmp_path / "out", engine="ray", workers=1, resume=True, **opts)
    assert res.processed == full.manifest["counts"]["rows"] - written  # the anti-join skipped the rest
    assert read_output(tmp_path / "out").sort_by("id").equals(read_output(full.out).sort_by("id"))
    assert res.manifest["counts"]["duplicate_ids"] == 0


def test_missing_ray_is_one_line_with_install_hint(monkeypatch, corpus_jsonl, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(InputError, match=r'pip install "newsml\[ray\]"') as info:
        newsml.annotate(corpus_jsonl, tmp_path / "o", engine="ray", summarizer="lead", classifier="none")
    assert "\n" not in str(info.value) and not (tmp_path / "o").exists()
