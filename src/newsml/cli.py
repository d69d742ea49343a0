"""The ``newsml`` command: a thin layer over the public API.

Arguments are declared here (the command-line contract); each subcommand's work lives in its area's
``cli`` module and is imported only when that subcommand runs, so ``newsml --help`` stays fast.
Errors print one line and exit non-zero; ``--debug`` shows the traceback.

Examples
--------
$ newsml prepare seeds/ --out out/seeds
$ newsml classify seeds/ --format json
$ newsml summarize seeds/ --method lead --max-sentences 3
$ newsml run configs/seed.yaml
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

_HANDLERS = {
    "prepare": "newsml.data.cli:cmd_prepare",
    "classify": "newsml.classify.cli:cmd_classify",
    "summarize": "newsml.summarize.cli:cmd_summarize",
    "run": "newsml.experiment.cli:cmd_run",
    "report": "newsml.experiment.cli:cmd_report",
    "list": "newsml.cli:cmd_list",
    "annotate": "newsml.corpus.cli:cmd_annotate",
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsml", description="Label, summarise and evaluate news articles.")
    p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    p.add_argument("--version", action="version", version=_version())
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("prepare", help="build a DatasetDict + manifest.json from files or a recipe")
    s.add_argument("source", help="a file, a folder, a saved dataset, a recipe name (bbc, ag_news, ...), hub:NAME "
                                  "or - (standard input)")
    s.add_argument("--out", required=True, help="output directory")
    s.add_argument("--text-field", default=None, help="column holding the text (default: text/body/article/content)")
    s.add_argument("--on-error", choices=["skip", "fail"], default="skip", help="malformed records: skip (counted) or fail")
    s.add_argument("--split", default=None, help="split spec, e.g. 'train=0.8,validation=0.1,test=0.1'")
    s.add_argument("--split-names", default=None, help="extra split names allowed in --split, e.g. 'tune'")
    s.add_argument("--group-by", default=None, help="keep documents sharing this field (or 'story') in one split")
    s.add_argument("--by-date", action="store_true", help="split chronologically instead of at random")
    s.add_argument("--dedup", choices=["report", "drop", "none"], default="report", help="duplicate handling")
    s.add_argument("--seed", type=int, default=13)
    s.add_argument("--data-dir", default=None, help="folder holding the shared benchmark data (for recipes)")
    s.add_argument("--limit", type=int, default=None, help="read at most N documents")

    s = sub.add_parser("classify", help="tag documents with topics")
    s.add_argument("inputs", nargs="+", help="files or folders")
    s.add_argument("--model", default=None, help="classifier name or saved model directory (default: zero-shot)")
    s.add_argument("--taxonomy", default="news_events", help="taxonomy name or YAML path")
    s.add_argument("--format", choices=["json", "table"], default="table")
    s.add_argument("--evidence", type=int, default=2, help="evidence sentences per label")
    s.add_argument("--max-input-chars", type=int, default=None,
                   help="characters of a document that are scored (default 200000; 0: no cap); cuts are reported")

    s = sub.add_parser("summarize", help="summarise documents")
    s.add_argument("inputs", nargs="+", help="files or folders")
    s.add_argument("--method", default=None, help="summariser name (default: the default summariser)")
    s.add_argument("--model", default=None, help="saved summariser directory, summariser name, or checkpoint name/path (seq2seq)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--max-sentences", type=int, default=None)
    g.add_argument("--max-words", type=int, default=None)
    s.add_argument("--focus", default=None, help="comma-separated topic labels to focus on (an unknown label is an error; "
                   "an item with spaces is a free-text query)")
    s.add_argument("--max-input-chars", type=int, default=None,
                   help="characters of a document that are split and scored (default 200000; 0: no cap)")
    s.add_argument("--max-input-sentences", type=int, default=None,
                   help="sentences of a document that are scored (default 1000; 0: no cap)")
    s.add_argument("--format", choices=["json", "text"], default="text")

    s = sub.add_parser("run", help="run an experiment from a YAML config")
    s.add_argument("config", help="YAML config file")
    s.add_argument("overrides", nargs="*", help="key=value overrides (dotted keys)")
    s.add_argument("--out", default=None, help="run directory (default: runs/<name>/<timestamp>)")
    s.add_argument("--force", action="store_true", help="recompute finished parts")

    s = sub.add_parser("report", help="compare runs side by side")
    s.add_argument("runs", nargs="+", help="run directories")
    s.add_argument("--out", default=None, help="write the comparison here (default: print)")

    sub.add_parser("list", help="list registered classifiers, summarisers and recipes")
    _add_annotate(sub)
    return p


def _add_annotate(sub) -> None:
    s = sub.add_parser("annotate", help="tag and summarise a whole corpus into Parquet parts (streaming, resumable)")
    s.add_argument("inputs", nargs="*", help="files, folders or a `newsml prepare` output")
    s.add_argument("--out", default=None, help="output folder (part-NNNNN.parquet, manifest.json, _SUCCESS)")
    s.add_argument("--config", default=None, help="run config whose dataset/classifiers/summarizers/engine set the job")
    s.add_argument("--classifier", default=None, help="classifier name or saved directory; 'none' to skip "
                   "(default: the default classifier)")
    s.add_argument("--summarizer", default=None, help="summariser name or saved directory; 'none' to skip "
                   "(default: the default summariser)")
    s.add_argument("--max-sentences", type=int, default=None, help="summary length")
    s.add_argument("--engine", choices=["local", "ray"], default=None, help="local (default) or ray")
    s.add_argument("--address", default=None, help="Ray cluster address to join (default: start a local Ray)")
    s.add_argument("--batch-size", type=int, default=None, help="documents per batch (default 64)")
    s.add_argument("--workers", type=int, default=None, help="worker processes (local) or actors (ray)")
    s.add_argument("--resume", action="store_true", help="continue an interrupted job in --out")
    s.add_argument("--rows-per-part", type=int, default=None, help="rows per Parquet part (default 10000)")
    s.add_argument("--text-field", default=None, help="text column of tabular inputs")


def _version() -> str:
    from newsml._version import __version__

    return f"newsml {__version__}"


def cmd_list(args: argparse.Namespace) -> int:
    import newsml

    print("classifiers:", ", ".join(newsml.list_classifiers()))
    print("summarizers:", ", ".join(newsml.list_summarizers()))
    try:
        from newsml.data.recipes import list_recipes

        print("recipes:", ", ".join(list_recipes()))
    except ImportError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    from newsml.errors import NewsmlError

    # model-loading progress bars from transformers / huggingface_hub would clutter stderr, whose
    # error contract is one line; newsml's own progress bars are unaffected
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        module_name, _, func = _HANDLERS[args.command].partition(":")
        handler = getattr(importlib.import_module(module_name), func)
        return int(handler(args) or 0)
    except NewsmlError as exc:
        if args.debug:
            raise
        print(f"newsml {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line unless --debug
        if args.debug:
            raise
        print(f"newsml {args.command}: unexpected error: {type(exc).__name__}: {exc} (rerun with --debug)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
