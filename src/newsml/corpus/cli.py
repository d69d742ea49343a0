"""``newsml annotate``: the command-line side of the corpus job.

Examples
--------
$ newsml annotate articles/ --out annotated/ --classifier keyword --summarizer lead --workers 2
$ newsml annotate corpus.parquet --out annotated/ --resume
$ newsml annotate corpus/*.jsonl --out annotated/ --engine ray --address auto
$ newsml annotate --config configs/annotate.yaml --out annotated/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from newsml.errors import ConfigError, InputError


def options_from_config(path: str | Path) -> dict[str, Any]:
    """:func:`newsml.annotate` keywords from a run config: ``dataset.source`` (a file or folder), the first
    classifier and summariser, ``summarizers[0].options.max_sentences`` and the ``engine:`` block.

    Examples
    --------
    >>> options_from_config("configs/annotate.yaml")["engine"]  # doctest: +SKIP
    'local'
    """
    from newsml.experiment.config import EngineConfig, load_config

    cfg = load_config(path)
    source = cfg.dataset.source
    if not source.startswith("hub:") and not Path(source).exists():
        raise ConfigError(f"{path}: dataset.source: {source!r} is not a file or folder; annotate reads files, "
                          "folders or a `newsml prepare` output (run `newsml prepare` on a recipe first)")
    eng = cfg.engine or EngineConfig()
    opts: dict[str, Any] = {
        "inputs": [source],
        "classifier": ({"name": cfg.classifiers[0].name, "params": dict(cfg.classifiers[0].params)}
                       if cfg.classifiers else "none"),
        "summarizer": ({"name": cfg.summarizers[0].name, "params": dict(cfg.summarizers[0].params)}
                       if cfg.summarizers else "none"),
        "max_sentences": cfg.summarizers[0].options.get("max_sentences") if cfg.summarizers else None,
        "engine": eng.name, "address": eng.address, "batch_size": eng.batch_size, "workers": eng.workers,
        "num_cpus": eng.num_cpus, "rows_per_part": eng.rows_per_part, "out": eng.out,
    }
    for key, kind in (("classifier", "classifiers"), ("summarizer", "summarizers")):
        if len(getattr(cfg, kind)) > 1:
            raise ConfigError(f"{path}: {kind}: annotate runs one {key}; keep one entry (got {len(getattr(cfg, kind))})")
    return opts


def cmd_annotate(args: argparse.Namespace) -> int:
    """Handler of ``newsml annotate`` (arguments declared in :mod:`newsml.cli`)."""
    from newsml.corpus import annotate

    opts: dict[str, Any] = options_from_config(args.config) if args.config else {}
    if args.inputs:
        opts["inputs"] = list(args.inputs)
    if not opts.get("inputs"):
        raise InputError("name at least one input file or folder (or --config with dataset.source)")
    flags = {"classifier": args.classifier, "summarizer": args.summarizer, "max_sentences": args.max_sentences,
             "engine": args.engine, "address": args.address, "batch_size": args.batch_size,
             "workers": args.workers, "text_field": args.text_field, "out": args.out,
             "rows_per_part": args.rows_per_part}
    opts.update({k: v for k, v in flags.items() if v is not None})
    out = opts.pop("out", None)
    if not out:
        raise InputError("--out DIR is required (or engine.out in the config)")
    inputs = opts.pop("inputs")
    opts.setdefault("classifier", "default")
    opts.setdefault("summarizer", "default")
    result = annotate(inputs, out, resume=bool(args.resume), **opts)
    c = result.manifest["counts"]
    a = result.manifest["this_attempt"]
    print(f"{c['rows']} rows ({c['ok']} ok, {c['failed']} failed) in {c['parts']} parts; this run: "
          f"{a['processed']} documents in {a['elapsed_s']:.1f}s ({a['docs_per_s']} docs/s), "
          f"{a['skipped_already_written']} already written", file=sys.stderr)  # the account, like classify's
    print(result.out)  # stdout: the output folder, for scripts
    return 0
