"""Experiment configs: a pydantic schema, YAML loading, dotted ``key=value`` overrides, one-line errors.

A config is a YAML file; every section forbids unknown keys, component names are checked against
the registries (built-ins and plug-ins) and component parameters against the component's
``__init__``. Any problem raises :class:`newsml.errors.ConfigError` with one line naming the dotted
key and the allowed values, e.g.::

    classifiers[0].name: unknown classifier 'tfidff'; allowed: embedding, keyword, ... (did you mean 'tfidf'?)

Examples
--------
>>> cfg = load_config({"name": "demo", "dataset": {"source": "seeds/"},
...                    "summarizers": [{"name": "lead"}]}, overrides=["seed=7"])
>>> cfg.seed, cfg.summarizers[0].name
(7, 'lead')
>>> load_config({"name": "demo", "dataset": {"source": "x"}, "colour": 1})
Traceback (most recent call last):
...
newsml.errors.ConfigError: colour: unknown key; allowed: name, description, seed, dataset, classifiers, summarizers, evaluation, engine
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsml.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class DatasetConfig(_Strict):
    """Where the documents come from and how they are prepared."""

    source: str = Field(description="recipe name (bbc, xsum, ...) or a file/folder path (relative to the config's "
                                    "folder or the working directory)")
    data_dir: str | None = Field(None, description="folder with the shared benchmark data (recipes)")
    options: dict[str, Any] = Field(default_factory=dict,
                                    description="extra preprocessing options passed to newsml.data.load_dataset")
    eval_split: str | None = Field(None, description="split to evaluate on (default: test, else the only split)")
    train_split: str = "train"
    validation_split: str = "validation"
    limit: int | None = Field(None, ge=1, description="keep the first N evaluation documents")
    sample: int | None = Field(None, ge=1, description="random sample (seeded) of N evaluation documents")
    train_limit: int | None = Field(None, ge=1, description="random sample (seeded) of N training documents")
    multi_label: Literal["auto", True, False] = "auto"


class ComponentConfig(_Strict):
    """One classifier or summariser: registry name, constructor parameters, how to run it."""

    name: str
    id: str | None = Field(None, description="display name (default: the name; must be unique in the run)")
    params: dict[str, Any] = Field(default_factory=dict, description="keyword arguments of the component")
    fit: Literal["auto", "always", "never"] = "auto"

    @property
    def key(self) -> str:
        return self.id or self.name


class SummarizerConfig(ComponentConfig):
    options: dict[str, Any] = Field(default_factory=dict,
                                    description="summarize() options: max_sentences, max_words, ratio")

    @field_validator("options")
    @classmethod
    def _options(cls, v: dict[str, Any]) -> dict[str, Any]:
        allowed = ("max_sentences", "max_words", "ratio", "focus")
        for k in v:
            if k not in allowed:
                raise ValueError(f"unknown option {k!r}; allowed: {', '.join(allowed)}")
        return v


class EvaluationConfig(_Strict):
    n_boot: int = Field(1000, ge=0)
    level: float = Field(0.95, gt=0, lt=1)
    embeddings: bool = Field(False, description="embedding similarity of summaries (loads the encoder)")
    encoder: str | None = None
    plots: bool = True
    compare: bool = Field(True, description="paired significance tests between the systems of a run")
    memory_sample: int = Field(0, ge=0, description="re-run prediction on this many documents under tracemalloc "
                                                    "to record peak Python heap memory (0: off)")


class EngineConfig(_Strict):
    """How ``newsml annotate --config`` runs the corpus job (see ``docs/scale.md``)."""

    name: Literal["local", "ray"] = "local"
    address: str | None = Field(None, description="Ray cluster to join (default: start a local Ray)")
    batch_size: int = Field(64, ge=1)
    workers: int = Field(1, ge=0, description="worker processes (local) or actors (ray; 0 = CPUs - 1)")
    num_cpus: int | None = Field(None, ge=1, description="CPUs of the local Ray")
    rows_per_part: int = Field(10_000, ge=1)
    out: str | None = Field(None, description="output folder (default: --out)")


class ExperimentConfig(_Strict):
    """A whole run: data -> classifiers and/or summarisers -> evaluation."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    seed: int = 13
    dataset: DatasetConfig
    classifiers: list[ComponentConfig] = Field(default_factory=list)
    summarizers: list[SummarizerConfig] = Field(default_factory=list)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    engine: EngineConfig | None = Field(None, description="corpus job settings (newsml annotate --config)")

    @field_validator("classifiers")
    @classmethod
    def _classifier_names(cls, v: list[ComponentConfig]) -> list[ComponentConfig]:
        return _check_components(v, "classifier")

    @field_validator("summarizers")
    @classmethod
    def _summarizer_names(cls, v: list[SummarizerConfig]) -> list[SummarizerConfig]:
        return _check_components(v, "summarizer")

    @model_validator(mode="after")
    def _something_to_do(self) -> ExperimentConfig:
        if not self.classifiers and not self.summarizers:
            raise ValueError("nothing to run: give at least one entry in classifiers or summarizers")
        return self


