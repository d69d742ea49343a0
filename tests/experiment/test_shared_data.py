"""Integration on the real shared data (small samples; skipped when ../shared/data is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsml.experiment import run_experiment

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.shared("bbc_news_summary")


def test_bench_config_runs_on_a_small_sample(tmp_path, shared_data):
    """configs/bench/bbc_summarizers.yaml with the data cut to 60 articles and two summarisers."""
    res = run_experiment(REPO / "configs" / "bench" / "bbc_summarizers.yaml",
                         ["dataset.options.limit=60", "dataset.data_dir=" + str(shared_data),
                          "summarizers=[{name: lead, options: {ratio: 0.4}}, {name: textrank, options: {ratio: 0.4}}]",
                          "evaluation.n_boot=200"], out=tmp_path / "bbc", log=lambda m: None)
    m = res.metrics
    assert m["data"]["eval_split"] == "test" and m["data"]["n_eval"] >= 4
    lead = m["summarizers"]["lead"]["report"]["metrics"]
    assert 0.3 < lead["rouge1"]["value"] < 1.0 and lead["rouge1"]["low"] <= lead["rouge1"]["high"]
    assert m["comparisons"]["summarizers"][0]["a"] == "lead"
    assert (res.path / "rouge.png").exists()
