"""Tiny, randomly initialised Hugging Face models built locally for tests (no hub access).

The tokenizers are trained with the ``tokenizers`` library on a few sentences we wrote; the models
are BERT/BART configs with a handful of small layers. They test plumbing (loading by path,
batching, chunking, saving), not quality.
"""

from __future__ import annotations

from pathlib import Path

CORPUS = [
    "The military government severed diplomatic relations with its neighbour on Monday.",
    "Rebels claimed to have killed dozens of soldiers near the border town.",
    "The foreign ministry summoned the ambassador to protest against the remarks.",
    "Thousands of people marched in the capital to demand new elections.",
    "The central bank raised interest rates by half a percentage point.",
    "The striker scored twice as the home side won the cup final.",
    "Police arrested opposition leaders and imposed a curfew in the city.",
    "Both sides agreed to a ceasefire after talks mediated by regional leaders.",
    "The army admitted heavy losses after its positions were overrun.",
    "Officials accused the agency of funding armed groups in the north.",
] * 4


def build_tiny_tokenizer(out_dir: str | Path, kind: str = "bert", vocab_size: int = 400) -> Path:
    """Train a WordPiece (``bert``) or byte-level BPE (``bart``) tokenizer and save it with transformers."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if kind == "bert":
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tok.normalizer = normalizers.BertNormalizer(lowercase=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.train_from_iterator(CORPUS, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials))
        cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
            special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
        )
        tok.decoder = decoders.WordPiece()
        fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                       cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                       model_max_length=128)
    elif kind == "bart":
        specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
        tok = Tokenizer(models.BPE(unk_token="<unk>"))
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                                            initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
        tok.post_processor = processors.TemplateProcessing(
            single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
            special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))],
        )
        tok.decoder = decoders.ByteLevel()
        fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>",
                                       unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
                                       model_max_length=128)
    else:
        raise ValueError(f"unknown tokenizer kind {kind!r}")
    fast.save_pretrained(str(out_dir))
    return out_dir


def build_tiny_bert_classifier(out_dir: str | Path, labels: list[str] | None = None, seed: int = 0) -> Path:
    """A random 2-layer BERT for sequence classification with ``labels`` (default: 3 topics)."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    labels = labels or ["conflict", "diplomacy", "economy"]
    out_dir = Path(build_tiny_tokenizer(out_dir, "bert"))
    tok = AutoTokenizer.from_pretrained(str(out_dir))
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)},
                        pad_token_id=tok.pad_token_id)
    BertForSequenceClassification(config).save_pretrained(str(out_dir))
    return out_dir


def build_tiny_nli(out_dir: str | Path, seed: int = 0) -> Path:
    """A random tiny BERT with NLI labels (entailment / neutral / contradiction)."""
    return build_tiny_bert_classifier(out_dir, ["entailment", "neutral", "contradiction"], seed=seed)


def build_tiny_bart(out_dir: str | Path, seed: int = 0) -> Path:
    """A random 1+1-layer BART for conditional generation, with its tokenizer."""
    import torch
    from transformers import AutoTokenizer, BartConfig, BartForConditionalGeneration

    out_dir = Path(build_tiny_tokenizer(out_dir, "bart"))
    tok = AutoTokenizer.from_pretrained(str(out_dir))
    torch.manual_seed(seed)
    config = BartConfig(vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1,
                        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                        decoder_ffn_dim=64, max_position_embeddings=128, pad_token_id=tok.pad_token_id,
                        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                        decoder_start_token_id=tok.eos_token_id, forced_bos_token_id=tok.bos_token_id)
    model = BartForConditionalGeneration(config)
    model.save_pretrained(str(out_dir))
    return out_dir


def build_tiny_sentence_transformer(out_dir: str | Path, seed: int = 0) -> Path:
    """A random tiny BERT encoder + mean pooling saved as a sentence-transformers model."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers import models as st_models
    from transformers import AutoTokenizer, BertConfig, BertModel

    base = Path(out_dir) / "bert"
    build_tiny_tokenizer(base, "bert")
    tok = AutoTokenizer.from_pretrained(str(base))
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, pad_token_id=tok.pad_token_id)
    BertModel(config).save_pretrained(str(base))
    word = st_models.Transformer(str(base), max_seq_length=64)
    pool = st_models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    st = SentenceTransformer(modules=[word, pool], device="cpu")
    out = Path(out_dir) / "st"
    st.save(str(out))
    return out


#: labels of the 8-text fixtures in the transformer tests (each module keeps its own texts: the CPU tests
#: need varied lengths, the end-to-end tests short, separable ones)
TRANSFORMER_LABELS = ["war", "economy", "war", "diplomacy", "politics", "sport", "politics", "diplomacy"]


def tiny_transformer_classifier(model_dir: str | Path, **params):
    """A ``TransformerClassifier`` on a tiny local model: no warm-up, seed 0, ``params`` on top."""
    from newsml.classify.transformer import TransformerClassifier

    return TransformerClassifier(**{"model_name_or_path": str(model_dir), "warmup_ratio": 0.0, "seed": 0, **params})