class _ItemError(ValueError):
    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(message)
        self.index, self.field, self.message = index, field, message


def _check_components(items: list, kind: str) -> list:
    from newsml.registry import check_params, classifiers, summarizers

    reg = classifiers if kind == "classifier" else summarizers
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.name.strip().lower() == "default":
            item.name = _default_name(kind, i)
        try:
            canonical = reg.canonical(item.name)
        except ConfigError:
            allowed = _allowed_names(kind)
            close = difflib.get_close_matches(item.name, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _ItemError(i, "name", f"unknown {kind} {item.name!r}; allowed: {', '.join(allowed)}{hint}") from None
        try:
            cls_ = reg.get_class(canonical)
        except ImportError as exc:
            raise _ItemError(i, "name", f"{kind} {item.name!r} cannot be imported: {exc}") from None
        try:
            check_params(cls_, item.params, where="params")
        except ConfigError as exc:
            msg = str(exc).removeprefix("params: ")
            bad = re.search(r"unknown parameter '([^']+)'", msg)
            raise _ItemError(i, f"params.{bad.group(1)}" if bad else "params", msg) from None
        if item.key in seen:
            raise _ItemError(i, "id", f"duplicate {kind} {item.key!r}; give each entry a distinct id")
        seen.add(item.key)
    return items


def _default_name(kind: str, index: int) -> str:
    """``name: default`` -> the library default (``DEFAULT_SUMMARIZER`` / ``DEFAULT_CLASSIFIER``)."""
    from newsml.classify import DEFAULT_CLASSIFIER
    from newsml.summarize import DEFAULT_SUMMARIZER

    return DEFAULT_SUMMARIZER if kind == "summarizer" else DEFAULT_CLASSIFIER


def _allowed_names(kind: str) -> list[str]:
    import newsml

    return newsml.list_classifiers() if kind == "classifier" else newsml.list_summarizers()


# ----------------------------------------------------------------------------- error messages
def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "<config>"


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: Any = ExperimentConfig
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return None
        ann = model.model_fields[part].annotation
        args = getattr(ann, "__args__", ())
        model = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), ann)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _one_line(exc: ValidationError, source: str | None) -> ConfigError:
    err = exc.errors()[0]
    loc = tuple(err.get("loc", ()))
    etype = err.get("type", "")
    msg = err.get("msg", "invalid value")
    ctx_err = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_err, _ItemError):
        loc = (*loc, ctx_err.index, *ctx_err.field.split("."))
        msg = ctx_err.message
    elif etype == "extra_forbidden":
        parent = _model_at(loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else "see docs/readme/evaluation.md"
        close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields) if parent else [], n=1)
        msg = f"unknown key; allowed: {allowed}" + (f" (did you mean {close[0]!r}?)" if close else "")
    elif etype == "missing":
        msg = "required key is missing"
    else:
        msg = msg.removeprefix("Value error, ")
        if "input" in err and etype not in ("value_error",):
            msg += f" (got {err['input']!r})"
    where = f"{source}: " if source else ""
    n_more = len(exc.errors()) - 1
    more = f" ({n_more} more problem{'s' if n_more > 1 else ''} after fixing this)" if n_more else ""
    return ConfigError(f"{where}{_format_loc(loc)}: {msg}{more}")


