"""Config-driven experiment runs: ``newsml run CONFIG`` writes a complete, resumable run directory.

Examples
--------
>>> from newsml.experiment import load_config
>>> load_config({"name": "x", "dataset": {"source": "seeds/"}, "summarizers": [{"name": "lead"}]}).name
'x'
"""

from __future__ import annotations

from newsml.experiment.config import ExperimentConfig, apply_overrides, load_config
from newsml.experiment.report import compare_runs, write_run_report
from newsml.experiment.runner import RunResult, run_experiment

__all__ = ["ExperimentConfig", "RunResult", "apply_overrides", "compare_runs", "load_config", "run_experiment",
           "write_run_report"]
