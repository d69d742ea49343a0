"""Export a sentence encoder to ONNX (fp32 and int8) once, checked against its torch embeddings.

Examples
--------
>>> from newsml.encoders.export import ONNX_MIN_COSINE
>>> ONNX_MIN_COSINE["fp32"] > ONNX_MIN_COSINE["int8"]
True
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import shutil
import uuid
import warnings
from pathlib import Path
from typing import Any

from newsml.encoders import backends as _backends
from newsml.encoders.backends import (
    DEFAULT_ENCODER,
    BackendUnavailableError,
    OnnxEncoder,
    _dimension,
    load_encoder,
    onnx_export_dir,
)
from newsml.encoders.cache import ONNX_EXPORT_VERSION

#: minimum cosine to the torch embeddings on the probe sentences
ONNX_MIN_COSINE = {"fp32": 0.999, "int8": 0.95}
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
    reason = _backends.onnx_missing()
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
