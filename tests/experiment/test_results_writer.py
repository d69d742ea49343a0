"""experiments/_results.py: the one writer of benchmark result pairs, and the scripts that use it."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import pytest

# NEWSML_TEST_EXPERIMENTS: point the script checks at another copy (e.g. the scripts before the port, to see
# them fail)
EXPERIMENTS = Path(os.environ.get("NEWSML_TEST_EXPERIMENTS") or Path(__file__).resolve().parents[2] / "experiments")
#: owned by other engineers (they may adopt _results later) or not a benchmark writer
NOT_PORTED = {"bench_summarize.py", "bench_tagger.py", "bench_tagger_teamsets.py", "train_tagger.py",
              "make_results.py", "_results.py"}


def load(name: str):
    sys.path.insert(0, str(EXPERIMENTS))
    spec = importlib.util.spec_from_file_location(f"newsml_{name}", EXPERIMENTS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_write_pair_records_the_environment_in_both_files(tmp_path):
    res = load("_results")
    path = res.write_pair("demo", {"systems": {"ours": {"f1": {"value": 0.5, "low": 0.4, "high": 0.6}}}},
                          "# Demo benchmark\n\n| system | f1 |\n|---|---|\n| ours | 0.5 |\n", results_dir=tmp_path)
    assert path == tmp_path / "demo.json"
    data = json.loads(path.read_text())
    env = data["env"]
    assert set(env) == set(res.ENV_KEYS) and data["systems"]["ours"]["f1"]["value"] == 0.5
    assert env["cpus"] >= 1 and env["python"].count(".") == 2 and {"torch", "onnxruntime"} <= set(env["packages"])
    assert env["command"].startswith("python ") and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", env["date"])
    for key in ("load_average_start", "load_average_end"):
        assert env[key] is None or len(env[key]) == 3
    md = (tmp_path / "demo.md").read_text()
    assert md.startswith("# Demo benchmark\n") and "| ours | 0.5 |" in md
    last = md.rstrip("\n").splitlines()[-1]
    assert last == res.environment_line(env) and f"Python {env['python']}" in last and env["command"] in last
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json", "demo.md"]  # no temporary files left


def test_a_failing_write_leaves_the_previous_pair_untouched(tmp_path):
    res = load("_results")
    res.write_pair("demo", {"n": 1}, "# Demo\n", results_dir=tmp_path)
    before = {p.name: p.read_text() for p in tmp_path.iterdir()}
    with pytest.raises(TypeError):
        res.write_pair("demo", {"n": object()}, "# Demo, second run\n", results_dir=tmp_path)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before


def test_command_line_is_relative_to_the_repository():
    res = load("_results")
    assert res.command_line([str(EXPERIMENTS / "bench_limits.py"), "--sizes", "1 MB"]) == \
        "python experiments/bench_limits.py --sizes '1 MB'"


def test_the_docs_render_a_written_pair(tmp_path):
    res, mr = load("_results"), load("make_results")
    res.write_pair("demo", {"accuracy": {"value": 0.9, "low": 0.8, "high": 0.95}}, "# Demo benchmark\n\n| a |\n|---|\n",
                   results_dir=tmp_path)
    md = mr.build(tmp_path)
    assert "### Demo benchmark" in md and "- Environment: Python " in md


@pytest.mark.parametrize("script", sorted(p.name for p in EXPERIMENTS.glob("*.py") if p.name not in NOT_PORTED))
def test_benchmark_scripts_write_through_the_one_writer(script):
    text = (EXPERIMENTS / script).read_text()
    if "results" not in text:
        pytest.skip(f"{script} writes no results")
    # no record of its own: environment, machine, start/end load (per-measurement load readings are fine)
    assert not re.search(r"platform\.|machine_summary|load_start\b|\"load_average_(start|end)\":|env_info", text), script
    assert not re.search(r"(RESULTS|out|\.with_suffix\([^)]*\))[^\n]*\.write_text\(", text), script
    assert "write_pair" in text or "write_results" in text, script
