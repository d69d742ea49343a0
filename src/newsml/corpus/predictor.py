"""``NewsmlPredictor``: the one engine-agnostic callable that tags and summarises a batch of documents.

Both engines use it unchanged: the local engine builds one per worker process and calls it on each
batch; the Ray engine hands the class to ``Dataset.map_batches(NewsmlPredictor, concurrency=...)`` so
that each actor builds it once. Building loads the classifier and the summariser and runs them once on
a tiny text, so every lazy model load happens in ``__init__``, never inside a batch.

Input batches are column-oriented (a ``pyarrow.Table``, a ``pandas.DataFrame`` or a ``dict`` of
columns) with ``id``, ``text`` and optionally ``title``, ``sentences`` (pre-split, as
:func:`newsml.data.read_clean_documents` gives them) and ``error`` (a read failure carried through).
The output is a ``pyarrow.Table`` with :data:`OUTPUT_COLUMNS`:

========================= ==================================================================
``id``                    document id (string)
``labels``                predicted labels (list of strings)
``scores``                struct with one float per classifier class (every class, not only
                          the predicted ones)
``evidence``              struct with, for each predicted label, its best evidence sentence
                          (null for labels that were not predicted)
``summary``               the summary text
``summary_sentences``     indices of the chosen sentences (list of int)
``error``                 null, or why this document failed (it never fails the batch)
========================= ==================================================================

Examples
--------
>>> p = NewsmlPredictor(classifier="keyword", summarizer="lead", max_sentences=1)
>>> out = p({"id": ["a"], "text": ["Mali severed diplomatic relations with Ukraine. Talks ended."]})
>>> out.column("labels").to_pylist(), out.column("summary").to_pylist()
([['diplomatic_rupture']], ['Mali severed diplomatic relations with Ukraine.'])
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from newsml.errors import ConfigError, InputError, NotFittedError

__all__ = ["NewsmlPredictor", "OUTPUT_COLUMNS", "build_classifier", "build_summarizer", "component_info",
           "load_count"]

OUTPUT_COLUMNS = ("id", "labels", "scores", "evidence", "summary", "summary_sentences", "error")
#: bumped when the output columns change (part of the job fingerprint)
SCHEMA_VERSION = 1
NONE = ("none", "off", "")
# predictors built, per process id (a forked worker inherits its parent's dict, so count by pid)
_LOADS: dict[int, int] = {}


def load_count() -> int:
    """How many :class:`NewsmlPredictor` objects this process has built (models load once per build)."""
    return _LOADS.get(os.getpid(), 0)


# ------------------------------------------------------------------------------------ components
def _spec_name_params(spec: Any, what: str) -> tuple[str | None, dict[str, Any]]:
    if spec is None:
        return None, {}
    if isinstance(spec, dict):
        if "name" not in spec:
            raise ConfigError(f"{what}: a component given as a mapping needs a 'name' key (got {sorted(spec)})")
        extra = set(spec) - {"name", "params"}
        if extra:
            raise ConfigError(f"{what}: unknown key(s) {', '.join(sorted(extra))}; allowed: name, params")
        return str(spec["name"]), dict(spec.get("params") or {})
    return str(spec), {}


def build_classifier(spec: Any):
    """A classifier from a registry name, a saved directory, ``{"name", "params"}`` or ``"none"`` (None).

    Examples
    --------
    >>> type(build_classifier("keyword")).__name__
    'KeywordClassifier'
    >>> build_classifier("none") is None
    True
    """
    name, params = _spec_name_params(spec, "classifier")
    if name is None or name.lower() in NONE:
        return None
    return _saved_or_registered(name, params, "classifier")


def build_summarizer(spec: Any):
    """A summariser from a registry name, a saved directory, ``{"name", "params"}`` or ``"none"`` (None).

    Examples
    --------
    >>> type(build_summarizer("lead")).__name__
    'LeadSummarizer'
    """
    name, params = _spec_name_params(spec, "summarizer")
    if name is None or name.lower() in NONE:
        return None
    return _saved_or_registered(name, params, "summarizer")


def _saved_or_registered(name: str, params: dict[str, Any], kind: str):
    """The component saved in folder ``name``, else the registered ``name`` built with ``params``."""
    if Path(name).is_dir():
        from newsml.persistence import load_saved_folder

        return load_saved_folder(name, kind, f"--{kind}")
    from newsml.registry import classifiers, summarizers

    return (classifiers if kind == "classifier" else summarizers).build(name, **params)


def component_info(spec: Any, obj: Any) -> dict[str, Any] | None:
    """Name, class, parameters and version of a built component, for the manifest and the fingerprint."""
    if obj is None:
        return None
    import newsml
    from newsml.utils import jsonable_params

    name, _ = _spec_name_params(spec, "component")
    info: dict[str, Any] = {"spec": name, "name": getattr(obj, "name", "") or type(obj).__name__,
                            "class": f"{type(obj).__module__}:{type(obj).__qualname__}",
                            "newsml_version": newsml.__version__,
                            "params": jsonable_params(obj.get_params(deep=False))}
    if name and Path(name).is_dir():
        info["saved_dir_sha256"] = _dir_digest(Path(name))
    return info


def _dir_digest(path: Path) -> str:
    """Digest of a saved component: its JSON config contents plus every file's name and size."""
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(path)).encode())
        h.update(str(f.stat().st_size).encode())
        if f.suffix == ".json":
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


