"""``newsml.annotate``: tag and summarise a corpus of any size into Parquet parts (the corpus job).

See :func:`annotate` and ``docs/scale.md``.
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsml.corpus.predictor import SCHEMA_VERSION, fingerprint
from newsml.corpus.source import RowSource, check_inputs
from newsml.corpus.store import (
    MANIFEST,
    SUCCESS,
    PartWriter,
    check_out_dir,
    remove_stale_temporaries,
    scan_parts,
    tally_outputs,
    write_json_atomic,
)
from newsml.errors import ConfigError, InputError
from newsml.outdir import folder_lock

__all__ = ["annotate", "AnnotateResult", "ENGINES", "job_components"]

ENGINES = ("local", "ray")


@dataclass
class AnnotateResult:
    """What :func:`annotate` returns: the output folder, its manifest and this attempt's numbers."""

    out: Path
    manifest: dict[str, Any]
    processed: int = 0
    skipped: int = 0
    elapsed_s: float = 0.0
    workers: list[dict[str, int]] = field(default_factory=list)

    @property
    def parts(self) -> list[Path]:
        from newsml.corpus.store import part_paths

        return part_paths(self.out)


def _default_classifier() -> str:
    import newsml.classify as c

    return str(getattr(c, "DEFAULT_CLASSIFIER", "zero-shot"))


def _default_summarizer() -> str:
    from newsml.summarize import DEFAULT_SUMMARIZER

    return DEFAULT_SUMMARIZER


def _describe(spec: Any, kind: str) -> dict[str, Any] | None:
    """Name, class, version and full parameters of a component spec, without loading any model."""
    from newsml.corpus.predictor import NONE, _dir_digest, _spec_name_params

    name, params = _spec_name_params(spec, kind)
    if name is None or name.lower() in NONE:
        return None
    import newsml

    if Path(name).is_dir():
        from newsml.persistence import config_file

        cfg_file = config_file(name, kind)
        if not cfg_file.exists():
            raise InputError(f"--{kind} {name}: folder has no {cfg_file.name}; save a {kind} there with .save(dir)")
        cfg = json.loads(cfg_file.read_text())
        return {"spec": str(Path(name).resolve()), "name": cfg.get("name"), "class": cfg.get("class"),
                "newsml_version": cfg.get("newsml_version"), "params": cfg.get("params", {}),
                "saved_dir_sha256": _dir_digest(Path(name))}
    from newsml.registry import check_params, classifiers, summarizers

    reg = classifiers if kind == "classifier" else summarizers
    canonical = reg.canonical(name)
    cls = reg.get_class(canonical)
    check_params(cls, params, where=f"{kind}.params")
    full = {k: p.default for k, p in inspect.signature(cls).parameters.items()
            if p.default is not inspect.Parameter.empty}
    full.update(params)
    from newsml.utils import jsonable_params

    return {"spec": name, "name": canonical, "class": f"{cls.__module__}:{cls.__qualname__}",
            "newsml_version": newsml.__version__, "params": jsonable_params(full)}


def job_components(classifier: Any, summarizer: Any) -> dict[str, Any]:
    """Manifest entries of the two components (validates names and parameters; loads nothing)."""
    return {"classifier": _describe(classifier, "classifier"), "summarizer": _describe(summarizer, "summarizer")}


