"""One writer for benchmark results: the environment record and the JSON + Markdown pair.

Every ``experiments/bench_*.py`` script ends by writing ``experiments/results/<name>.json`` (the numbers)
and ``<name>.md`` (the tables the docs include, see ``experiments/make_results.py`` and ``docs/hooks.py``).
This module is the one place that

* records the environment the numbers came from (:func:`environment`): Python, CPUs and CPU model,
  numpy / scikit-learn / torch / onnxruntime / transformers versions (read from package metadata, nothing
  imported), the 1/5/15-minute load average when the script started (this module's import) and when it
  wrote its results, the date, the git commit and the command line;
* writes the pair (:func:`write_pair`): both texts are built first (so a value that cannot be serialised
  fails before anything is touched), then each file is replaced atomically (temporary sibling +
  ``os.replace``), so a crash never leaves a half-written file, and the JSON carries the environment under
  ``"env"`` while the Markdown ends with the same environment as one line (:func:`environment_line`).

``NEWSML_RESULTS_DIR`` redirects :data:`RESULTS` (for trying a script with tiny options without touching
the committed results).

Examples
--------
>>> import json, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> json_path = write_pair("demo", {"accuracy": 0.5}, "# Demo\\n\\n| a |\\n|---|\\n| 1 |\\n", results_dir=out)
>>> data = json.loads(json_path.read_text())
>>> data["accuracy"], sorted(data["env"]) == sorted(ENV_KEYS)
(0.5, True)
>>> (out / "demo.md").read_text().splitlines()[-1].startswith("- Environment: Python ")
True
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from newsml.experiment.measure import load_average  # noqa: E402
from newsml.experiment.rundir import dumps, write_text_atomic  # noqa: E402

RESULTS = Path(os.environ.get("NEWSML_RESULTS_DIR") or REPO / "experiments" / "results")
#: Package versions a results file records (metadata only: recording them imports none of them).
PACKAGES = ("newsml", "numpy", "scikit-learn", "torch", "onnxruntime", "transformers")
#: The keys of :func:`environment`.
ENV_KEYS = ("python", "cpus", "machine", "packages", "git", "date", "command", "load_average_start",
            "load_average_end")

_START = {"load": load_average(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def command_line(argv: list[str] | None = None) -> str:
    """The command that ran the script, as a shell line relative to the repository (``python experiments/x.py ...``)."""
    argv = list(sys.argv if argv is None else argv)
    if argv:
        try:
            argv[0] = str(Path(argv[0]).resolve().relative_to(REPO))
        except ValueError:
            pass
    return shlex.join(["python", *argv])


def environment(argv: list[str] | None = None) -> dict[str, Any]:
    """Where and how the numbers were made (see the module docstring); the end load average is taken now."""
    from importlib.metadata import PackageNotFoundError, version

    from newsml.experiment.rundir import _cpu_model, _git_commit

    pkgs: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            pkgs[name] = version(name)
        except PackageNotFoundError:
            pkgs[name] = None
    git = _git_commit(REPO)
    commit = git.get("commit")
    if commit and git.get("dirty"):
        commit += " (uncommitted changes)"
    return {"python": sys.version.split()[0], "cpus": os.cpu_count(), "machine": _cpu_model(), "packages": pkgs,
            "git": commit, "date": _START["date"], "command": command_line(argv),
            "load_average_start": _START["load"], "load_average_end": load_average()}


def _load(avg: list[float] | None) -> str:
    return "/".join(f"{x:.1f}" for x in avg) if avg else "unknown"


def environment_line(env: dict[str, Any]) -> str:
    """The environment as one Markdown list item (the last line of every results ``.md``)."""
    pkgs = ", ".join(f"{k} {v}" for k, v in env["packages"].items() if v and k != "newsml")
    return (f"- Environment: Python {env['python']}, {env['cpus']} CPUs ({env['machine']}, shared), {pkgs}; "
            f"1/5/15-min load average {_load(env['load_average_start'])} at the start, "
            f"{_load(env['load_average_end'])} at the end; {env['date']}, commit `{env['git'] or 'n/a'}`; "
            f"command `{env['command']}`.")


def write_pair(name: str, payload: dict, markdown: str, *, results_dir: str | Path | None = None,
               env: dict[str, Any] | None = None, echo: bool = False) -> Path:
    """Write ``<results_dir>/<name>.json`` (``payload`` + ``"env"``) and ``<name>.md`` (+ the environment line).

    ``env`` defaults to :func:`environment` taken now. Returns the JSON path; ``echo`` also prints the
    Markdown. Raises ``TypeError`` / ``ValueError`` (from JSON) before either file is touched.
    """
    out = Path(results_dir) if results_dir is not None else RESULTS
    env = environment() if env is None else env
    json_text = dumps({**payload, "env": env}) + "\n"
    md_text = markdown.rstrip("\n") + "\n\n" + environment_line(env) + "\n"
    write_text_atomic(out / f"{name}.json", json_text)
    write_text_atomic(out / f"{name}.md", md_text)
    if echo:
        print(md_text)
    return out / f"{name}.json"
