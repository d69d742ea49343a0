"""Atomic writes, completion markers, fingerprints and environment capture."""

from __future__ import annotations

import os

import pytest

from newsml.experiment import rundir as rd


def test_atomic_write_never_leaves_half_a_file(tmp_path, monkeypatch):
    target = tmp_path / "metrics.json"
    rd.write_json_atomic(target, {"v": 1})

    def boom(src, dst):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="simulated"):
        rd.write_json_atomic(target, {"v": 2})
    monkeypatch.undo()
    assert rd.read_json(target) == {"v": 1}               # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]  # no temporary file left


def test_complete_marker(tmp_path):
    assert not rd.is_complete(tmp_path)
    rd.mark_complete(tmp_path, {"run_hash": "x"})
    assert rd.is_complete(tmp_path) and rd.read_json(tmp_path / rd.COMPLETE)["run_hash"] == "x"


def test_fingerprint_sensitive_to_content_and_order():
    a = [{"id": "1", "text": "x", "labels": ["a"]}, {"id": "2", "text": "y", "labels": []}]
    assert rd.data_fingerprint(a) == rd.data_fingerprint([dict(r) for r in a])
    assert rd.data_fingerprint(a) != rd.data_fingerprint(a[::-1])
    assert rd.data_fingerprint(a) != rd.data_fingerprint([{**a[0], "labels": ["b"]}, a[1]])
    assert rd.stable_hash({"a": 1, "b": 2}) == rd.stable_hash({"b": 2, "a": 1})


def test_environment_records_versions_and_cpu():
    env = rd.environment()
    assert env["python"].count(".") == 2 and env["cpu_count"] >= 1
    assert env["packages"]["newsml"] and env["packages"]["rouge-score"]
    assert "commit" in env["git"]


def test_jsonl_roundtrip_with_numpy(tmp_path):
    import numpy as np

    rd.write_jsonl_atomic(tmp_path / "p.jsonl", [{"x": np.float32(0.5), "y": np.arange(2)}])
    assert rd.read_jsonl(tmp_path / "p.jsonl") == [{"x": 0.5, "y": [0, 1]}]
