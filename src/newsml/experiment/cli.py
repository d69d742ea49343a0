"""``newsml run`` and ``newsml report``: the command-line side of experiments.

Examples
--------
$ newsml run configs/seed.yaml
$ newsml run configs/bench/bbc_classifiers.yaml dataset.sample=200 --out runs/bbc-small
$ newsml report runs/bbc-small runs/bbc-full --out runs/compare
"""

from __future__ import annotations

import argparse


def cmd_run(args: argparse.Namespace) -> int:
    """Run a config; print the summary table, then the run directory as the last line."""
    from newsml.experiment.report import summary_table
    from newsml.experiment.runner import run_experiment

    result = run_experiment(args.config, list(args.overrides or []), out=args.out, force=bool(args.force))
    print(summary_table(result.metrics))
    print(f"report: {result.path / 'report.md'}")
    print(result.path)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Compare run directories side by side (Markdown to stdout, or report.md + PNG into --out)."""
    from newsml.experiment.report import compare_runs

    md = compare_runs(list(args.runs), out=args.out)
    if args.out:
        print(f"{args.out}/report.md")
    else:
        print(md, end="")
    return 0
