"""The ONNX Runtime encoder backend (newsml.encoders) and the embedding summarisers that use it by default.

The MiniLM tests use the embedded all-MiniLM-L6-v2 (on disk, no download); its ONNX export is made
once into the user cache (``$NEWSML_CACHE`` or ``~/.cache/newsml``). A random tiny
sentence-transformers model, exported into a temporary cache, covers custom local paths.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import newsml
from newsml import encoders
from newsml.errors import ConfigError

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
pytestmark = pytest.mark.usefixtures("one_torch_thread")

SENTENCES = [
    "Floods swept through three villages in western Kenya on Tuesday.",
    "Rescue teams used boats to reach families stranded on rooftops.",
    "The government promised emergency funds.",
    "Floods swept through three villages in western Kenya on Tuesday.",  # a duplicate
    "Meteorologists expect more heavy rain in the region next week, officials in Nairobi said on "
    "Wednesday, adding that schools in the worst-hit districts would stay closed until further notice.",
]


@pytest.fixture(autouse=True)
def _fresh_failures():
    """Each test sees no remembered export failure or warning from an earlier one."""
    encoders._ONNX_FAILED.clear()
    encoders._WARNED.clear()
    yield
    encoders._ONNX_FAILED.clear()
    encoders._WARNED.clear()


def test_onnx_embeddings_match_torch():
    ref = encoders.encode(SENTENCES)  # torch, the default of encode
    fp32 = encoders.encode(SENTENCES, backend="onnx")
    int8 = encoders.encode(SENTENCES, backend="onnx", quantize=True)
    assert fp32.shape == int8.shape == ref.shape == (5, 384)
    assert fp32.dtype == int8.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)
    assert (fp32 * ref).sum(axis=1).min() > 0.999
    cos8 = (int8 * ref).sum(axis=1)
    assert cos8.min() > 0.95 and cos8.mean() > 0.97
    np.testing.assert_array_equal(int8[0], int8[3])  # duplicates get identical rows
    # batch composition does not change a sentence's vector (padding is masked)
    alone = encoders.encode(SENTENCES[2:3], backend="onnx")
    assert float(alone[0] @ fp32[2]) > 0.9999
    assert encoders.encode([], backend="onnx", quantize=True).shape == (0, 384)


def test_parallel_workers_give_the_same_vectors_in_input_order():
    folder = encoders.export_onnx()
    many = [f"Sentence number {i} says that {' '.join(['rain'] * (i % 7))} fell on town {i}." for i in range(40)]
    one = encoders.OnnxEncoder(folder, threads=1).encode(many, batch_size=4)
    two = encoders.OnnxEncoder(folder, threads=2).encode(many, batch_size=4)
    np.testing.assert_allclose(two, one, atol=1e-5)  # fp32: batches are only regrouped, rows stay in place
    solo = encoders.OnnxEncoder(folder, threads=1).encode(many[7:8])
    assert float(solo[0] @ two[7]) > 0.9999
    # a short input is still shared by the workers: 3 sentences, 2 workers -> batches of 2 and 1
    assert encoders.OnnxEncoder(folder, threads=2).encode(many[:3], batch_size=16).shape == (3, 384)


def test_export_metadata_records_the_check():
    meta = json.loads((encoders.export_onnx() / "meta.json").read_text())
    assert meta["pooling"] == "mean" and meta["dim"] == 384 and meta["int8_ok"] is True
    assert meta["check"]["fp32_min_cos"] >= encoders.ONNX_MIN_COSINE["fp32"]
    assert meta["check"]["int8_min_cos"] >= encoders.ONNX_MIN_COSINE["int8"]


def test_summarisers_default_to_int8_onnx_and_keep_their_choice(toy_text):
    for name in ("centroid", "mmr"):
        s = newsml.get_summarizer(name)
        assert s.get_params()["backend"] == "auto" and s.get_params()["quantize"] is True
        summ = s.summarize([toy_text], max_sentences=2)[0]
        assert len(summ.sentences) == 2 and summ.text
        # the duplicated rescue sentence is never picked twice
        assert not {1, 2} <= set(summ.sentences)
    # fp32 ONNX reproduces the torch choices exactly on this article
    for name in ("centroid", "mmr"):
        a = newsml.get_summarizer(name, backend="torch").summarize([toy_text], ratio=0.5)[0]
        b = newsml.get_summarizer(name, backend="onnx", quantize=False).summarize([toy_text], ratio=0.5)[0]
        assert a.sentences == b.sentences


def test_unknown_backend_is_a_config_error():
    with pytest.raises(ConfigError, match="backend"):
        encoders.encode(["x"], backend="tensorrt")


def test_missing_onnxruntime_falls_back_to_torch(monkeypatch):
    monkeypatch.setattr(encoders.backends, "onnx_missing",
                        lambda: "onnxruntime not installed (pip install onnxruntime onnx)")
    monkeypatch.setattr(encoders.cache, "ONNX_ENCODERS", {})
    ref = encoders.encode(SENTENCES[:2])
    with pytest.warns(RuntimeWarning, match="onnxruntime not installed.*torch backend"):
        out = encoders.encode(SENTENCES[:2], backend="onnx", quantize=True)
    np.testing.assert_allclose(out, ref, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "auto" falls back silently
        np.testing.assert_allclose(encoders.encode(SENTENCES[:2], backend="auto"), ref, atol=1e-6)
        summ = newsml.get_summarizer("centroid").summarize([" ".join(SENTENCES)], max_sentences=1)[0]
    assert len(summ.sentences) == 1


def test_gpu_device_uses_torch_with_a_warning():
    with pytest.warns(RuntimeWarning, match="CPU only"):
        assert encoders._onnx_or_none(None, "cuda", True, explicit=True) is None


def test_unsupported_model_is_refused_clearly():
    class Transformer:
        pass

    class Dense:
        pass

    with pytest.raises(encoders.BackendUnavailableError, match="Transformer \\+ Pooling"):
        encoders._check_exportable([Transformer(), Dense()], "my-model")


def test_custom_local_model_exports_to_its_own_cache(tmp_path, monkeypatch):
    from tiny_models import build_tiny_sentence_transformer

    monkeypatch.setenv("NEWSML_CACHE", str(tmp_path / "cache"))
    path = str(build_tiny_sentence_transformer(tmp_path / "tiny"))
    folder = encoders.onnx_export_dir(path)
    assert folder.parent == tmp_path / "cache" / "onnx" and not folder.exists()
    ref = encoders.encode(SENTENCES, path)
    out = encoders.encode(SENTENCES, path, backend="onnx")
    assert (folder / "meta.json").exists() and (folder / "model.int8.onnx").exists()
    assert (out * ref).sum(axis=1).min() > 0.999
    # retraining the model at the same path gives a new cache folder
    weights = next(p for p in (tmp_path / "tiny" / "st").rglob("*.safetensors"))
    weights.write_bytes(weights.read_bytes())
    import os

    os.utime(weights, ns=(1, 1))
    assert encoders.onnx_export_dir(path) != folder


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSML_CACHE", str(tmp_path))
    assert encoders.cache_dir() == tmp_path
    monkeypatch.delenv("NEWSML_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert encoders.cache_dir() == tmp_path / "xdg" / "newsml"


def test_max_tokens_cuts_long_sentences_only():
    long = SENTENCES[4]
    short = SENTENCES[2]
    cuts = {}
    for backend in ("torch", "onnx"):
        full = encoders.encode([long, short], backend=backend)
        cut = cuts[backend] = encoders.encode([long, short], backend=backend, max_tokens=8)
        assert float(full[1] @ cut[1]) > 0.9999  # a short sentence is untouched
        assert float(full[0] @ cut[0]) < 0.99  # the long one lost its tail ...
        head = " ".join(long.split()[:5])  # ... and is close to its own first words
        assert float(encoders.encode([head], backend=backend)[0] @ cut[0]) > float(full[0] @ cut[0]) - 0.05
    assert float(cuts["torch"][0] @ cuts["onnx"][0]) > 0.999  # both backends cut the same way
    # the torch model's own limit is restored after the call
    assert encoders.load_encoder(None).max_seq_length == 256
    with pytest.raises(ConfigError, match="max_tokens"):
        encoders.encode([short], max_tokens=1)


def test_summarisers_can_cut_long_sentences(toy_text):
    assert newsml.get_summarizer("centroid").get_params()["max_tokens"] is None
    cut = newsml.get_summarizer("mmr", max_tokens=8)
    whole = newsml.get_summarizer("mmr")
    assert cut.summarize([toy_text], max_sentences=2)[0].text
    whole.summarize([toy_text], max_sentences=2)
    longest = max(whole._emb_cache[1], key=len)
    assert len(longest.split()) > 8
    assert float(cut._emb_cache[1][longest] @ whole._emb_cache[1][longest]) < 0.99