def annotate(inputs, out, *, classifier: Any = "default", summarizer: Any = "default",
             max_sentences: int | None = None, engine: str = "local", address: str | None = None,
             batch_size: int = 64, workers: int = 1, resume: bool = False, rows_per_part: int = 10_000,
             text_field: str | None = None, num_cpus: int | None = None, progress: bool | None = None,
             threads: int = 1) -> AnnotateResult:
    """Tag and summarise every document under ``inputs`` into ``out/part-NNNNN.parquet``.

    Parameters
    ----------
    inputs : str, Path or list of them
        Files (JSONL, Parquet, CSV, text, HTML...), folders, or a ``newsml prepare`` output.
    out : str or Path
        Output folder: Parquet parts, ``manifest.json`` and, last, ``_SUCCESS``.
    classifier, summarizer : str, dict or None
        Registry name, saved directory, ``{"name": ..., "params": {...}}``, ``"default"`` (the library
        default) or ``"none"``/``None`` to skip that step.
    max_sentences : int, optional
        Summary length (default: the summariser's default).
    engine : {"local", "ray"}
        ``local`` streams in this process (or ``workers`` processes); ``ray`` runs the same predictor on Ray
        Data (``pip install "newsml[ray]"``).
    address : str, optional
        Ray cluster to join (default: start a local Ray with ``num_cpus``).
    batch_size : int
        Documents per predictor call.
    workers : int
        Local engine: worker processes. Ray engine: predictor actors (default: CPUs - 1, at least 1).
    resume : bool
        Continue an interrupted job in ``out``: ids already written by the same configuration are skipped.
    rows_per_part : int
        Rows per Parquet part (a crash loses at most this many rows of work).
    text_field : str, optional
        Text column of tabular inputs.
    num_cpus : int, optional
        CPUs of the local Ray started by ``engine="ray"``.
    progress : bool, optional
        Progress bar on stderr (default: when stderr is a terminal).
    threads : int
        torch/ONNX threads per worker process or Ray actor (a one-worker local job runs in this process and
        leaves its thread settings alone).

    Returns
    -------
    AnnotateResult

    Raises
    ------
    InputError, ConfigError
        Missing inputs, unknown components, an output folder holding other files, a resume over a
        different configuration, or ``engine="ray"`` without Ray installed.

    Examples
    --------
    >>> import newsml, tempfile
    >>> out = tempfile.mkdtemp() + "/annotated"
    >>> res = newsml.annotate("seeds/", out, classifier="keyword", summarizer="lead")  # doctest: +SKIP
    >>> res.manifest["counts"]["rows"] > 0  # doctest: +SKIP
    True
    """
    t0 = time.perf_counter()
    if engine not in ENGINES:
        raise ConfigError(f"engine: unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
    if batch_size < 1 or workers is not None and workers < 0 or rows_per_part < 1:
        raise ConfigError("batch_size and rows_per_part must be >= 1 and workers >= 0")
    inputs = check_inputs([inputs] if isinstance(inputs, (str, os.PathLike)) else inputs)
    if classifier == "default":
        classifier = _default_classifier()
    if summarizer == "default":
        summarizer = _default_summarizer()
    components = job_components(classifier, summarizer)
    if components["classifier"] is None and components["summarizer"] is None:
        raise ConfigError("nothing to do: give a classifier or a summarizer (both are 'none')")
    if engine == "ray":
        from newsml.corpus.ray_engine import require_ray

        require_ray()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # one writer at a time: a second annotate (or prepare/run) on the same --out is refused
    with folder_lock(out, f"annotate --out {out}"):
        check_out_dir(out, resume)
        fp = fingerprint({"schema": SCHEMA_VERSION, "inputs": [str(Path(p).resolve()) if not p.startswith("hub:") else p
                                                              for p in inputs],
                          "components": components, "max_sentences": max_sentences, "text_field": text_field})
        out.mkdir(parents=True, exist_ok=True)
        (out / SUCCESS).unlink(missing_ok=True)
        remove_stale_temporaries(out)
        state = scan_parts(out, fp)  # nothing there unless resuming (check_out_dir)
        writer = PartWriter(out, fp, rows_per_part=rows_per_part, start_index=state.next_index)
        # worker processes and actors get `threads` math threads each; in-process (one worker) the caller's
        # torch/OpenMP settings are left alone
        in_process = engine == "local" and (workers or 1) <= 1
        predictor_kwargs = {"classifier": classifier, "summarizer": summarizer, "max_sentences": max_sentences,
                            "threads": None if in_process else threads}
        source = RowSource(inputs, text_field=text_field)
        bar = _progress_bar(progress)
        skipped = 0
        try:
            if engine == "local":
                from newsml.corpus.local import run_local

                remaining = state.done.copy()

                def rows():
                    nonlocal skipped
                    for row in source:
                        if remaining[row["id"]] > 0:  # written by an earlier attempt (multiplicity kept)
                            remaining[row["id"]] -= 1
                            skipped += 1
                            continue
                        yield row

                stats = run_local(rows(), predictor_kwargs, writer.add, batch_size=batch_size,
                                  workers=max(1, workers or 1), progress=bar)
            else:
                from newsml.corpus.ray_engine import run_ray

                stats = run_ray(inputs, predictor_kwargs, writer.add, done_ids=set(state.done), batch_size=batch_size,
                                concurrency=workers or None, address=address, num_cpus=num_cpus,
                                text_field=text_field, progress=bar)
                skipped = stats.get("skipped", 0)
        except BaseException:
            writer.flush()  # keep every finished row (Ctrl-C, a failing worker): --resume continues from here
            raise
        finally:
            if bar is not None:
                bar.close()
        writer.close()
        elapsed = time.perf_counter() - t0
        counts = tally_outputs(out)
        manifest = {
            "newsml_version": _version(), "engine": engine, "fingerprint": fp, "inputs": inputs,
            "components": components, "max_sentences": max_sentences, "batch_size": batch_size,
            "workers": workers, "rows_per_part": rows_per_part,
            "counts": {k: counts[k] for k in ("rows", "ok", "failed", "duplicate_ids", "parts")},
            "failure_reasons": counts["failure_reasons"], "failure_examples": counts["failure_examples"],
            "read_report": source.report.to_dict() if engine == "local" else None,
            "this_attempt": {"processed": stats["rows"], "skipped_already_written": skipped,
                             "parts_written": writer.parts_written, "elapsed_s": round(elapsed, 3),
                             "docs_per_s": round(stats["rows"] / elapsed, 2) if elapsed else None,
                             "peak_rss_mib": _peak_rss_mib(), "workers": stats.get("workers", []),
                             "ray_actors": stats.get("concurrency")},
            "resumed": bool(resume and state.parts),
        }
        write_json_atomic(out / MANIFEST, manifest)
        write_json_atomic(out / SUCCESS, {"fingerprint": fp, "rows": counts["rows"]})  # last
        return AnnotateResult(out=out, manifest=manifest, processed=stats["rows"], skipped=skipped,
                              elapsed_s=elapsed, workers=stats.get("workers", []))


def _version() -> str:
    import newsml

    return newsml.__version__


def _peak_rss_mib() -> float:
    """Peak resident memory of this process and its finished children (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


def _progress_bar(progress: bool | None):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(desc="annotate", unit="doc", file=sys.stderr)