# ---------------------------------------------------------------------------------- overrides
_KEY_RE = re.compile(r"^[A-Za-z_][\w-]*(\[\d+\])*(\.([A-Za-z_][\w-]*|\d+)(\[\d+\])*)*$")


def _split_key(key: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in key.split("."):
        m = re.match(r"^([^\[]*)((\[\d+\])*)$", piece)
        name, idx = (m.group(1), m.group(2)) if m else (piece, "")
        if name.isdigit():
            parts.append(int(name))
        elif name:
            parts.append(name)
        parts.extend(int(i) for i in re.findall(r"\[(\d+)\]", idx))
    return parts


def apply_overrides(raw: dict[str, Any], overrides: list[str] | None) -> dict[str, Any]:
    """Apply ``key=value`` overrides to a raw config dict (values parsed as YAML).

    Dotted keys reach into sections; list items are addressed as ``classifiers.0.params.C`` or
    ``classifiers[0].params.C``. A missing key is created (then validated like any other key).

    Examples
    --------
    >>> apply_overrides({"dataset": {"limit": 5}}, ["dataset.limit=10", "evaluation.plots=false"])
    {'dataset': {'limit': 10}, 'evaluation': {'plots': False}}
    """
    import copy

    import yaml

    out = copy.deepcopy(raw)
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError(f"override {item!r}: expected key=value (dotted keys, e.g. dataset.limit=100)")
        key, _, text = item.partition("=")
        key = key.strip()
        if not _KEY_RE.match(key):
            raise ConfigError(f"override {item!r}: bad key {key!r}; use dotted names like classifiers.0.params.C")
        try:
            value = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError as exc:
            raise ConfigError(f"override {key}: value {text!r} is not valid YAML: {exc}") from None
        parts = _split_key(key)
        node: Any = out
        for depth, part in enumerate(parts[:-1]):
            where = _format_loc(tuple(parts[: depth + 1]))
            if isinstance(part, int):
                if isinstance(node, list) and part == len(node):
                    node.append({})  # "summarizers.0.name=lead" on an empty list adds an entry
                if not isinstance(node, list) or part >= len(node):
                    size = len(node) if isinstance(node, list) else 0
                    raise ConfigError(f"override {key}: {where} does not exist (the list has {size} entries)")
                node = node[part]
            else:
                if not isinstance(node, dict):
                    raise ConfigError(f"override {key}: {where} is not a section")
                if not isinstance(node.get(part), (dict, list)):
                    node[part] = [] if isinstance(parts[depth + 1], int) else {}
                node = node[part]
        last = parts[-1]
        if isinstance(last, int):
            if not isinstance(node, list) or last > len(node):
                raise ConfigError(f"override {key}: index {last} is out of range")
            if last == len(node):
                node.append(value)
            else:
                node[last] = value
        else:
            if not isinstance(node, dict):
                raise ConfigError(f"override {key}: parent is not a section")
            node[last] = value
    return out


# ---------------------------------------------------------------------------------- loading
def read_config(path: str | Path) -> dict[str, Any]:
    """Read a YAML config file into a dict (errors name the file and line)."""
    import yaml

    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}:{line}: invalid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys (name, dataset, ...), got {type(data).__name__}")
    return data


def load_config(config: str | Path | dict[str, Any], overrides: list[str] | None = None) -> ExperimentConfig:
    """Read (a path) or take (a dict) a config, apply overrides, validate; one-line ConfigError on problems.

    Relative dataset paths are resolved against the config file's folder when they exist there,
    else against the working directory.
    """
    source = None
    base = None
    if isinstance(config, dict):
        raw = config
    else:
        raw = read_config(config)
        source = str(config)
        base = Path(config).resolve().parent
    raw = apply_overrides(raw, overrides)
    try:
        cfg = ExperimentConfig.model_validate(raw)
    except ValidationError as exc:
        raise _one_line(exc, source) from None
    if base is not None:
        src = cfg.dataset.source
        if not Path(src).is_absolute() and not Path(src).exists() and (base / src).exists():
            cfg.dataset.source = str((base / src).resolve())
    return cfg


def config_to_dict(cfg: ExperimentConfig) -> dict[str, Any]:
    """The resolved config (every default filled in) as plain data."""
    return cfg.model_dump(mode="json")
