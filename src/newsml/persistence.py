"""Save and load every newsml component (classifiers and summarisers): JSON config + safetensors, no pickle.

A saved component is a folder with

* ``newsml_classifier.json`` or ``newsml_summarizer.json``: the newsml version, the registry ``name``, the
  ``class`` (``module:Class``), the constructor ``params``, the learned JSON ``state`` (and, for classifiers,
  ``classes``, ``multi_label`` and ``thresholds``);
* ``weights.safetensors``: the learned arrays, when there are any;
* whatever sub-folders the component writes itself (a fine-tuned transformer's checkpoint).

Loading is safe: the ``class`` a config names must be registered in newsml's registry of that kind (the
built-ins and the entry-point plug-ins the user installed, or a class registered at run time with
``newsml.registry.classifiers.register``). Any other ``module:Class`` is refused with a
:class:`~newsml.errors.ModelLoadError` naming the file, before anything is imported. Corrupt or missing weights
and missing keys are also a ``ModelLoadError`` naming the file.

Components implement two hooks with one signature each (no signature inspection)::

    def _get_state(self, path: Path) -> tuple[dict, dict[str, np.ndarray]]: ...
    def _set_state(self, state: dict, arrays: dict[str, np.ndarray], path: Path) -> None: ...

``path`` is the save folder, for components that write (or read) files of their own there.

Examples
--------
>>> import tempfile
>>> from newsml.summarize.lead import LeadSummarizer
>>> d = save_component(LeadSummarizer(default_sentences=2), tempfile.mkdtemp(), "summarizer")
>>> load_component(d, "summarizer").default_sentences
2
>>> import json, pathlib
>>> evil = pathlib.Path(tempfile.mkdtemp())
>>> _ = (evil / CLASSIFIER_CONFIG).write_text(json.dumps({"class": "subprocess:Popen", "params": {}}))
>>> load_component(evil, "classifier")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
newsml.errors.ModelLoadError: .../newsml_classifier.json: class 'subprocess:Popen' is not a registered newsml classifier...
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsml.errors import ConfigError, InputError, ModelLoadError
from newsml.utils import jsonable_params

__all__ = ["CLASSIFIER_CONFIG", "SUMMARIZER_CONFIG", "WEIGHTS_FILE", "save_component", "load_component",
           "read_config", "registered_class", "jsonable_params", "component_header", "check_param_types"]

CLASSIFIER_CONFIG = "newsml_classifier.json"
SUMMARIZER_CONFIG = "newsml_summarizer.json"
WEIGHTS_FILE = "weights.safetensors"
_CONFIG_FILES = {"classifier": CLASSIFIER_CONFIG, "summarizer": SUMMARIZER_CONFIG}


def component_header(obj: Any) -> dict[str, Any]:
    """The part of a saved config common to every component: version, name, class and params."""
    from newsml._version import __version__

    return {"newsml_version": __version__, "name": getattr(obj, "name", ""),
            "class": f"{type(obj).__module__}:{type(obj).__qualname__}",
            "params": jsonable_params(obj.get_params(deep=False))}


def _registry(kind: str):
    # built-ins are registered in newsml.registry; plug-ins come in through entry points
    from newsml.registry import classifiers, summarizers

    if kind == "classifier":
        return classifiers
    if kind == "summarizer":
        return summarizers
    raise ConfigError(f"kind must be 'classifier' or 'summarizer', got {kind!r}")


def config_file(path: str | Path, kind: str) -> Path:
    """The config file of a component of ``kind`` saved in folder ``path``."""
    return Path(path) / _CONFIG_FILES[kind]


def saved_kind(path: str | Path) -> str | None:
    """``"classifier"`` or ``"summarizer"`` when folder ``path`` holds a saved component of that kind, else None.

    Examples
    --------
    >>> import tempfile
    >>> from newsml.summarize.lead import LeadSummarizer
    >>> saved_kind(save_component(LeadSummarizer(), tempfile.mkdtemp(), "summarizer")), saved_kind(tempfile.mkdtemp())
    ('summarizer', None)
    """
    return next((kind for kind in _CONFIG_FILES if config_file(path, kind).is_file()), None)


def load_saved_folder(path: str | Path, kind: str, option: str):
    """Load the component of ``kind`` saved in folder ``path``, named by command-line ``option``.

    A folder without the config file is an :class:`~newsml.errors.InputError` that says how to make one,
    or, when the folder holds the other kind of component, which command takes it.

    Examples
    --------
    >>> import tempfile
    >>> from newsml.summarize.lead import LeadSummarizer
    >>> folder = save_component(LeadSummarizer(), tempfile.mkdtemp(), "summarizer")
    >>> type(load_saved_folder(folder, "summarizer", "--model")).__name__
    'LeadSummarizer'
    >>> load_saved_folder(folder, "classifier", "--model")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    newsml.errors.InputError: --model ...: holds a saved summarizer, not a classifier; use it with `newsml summarize --model`
    """
    if not config_file(path, kind).exists():
        other = saved_kind(path)
        if other is not None:
            command = "classify" if other == "classifier" else "summarize"
            raise InputError(f"{option} {path}: holds a saved {other}, not a {kind}; use it with "
                             f"`newsml {command} --model`")
        what = "clf.save(dir)" if kind == "classifier" else "s.save(dir)"
        raise InputError(f"{option} {path}: folder has no {_CONFIG_FILES[kind]}; save a {kind} there with {what}")
    return load_component(path, kind)


def save_component(obj: Any, path: str | Path, kind: str, extra: dict[str, Any] | None = None) -> Path:
    """Save ``obj`` to folder ``path``: its JSON config (+ ``extra`` keys) and its arrays as safetensors.

    Returns the folder. ``obj._get_state(path)`` gives the learned state.
    """
    import numpy as np

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    state, arrays = obj._get_state(path)
    config = {**component_header(obj), **(extra or {}), "state": state}
    config_file(path, kind).write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")
    weights = path / WEIGHTS_FILE
    if arrays:
        from safetensors.numpy import save_file

        save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(weights))
    else:
        weights.unlink(missing_ok=True)  # a stale file from an earlier save must not be read back
    return path


def read_config(path: str | Path, kind: str) -> tuple[Path, dict[str, Any]]:
    """Read and check the JSON config of a component saved in ``path``; returns ``(file, config)``."""
    path = Path(path)
    cfg_file = config_file(path, kind)
    if not cfg_file.is_file():
        raise ModelLoadError(f"{path}: not a saved newsml {kind} (no {cfg_file.name}); save one with .save(dir)")
    try:
        config = json.loads(cfg_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"{cfg_file}: cannot read saved {kind}: {exc}") from None
    if not isinstance(config, dict) or not isinstance(config.get("class"), str):
        raise ModelLoadError(f"{cfg_file}: not a saved newsml {kind} config (no 'class' string)")
    if not isinstance(config.get("params", {}), dict) or not isinstance(config.get("state", {}), dict):
        raise ModelLoadError(f"{cfg_file}: 'params' and 'state' must be JSON objects")
    return cfg_file, config


def registered_class(class_path: str, kind: str, where: str | Path = "<config>"):
    """The registered class named ``module:Class``; anything not registered raises :class:`ModelLoadError`.

    Only registry targets are compared and imported: the named module itself is never imported unless it
    is the module of a registered component.
    """
    reg = _registry(kind)
    module_name, _, qual = class_path.partition(":")
    for name in reg.names():
        target = reg._items[name]
        if isinstance(target, str):
            if target == class_path:
                return reg.get_class(name)
            if target.rpartition(":")[2] != qual:
                continue
            # the registry may name a re-export (package:Class) of the saved module:Class
            klass = reg.get_class(name)
        else:
            klass = target
        if isinstance(klass, type) and f"{klass.__module__}:{klass.__qualname__}" == class_path:
            return klass
    raise ModelLoadError(
        f"{where}: class {class_path!r} is not a registered newsml {kind}; saved models may only name "
        f"registered components ({', '.join(reg.names())}). Register a plug-in through the "
        f"'newsml.{kind}s' entry point if you trust it")


def _restore_tuples(klass, params: dict[str, Any]) -> dict[str, Any]:
    """JSON turns tuples into lists: give back tuples where the ``__init__`` default is a tuple."""
    import inspect

    try:
        sig = inspect.signature(klass).parameters
    except (TypeError, ValueError):
        return dict(params)
    out = dict(params)
    for k, v in params.items():
        if isinstance(v, list) and k in sig and isinstance(sig[k].default, tuple):
            out[k] = tuple(v)
    return out


#: JSON types a saved value may have for each annotated type (int is fine for float; paths are saved as str)
_JSON_TYPES: dict[Any, tuple[type, ...]] = {
    int: (int,), float: (int, float), bool: (bool,), str: (str,), type(None): (type(None),), Path: (str,),
    list: (list, tuple), tuple: (list, tuple), set: (list, tuple), frozenset: (list, tuple), dict: (dict,),
}


def _hint_types(hint: Any) -> tuple[type, ...] | None:
    """JSON types allowed by a resolved type hint (``int | None``, ``list[str]``...); None: anything."""
    import collections.abc
    import types
    import typing

    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        out: tuple[type, ...] = ()
        for arg in typing.get_args(hint):
            allowed = _hint_types(arg)
            if allowed is None:
                return None
            out += allowed
        return out
    base = origin or hint
    if base in (collections.abc.Sequence, collections.abc.MutableSequence):
        return (list, tuple)
    if base in (collections.abc.Mapping, collections.abc.MutableMapping):
        return (dict,)
    return _JSON_TYPES.get(base)


def _allowed_types(param) -> tuple[type, ...] | None:
    """JSON types a saved value of ``param`` (an ``inspect.Parameter`` of a signature read with
    ``eval_str=True``) may have; None when anything goes."""
    if param.annotation is not param.empty:
        return None if isinstance(param.annotation, str) else _hint_types(param.annotation)
    default = param.default
    if default is param.empty or default is None:
        return None
    if isinstance(default, bool):
        return (bool,)
    if isinstance(default, (int, float)):
        return (int, float)
    return next((types for base, types in ((str, (str,)), ((list, tuple), (list, tuple)), (dict, (dict,)))
                 if isinstance(default, base)), None)


def check_param_types(klass, params: dict[str, Any], where: str) -> None:
    """Raise :class:`ModelLoadError` naming ``where`` and the key when a saved param has the wrong JSON type.

    Each value is checked against the ``__init__`` parameter's annotation (or, without one, its default's
    type): int, float (an int is fine), bool, str (also for paths), None, list (for lists and tuples) and
    dict. Parameters whose annotation names anything else (a class, ``Any``, a callable) are not checked.

    Examples
    --------
    >>> from newsml.summarize.lead import LeadSummarizer
    >>> check_param_types(LeadSummarizer, {"default_sentences": 2, "dedup_threshold": 1}, "cfg.json")
    >>> check_param_types(LeadSummarizer, {"default_sentences": "three"}, "cfg.json")
    Traceback (most recent call last):
    ...
    newsml.errors.ModelLoadError: cfg.json: params: 'default_sentences' is "three" (a JSON string); LeadSummarizer expects int
    """
    import inspect

    try:
        try:
            sig = inspect.signature(klass, eval_str=True).parameters  # annotations as types
        except NameError:  # an annotation that does not resolve here: such parameters are not checked
            sig = inspect.signature(klass).parameters
    except (TypeError, ValueError):
        return
    names = {bool: "true/false", int: "a JSON integer", float: "a JSON number", str: "a JSON string",
             list: "a JSON list", dict: "a JSON object", type(None): "null"}
    for key, value in params.items():
        types = _allowed_types(sig[key]) if key in sig else None
        if types is None or (isinstance(value, types) and not (isinstance(value, bool) and bool not in types)):
            continue
        ann = sig[key].annotation
        expected = (ann.__name__ if isinstance(ann, type) else str(ann)) if ann is not sig[key].empty \
            else f"a {type(sig[key].default).__name__} like its default {sig[key].default!r}"
        raise ModelLoadError(f"{where}: params: {key!r} is {json.dumps(value)} ({names.get(type(value), type(value).__name__)}); "
                             f"{getattr(klass, '__name__', klass)} expects {expected}")


def load_arrays(path: str | Path) -> dict[str, Any]:
    """The arrays in ``path/weights.safetensors`` (empty when absent); a corrupt file names itself."""
    weights = Path(path) / WEIGHTS_FILE
    if not weights.exists():
        return {}
    from safetensors.numpy import load_file

    try:
        return load_file(str(weights))
    except Exception as exc:  # noqa: BLE001 - SafetensorError, OSError...: one message naming the file
        raise ModelLoadError(f"{weights}: corrupt or unreadable weights ({type(exc).__name__}: {exc}); "
                             "re-save the model") from None


def load_component(path: str | Path, kind: str, **overrides: Any):
    """Load a component of ``kind`` saved with :func:`save_component` (``overrides`` replace saved params).

    Raises
    ------
    ModelLoadError
        No or unreadable config, a class that is not registered, bad params, corrupt or missing weights,
        a missing state key. The message names the file.
    """
    import numpy as np

    from newsml.registry import check_params

    path = Path(path)
    cfg_file, config = read_config(path, kind)
    klass = registered_class(config["class"], kind, cfg_file)
    params = _restore_tuples(klass, {**config.get("params", {}), **overrides})
    try:
        check_params(klass, params, where=f"{cfg_file}: params")
        check_param_types(klass, {k: v for k, v in config.get("params", {}).items() if k not in overrides},
                          str(cfg_file))
        obj = klass(**params)
    except ConfigError as exc:
        raise ModelLoadError(str(exc)) from None
    except (TypeError, ValueError) as exc:
        raise ModelLoadError(f"{cfg_file}: cannot build {config['class']} from its params: {exc}") from None
    try:
        if kind == "classifier":
            obj.classes_ = np.array(config["classes"], dtype=object)
            obj.multi_label_ = bool(config["multi_label"])
            obj.thresholds_ = np.array(config["thresholds"], dtype=np.float64)
            if obj.classes_.ndim != 1 or obj.thresholds_.shape != obj.classes_.shape or not len(obj.classes_):
                raise ModelLoadError(f"{cfg_file}: 'classes' ({len(config['classes'])}) and 'thresholds' "
                                     f"({len(config['thresholds'])}) must be non-empty lists of the same length")
            if config.get("scripts"):
                obj.scripts_ = [str(x) for x in config["scripts"]]
        arrays = load_arrays(path)
        obj._set_state(config.get("state", {}), arrays, path)
    except KeyError as exc:
        weights = path / WEIGHTS_FILE
        if not weights.exists():
            raise ModelLoadError(f"{weights}: missing; the saved {kind} in {cfg_file} needs key {exc} from it. "
                                 "Re-save the model") from None
        raise ModelLoadError(f"{cfg_file} + {weights.name}: missing key {exc} in the saved {kind}; "
                             "re-save the model") from None
    except (TypeError, ValueError) as exc:
        raise ModelLoadError(f"{cfg_file}: saved {kind} state does not fit {config['class']}: {exc}") from None
    return obj
