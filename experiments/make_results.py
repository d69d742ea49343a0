"""Render the benchmark results (the docs site's Benchmarks page, the README's headline table).

Nothing in them is typed by hand. The docs build (``docs/hooks.py``) calls :func:`build` and
:func:`headline_table` at build time, and ``docs/build_readme.py`` puts the headline table into
README.md, so neither can drift from the result files. Sources:

* ``experiments/results/<name>.json`` (+ ``<name>.md``) written by the benchmark scripts
  ``experiments/bench_*.py``: the ``.md`` is included as written (headings demoted), or, when there
  is no ``.md``, the JSON is rendered generically (every number; ``{value, low, high}`` as CIs);
* run directories of the benchmark configs ``configs/bench/*.yaml`` (``newsml run``): the latest
  *complete* run of each config under ``runs/<name>/`` (or the ones given with ``--runs``) is first
  snapshotted to ``experiments/results/run_<name>.json`` / ``.md`` (metrics without per-document
  scores, plus the tables of its report), so the section can be regenerated from a clean clone.

Usage::

    .venv/bin/python experiments/make_results.py                 # snapshot bench runs, refresh README.md
    .venv/bin/python experiments/make_results.py --runs runs/bench_bbc_classifiers/20261127-101500
    .venv/bin/python experiments/make_results.py --no-snapshot --out /tmp/results.md  # render to a file
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
MAX_ROWS = 60


# ----------------------------------------------------------------------------- run snapshots
def _strip_per_doc(obj):
    if isinstance(obj, dict):
        return {k: _strip_per_doc(v) for k, v in obj.items() if k != "per_doc"}
    if isinstance(obj, list):
        return [_strip_per_doc(v) for v in obj]
    return obj


def latest_complete_run(name: str, runs_dir: Path) -> Path | None:
    root = runs_dir / name
    if not root.is_dir():
        return None
    done = sorted((d for d in root.iterdir() if (d / "COMPLETE").exists() and (d / "metrics.json").exists()),
                  key=lambda d: (d / "COMPLETE").stat().st_mtime)
    return done[-1] if done else None


def bench_configs() -> dict[str, Path]:
    """Config name -> path for configs/bench/*.yaml (name read from the file)."""
    import yaml

    out = {}
    for p in sorted((ROOT / "configs" / "bench").glob("*.yaml")):
        try:
            name = (yaml.safe_load(p.read_text()) or {}).get("name")
        except yaml.YAMLError:
            continue
        if name:
            out[str(name)] = p
    return out


def snapshot_run(run_dir: Path, config_path: Path | None = None, results_dir: Path = RESULTS) -> Path:
    """Write experiments/results/run_<name>.json and .md from a complete run directory."""
    metrics = json.loads((run_dir / "metrics.json").read_text())
    env = json.loads((run_dir / "environment.json").read_text()) if (run_dir / "environment.json").exists() else {}
    name = metrics.get("name", run_dir.parent.name)
    cfg_rel = None
    if config_path:
        try:
            cfg_rel = str(Path(config_path).resolve().relative_to(ROOT))
        except ValueError:
            cfg_rel = str(config_path)
    snap = {
        "kind": "newsml-run",
        "name": name,
        "command": f"newsml run {cfg_rel}" if cfg_rel else None,
        "run_dir": str(run_dir),
        "completed": json.loads((run_dir / "COMPLETE").read_text()).get("completed"),
        "environment": {k: env.get(k) for k in ("python", "cpu", "cpu_count", "git")},
        "metrics": _strip_per_doc(metrics),
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    jpath = results_dir / f"run_{name}.json"
    jpath.write_text(json.dumps(snap, indent=2, ensure_ascii=False) + "\n")
    report = (run_dir / "report.md").read_text()
    # plots stay in the run directory; the run's own title is replaced by ours
    report = "\n".join(line for line in report.splitlines()
                       if not line.startswith("![") and not line.startswith("# Run report"))
    head = [f"# {name} (newsml run)", "",
            f"Run finished {snap['completed']} on {env.get('cpu', '?')} ({env.get('cpu_count', '?')} logical CPUs), "
            f"commit `{(env.get('git') or {}).get('commit') or 'n/a'}`.", ""]
    (results_dir / f"run_{name}.md").write_text("\n".join(head) + "\n" + report.rstrip() + "\n")
    return jpath


# ----------------------------------------------------------------------------- rendering
def _is_ci(d) -> bool:
    return isinstance(d, dict) and {"value", "low", "high"} <= set(d)


def _num(x) -> str:
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if math.isnan(x):
            return "n/a"
        return f"{x:.4g}" if abs(x) >= 1000 or abs(x) < 0.001 and x != 0 else f"{x:.3f}"
    return str(x)


def _flatten(obj, prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if _is_ci(obj):
        v, lo, hi = obj["value"], obj["low"], obj["high"]
        rows.append((prefix, f"{_num(v)} [{_num(lo)}, {_num(hi)}]"))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            rows += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list):
        if obj and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in obj) and len(obj) <= 8:
            rows.append((prefix, ", ".join(_num(x) for x in obj)))
        elif len(obj) <= 20:
            for i, v in enumerate(obj):
                rows += _flatten(v, f"{prefix}[{i}]")
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        rows.append((prefix, _num(obj)))
    return rows


def render_json(data) -> str:
    """Every number of a results JSON as a two-column table (CIs as ``value [low, high]``)."""
    rows = _flatten(data)
    more = len(rows) - MAX_ROWS
    rows = rows[:MAX_ROWS]
    out = ["| quantity | value |", "|---|---|"] + [f"| `{k}` | {v} |" for k, v in rows]
    if more > 0:
        out.append(f"\n({more} more numbers in the JSON file.)")
    return "\n".join(out)


def demote(md: str, levels: int = 2) -> str:
    """Push Markdown headings down ``levels`` levels (so a report's '#' title becomes '###')."""
    out, fence = [], False
    for line in md.splitlines():
        if line.strip().startswith("```"):
            fence = not fence
        if not fence and re.match(r"^#{1,6} ", line):
            line = "#" * levels + line
        out.append(line)
    return "\n".join(out)


def _script_for(name: str) -> str | None:
    cand = ROOT / "experiments" / f"bench_{name}.py"
    if cand.exists():
        return f"experiments/bench_{name}.py"
    for p in sorted((ROOT / "experiments").glob("bench_*.py")):
        try:
            text = p.read_text()
        except OSError:
            continue
        if re.search(rf"[\"'/]{re.escape(name)}(\.json|[\"'])", text):
            return f"experiments/{p.name}"
    return None


def _title(name: str, data) -> str:
    if isinstance(data, dict):
        for key in ("title", "benchmark", "description"):
            if isinstance(data.get(key), str) and len(data[key]) < 120:
                return data[key]
    return name.replace("_", " ")


def build(results_dir: Path = RESULTS, heading: str | None = "## Results") -> str:
    """Markdown of every result file in ``results_dir`` (an index table, then one section each)."""
    files = sorted(p for p in results_dir.glob("*.json") if not p.name.startswith("."))
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [heading, ""] if heading else []
    lines += [f"*Generated by `experiments/make_results.py` on {now} from `experiments/results/*.json`; "
             "do not edit by hand: rerun the benchmark (and `make_results.py` for `newsml run` "
             "benchmarks).* Intervals are 95% bootstrap "
             "confidence intervals over documents unless a table says otherwise; each benchmark runs its "
             "peer baseline in the same script or run. Timings come from a shared 2-core machine and are "
             "noisy lower bounds.", ""]
    if not files:
        lines += ["No benchmark results yet: run `experiments/bench_*.py` or "
                  "`newsml run configs/bench/<name>.yaml`, then `experiments/make_results.py`.", ""]
        return "\n".join(lines)
    index, sections = [], []
    for p in files:
        name = p.stem
        try:
            data = json.loads(p.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            sections += [f"### {name}", "", f"(could not read {p.name}: {exc})", ""]
            continue
        if isinstance(data, dict) and data.get("kind") == "newsml-run":
            how = f"`{data['command']}`" if data.get("command") else "a `newsml run` config"
            title = f"{data.get('name')} (newsml run)"
        else:
            script = _script_for(name)
            how = f"`python {script}`" if script else "see experiments/"
            title = _title(name, data)
        anchor = "results-" + re.sub(r"[^a-z0-9-]+", "-", name.lower())
        md_path = p.with_suffix(".md")
        heading = f"### {name}"
        if md_path.exists():
            body = md_path.read_text().strip()
            first = body.splitlines()[0] if body else ""
            if re.match(r"^#{1,6} ", first):  # the benchmark's own title becomes the section heading
                title = first.lstrip("#").strip()
                heading = f"### {title}"
                body = "\n".join(body.splitlines()[1:]).strip()
            body = demote(body)
        else:
            body = render_json(data)
        index.append(f"| [{name}](#{anchor}) | {title} | {how} |")
        sections += [f'<a id="{anchor}"></a>', "", heading, "",
                     f"Reproduce with {how}; raw numbers in `experiments/results/{p.name}`.", "", body, ""]
    lines += ["| benchmark | what | reproduce |", "|---|---|---|", *index, ""] + sections
    return "\n".join(lines).rstrip() + "\n"


# ----------------------------------------------------------------------------- headline table
#: The README's (and the docs home page's) short results table: one row per task, newsml's system next
#: to the baseline run in the same benchmark. Each row: task, result file, path to the systems, metric,
#: how to pick newsml's system and the baseline's (a name, or "best:<prefix>" for the best system whose
#: name starts with <prefix>), and a note on the data.
HEADLINES: list[dict] = [
    {"task": "Topic tagging (real news)", "file": "tagger.json", "systems": ["systems"],
     "metric": "macro_f1", "ours": "tagger", "baseline": "keyword",
     "data": "284 real news texts (news_events_dev), 5-fold CV"},
    {"task": "Topic tagging (team-written set, secondary)", "file": "tagger_teamsets.json",
     "systems": ["blind2", "systems"], "metric": "macro_f1", "ours": "zero-shot", "baseline": "keyword",
     "data": "150 articles written by the team"},
    {"task": "News topics (4 classes)", "file": "classify_ag_news.json", "systems": ["systems"],
     "metric": "accuracy", "ours": "best:newsml", "baseline": "best:baseline",
     "data": "AG News test set, 5-fold CV"},
    {"task": "Multi-label topics (90)", "file": "classify_reuters.json", "systems": ["systems"],
     "metric": "micro_f1", "ours": "best:newsml", "baseline": "best:baseline",
     "data": "Reuters-21578 ModApte test"},
    {"task": "Summaries (default summariser)", "file": "summarize.json",
     "systems": ["settings", "cnndm_tok", "systems"], "metric": "rouge1", "ours": "supervised",
     "baseline": "lead-3", "data": "CNN/DailyMail validation (tokenised, report part), 300 articles, ROUGE-1 F1 x100"},
    {"task": "Summaries, original-form news", "file": "summarize.json",
     "systems": ["settings", "cnndm", "systems"], "metric": "rouge1", "ours": "supervised",
     "baseline": "lead-3", "data": "CNN/DailyMail validation (original form, held-out records 300-599), 300 articles, ROUGE-1 F1 x100"},
    {"task": "Sentence splitting", "file": "preprocess.json", "systems": ["sentences_heldout"],
     "metric": "exact_match", "ours": "newsml", "baseline": "pysbd", "data": "26 held-out news cases"},
]


def _fmt_ci(ci: dict) -> str:
    def f(x: float) -> str:
        return f"{x:.1f}" if abs(x) >= 10 else f"{x:.3f}"

    return f"{f(ci['value'])} [{f(ci['low'])}, {f(ci['high'])}]"


def _systems(data, path: list[str], where: str) -> dict[str, dict]:
    node = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            raise KeyError(f"{where}: no key {key!r} on the path {'.'.join(path)}")
        node = node[key]
    if isinstance(node, list):  # [{"system": name, ...}, ...]
        return {str(s.get("system")): s for s in node}
    return node


def _pick(systems: dict[str, dict], how: str, metric: str, where: str) -> tuple[str, dict]:
    if how.startswith("best:"):
        prefix = how[len("best:"):]
        cands = [n for n, s in systems.items() if n.startswith(prefix) and _is_ci(s.get(metric))]
        if not cands:
            raise KeyError(f"{where}: no system named {prefix}... with a {metric!r} interval")
        name = max(cands, key=lambda n: systems[n][metric]["value"])
    else:
        name = how
    if name not in systems or not _is_ci(systems[name].get(metric)):
        raise KeyError(f"{where}: no system {name!r} with a {metric!r} interval; have {', '.join(systems)}")
    return name, systems[name][metric]


def headline_table(results_dir: Path = RESULTS) -> str:
    """The short results table: per task, newsml's number and the baseline's, with 95% CIs.

    A result file that does not exist yet gives a "not run yet" row naming the script that writes it;
    a file that no longer has a row's numbers raises ``KeyError`` naming the file and key (so the docs
    build and the README check fail instead of showing stale or wrong numbers).
    """
    out = ["| task | data | metric | newsml | baseline | source |", "|---|---|---|---|---|---|"]
    for row in HEADLINES:
        path = results_dir / row["file"]
        where = f"experiments/results/{row['file']}"
        if not path.is_file():
            script = _script_for(Path(row["file"]).stem) or "its benchmark script"
            out.append(f"| {row['task']} | {row['data']} | {row['metric']} | not run yet | not run yet | "
                       f"`{script}` |")
            continue
        systems = _systems(json.loads(path.read_text()), row["systems"], where)
        ours, ours_ci = _pick(systems, row["ours"], row["metric"], where)
        base, base_ci = _pick(systems, row["baseline"], row["metric"], where)
        short = re.sub(r"\s*(\([^)]*\)|\{[^}]*\}).*", "", ours.removeprefix("newsml "))
        base_short = re.sub(r"\s*\([^)]*\)", "", base.removeprefix("baseline: "))
        out.append(f"| {row['task']} | {row['data']} | {row['metric']} | {_fmt_ci(ours_ci)} ({short}) | "
                   f"{_fmt_ci(base_ci)} ({base_short}) | `{where}` |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", nargs="*", default=None, help="run directories to snapshot (default: latest "
                                                            "complete run of each configs/bench/*.yaml)")
    ap.add_argument("--runs-dir", default=str(ROOT / "runs"), help="where newsml run wrote its runs")
    ap.add_argument("--no-snapshot", action="store_true", help="do not snapshot run directories")
    ap.add_argument("--results", default=str(RESULTS))
    ap.add_argument("--out", default=None, help="also write the rendered results page to this file")
    args = ap.parse_args(argv)
    if not args.no_snapshot:
        configs = bench_configs()
        if args.runs:
            runs = [(Path(r), None) for r in args.runs]
        else:
            runs = [(latest_complete_run(n, Path(args.runs_dir)), p) for n, p in configs.items()]
        for run_dir, cfg in runs:
            if run_dir is None:
                continue
            if not (run_dir / "COMPLETE").exists():
                print(f"skipping incomplete run {run_dir}", file=sys.stderr)
                continue
            if cfg is None:
                name = json.loads((run_dir / "metrics.json").read_text()).get("name")
                cfg = configs.get(name)
            print(f"snapshot {snapshot_run(run_dir, cfg, Path(args.results))}", file=sys.stderr)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(build(Path(args.results)))
        print(out)
    if Path(args.results).resolve() == RESULTS.resolve():  # the README's headline table comes from here
        import subprocess

        subprocess.run([sys.executable, str(ROOT / "docs" / "build_readme.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