# ------------------------------------------------------------------------------------ the predictor
class NewsmlPredictor:
    """Tag and summarise column batches; loads the models once, in ``__init__``.

    Parameters
    ----------
    classifier : str, dict or None
        Registry name (``keyword``, ``zero-shot``...), a saved classifier directory, ``{"name": ...,
        "params": {...}}``, or ``None``/``"none"`` for no tagging.
    summarizer : str, dict or None
        Registry name, saved summariser directory, mapping, or ``None``/``"none"``.
    max_sentences : int, optional
        Summary length (default: the summariser's own default).
    threads : int, optional
        torch/ONNX threads of this process (default 1: engines parallelise across processes).

    Examples
    --------
    >>> p = NewsmlPredictor(classifier="none", summarizer="lead", max_sentences=1)
    >>> p({"id": ["x"], "text": ["One fact. Two facts."]}).column("summary").to_pylist()
    ['One fact.']
    """

    def __init__(self, classifier: Any = "zero-shot", summarizer: Any = "supervised",
                 max_sentences: int | None = None, threads: int | None = 1) -> None:
        self.max_sentences = max_sentences
        self.threads = threads
        if threads:
            _limit_threads(int(threads))
        self.classifier_ = build_classifier(classifier)
        self.summarizer_ = build_summarizer(summarizer)
        self._warm_up(classifier)
        if threads:
            _limit_threads(int(threads))  # torch may have been imported by the warm-up
        self.classes_ = [] if self.classifier_ is None else [str(c) for c in self.classifier_.classes_]
        self.schema_ = output_schema(self.classes_ if self.classifier_ is not None else None)
        _LOADS[os.getpid()] = _LOADS.get(os.getpid(), 0) + 1

    def _warm_up(self, spec: Any) -> None:
        text = "Officials met in the capital on Monday. Talks ended without a deal."
        if self.classifier_ is not None:
            try:
                self.classifier_.predict_proba([text])
            except NotFittedError as exc:
                raise InputError(f"classifier {spec!r} needs training data: fit it in Python (clf.fit(...); "
                                 "clf.save(dir)) and pass the saved folder") from exc
        if self.summarizer_ is not None:
            self.summarizer_.summarize([text], max_sentences=self.max_sentences)

    # -------------------------------------------------------------------------------------- call
    def __call__(self, batch: Any):
        """Annotate one batch; returns a ``pyarrow.Table`` with :data:`OUTPUT_COLUMNS`."""
        import pyarrow as pa

        cols = _columns(batch)
        n = len(cols["id"])
        rows = [{k: cols[k][i] for k in cols} for i in range(n)]
        todo = [i for i, r in enumerate(rows) if not r.get("error")]
        results: dict[int, dict[str, Any]] = {}
        try:
            for i, res in zip(todo, self._annotate([rows[i] for i in todo])):
                results[i] = res
        except Exception:  # noqa: BLE001 - one bad document must not fail the batch: isolate it
            for i in todo:
                try:
                    results[i] = self._annotate([rows[i]])[0]
                except Exception as exc:  # noqa: BLE001
                    results[i] = {"error": f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]}
        out = {k: [] for k in OUTPUT_COLUMNS}
        for i, row in enumerate(rows):
            res = results.get(i, {"error": row.get("error")})
            out["id"].append(str(row["id"]))
            for k in OUTPUT_COLUMNS[1:]:
                out[k].append(res.get(k))
            if out["labels"][-1] is None:
                out["labels"][-1] = []
        return pa.Table.from_pydict(out, schema=self.schema_)

    def _annotate(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        res: list[dict[str, Any]] = [{"error": None} for _ in rows]
        if not rows:
            return res
        if self.classifier_ is not None:
            clf = self.classifier_
            texts = [_classifier_text(r) for r in rows]
            P = clf.predict_proba(texts)
            decided = clf.decide(P)
            for r, text, p, labels in zip(res, texts, P, decided):
                labels = labels if isinstance(labels, list) else [labels]
                r["labels"] = [str(x) for x in labels]
                r["scores"] = {c: float(v) for c, v in zip(self.classes_, p)}
                evidence = {c: None for c in self.classes_}
                if labels and text.strip():
                    for lab, items in clf.explain(text, top_k=1, labels=labels).items():
                        evidence[str(lab)] = items[0].sentence if items else None
                r["evidence"] = evidence
        if self.summarizer_ is not None:
            docs = [{"text": r.get("text") or "", "title": r.get("title") or "",
                     "sentences": list(r.get("sentences") or []) or None} for r in rows]
            for r, s in zip(res, self.summarizer_.summarize(docs, max_sentences=self.max_sentences)):
                r["summary"] = s.text
                r["summary_sentences"] = [int(i) for i in s.sentences]
        return res


def output_schema(classes: list[str] | None):
    """Arrow schema of the output (``scores``/``evidence`` are structs over ``classes``; null-typed without
    a classifier)."""
    import pyarrow as pa

    if classes:
        scores = pa.struct([pa.field(c, pa.float64()) for c in classes])
        evidence = pa.struct([pa.field(c, pa.string()) for c in classes])
    else:
        scores = evidence = pa.null()
    return pa.schema([pa.field("id", pa.string()), pa.field("labels", pa.list_(pa.string())),
                      pa.field("scores", scores), pa.field("evidence", evidence),
                      pa.field("summary", pa.string()), pa.field("summary_sentences", pa.list_(pa.int32())),
                      pa.field("error", pa.string())])


def _classifier_text(row: dict[str, Any]) -> str:
    """The text `newsml classify` tags: the title first when the body does not already start with it."""
    text = row.get("text") or ""
    title = row.get("title")
    if title and not text.lstrip().startswith(str(title).strip()):
        text = f"{str(title).strip()}\n{text}"
    return text


def _columns(batch: Any) -> dict[str, list]:
    """Column lists from a pyarrow Table, a pandas DataFrame or a dict of columns."""
    if hasattr(batch, "to_pydict") and hasattr(batch, "schema"):
        cols = batch.to_pydict()
    elif hasattr(batch, "to_dict") and hasattr(batch, "columns"):
        cols = {c: batch[c].tolist() for c in batch.columns}
    elif isinstance(batch, dict):
        cols = {k: (v.tolist() if hasattr(v, "tolist") else list(v)) for k, v in batch.items()}
    else:
        raise InputError(f"NewsmlPredictor: cannot read a batch of type {type(batch).__name__}")
    if "id" not in cols or "text" not in cols:
        raise InputError(f"NewsmlPredictor: a batch needs 'id' and 'text' columns (got {', '.join(cols)})")
    return cols


def _limit_threads(n: int) -> None:
    """Cap this process's math threads (torch, ONNX via torch's count, OpenMP/BLAS for later imports)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, str(n))
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        if torch.get_num_threads() != n:
            torch.set_num_threads(n)


def fingerprint(payload: dict[str, Any]) -> str:
    """Short SHA-256 of a JSON payload (sorted keys)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:20]
