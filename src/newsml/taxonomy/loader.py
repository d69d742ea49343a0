"""Load and validate taxonomy YAML files (see :mod:`newsml.taxonomy` for the format).

Validation is done by hand so that every message names the file, the line, the topic and the key,
and says how to fix it.

Cue syntax (used by :func:`compile_cue`): a cue is a phrase matched case-insensitively on word
boundaries. A word ending in ``*`` matches any ending (``expel*`` matches "expels", "expelled"),
``...`` allows up to four words in between (``recall* ... ambassador``), a hyphen also matches a
space or nothing (``cease-fire``), and a cue starting with ``re:`` is a raw Python regular expression.

Examples
--------
>>> bool(compile_cue("recall* ... ambassador*").search("Paris recalled its ambassador to Rome"))
True
>>> bool(compile_cue("expel* diplomat*").search("They expelled diplomats."))
True
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsml.errors import ConfigError, UnknownKeyError

#: folder inside the package holding the built-in taxonomies
DATA_DIR = Path(__file__).resolve().parent / "data"

_TOP_KEYS = {"name", "description", "version", "topics", "background", "hypothesis_template"}
_TOPIC_KEYS = {"id", "name", "definition", "includes", "excludes", "cues", "exemplars", "plover", "cameo",
               "acled", "satp", "police"}
_REQUIRED_TOPIC_KEYS = ("id", "name", "definition")
_LIST_KEYS = ("includes", "excludes", "cues", "exemplars", "cameo", "acled", "satp", "police")
_PLOVER_KEYS = {"type", "mode", "context"}
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


@dataclass(frozen=True)
class Topic:
    """One topic of a taxonomy."""

    id: str
    name: str
    definition: str
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    exemplars: tuple[str, ...] = ()
    plover: dict[str, Any] = field(default_factory=dict)
    cameo: tuple[str, ...] = ()
    #: event types of other schemes that map onto this topic (distant supervision): ACLED / CASE 2021
    #: sub-event types, SATP attack types, India police-event types
    acled: tuple[str, ...] = ()
    satp: tuple[str, ...] = ()
    police: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@dataclass(frozen=True)
class Taxonomy:
    """A named list of topics, plus optional non-topic ``background`` sentences.

    Parameters
    ----------
    name:
        Taxonomy name (``news_events``).
    topics:
        The topics, in file order.
    description:
        What the taxonomy is for.
    background:
        News sentences that belong to no topic (negative prototypes for zero-shot taggers).
    hypothesis_template:
        NLI hypothesis with ``{name}``/``{definition}`` placeholders.
    path:
        The file it was read from, when read from a file.
    """

    name: str
    topics: tuple[Topic, ...]
    description: str = ""
    version: str = ""
    background: tuple[str, ...] = ()
    hypothesis_template: str = "This text is about {name}."
    path: str | None = None

    @property
    def ids(self) -> list[str]:
        """Topic ids in file order."""
        return [t.id for t in self.topics]

    def __getitem__(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise UnknownKeyError(f"taxonomy {self.name!r} has no topic {topic_id!r}; topics: {', '.join(self.ids)}")

    def __contains__(self, topic_id: object) -> bool:
        return any(t.id == topic_id for t in self.topics)

    def __iter__(self):
        return iter(self.topics)

    def __len__(self) -> int:
        return len(self.topics)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "version": self.version,
            "hypothesis_template": self.hypothesis_template,
            "background": list(self.background),
            "topics": [t.to_dict() for t in self.topics],
        }


# ---------------------------------------------------------------------------------- finding files
def list_taxonomies() -> list[str]:
    """Names of the built-in taxonomies.

    >>> "news_events" in list_taxonomies()
    True
    """
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def taxonomy_path(name_or_path: str | Path) -> Path:
    """Resolve a built-in taxonomy name or a YAML path to an existing file."""
    s = str(name_or_path)
    p = Path(s).expanduser()
    if p.suffix.lower() in {".yaml", ".yml"} or p.exists() or "/" in s or "\\" in s:
        if not p.exists():
            raise ConfigError(f"taxonomy file {s!r} does not exist; built-in taxonomies: "
                              f"{', '.join(list_taxonomies())}")
        if p.is_dir():
            raise ConfigError(f"taxonomy {s!r} is a folder; pass a .yaml file or one of: "
                              f"{', '.join(list_taxonomies())}")
        return p
    built_in = DATA_DIR / f"{s}.yaml"
    if built_in.exists():
        return built_in
    raise ConfigError(f"unknown taxonomy {s!r}; use one of {', '.join(list_taxonomies())} or a path to a .yaml file")


def load_taxonomy(name_or_path: str | Path | Taxonomy = "news_events") -> Taxonomy:
    """Load and validate a taxonomy by built-in name or file path.

    Parameters
    ----------
    name_or_path:
        ``"news_events"`` (default), ``"plover"``, the path of a YAML file, or a :class:`Taxonomy`
        (returned unchanged).

    Returns
    -------
    Taxonomy

    Raises
    ------
    ConfigError
        When the file is missing, is not valid YAML, or a key is missing, unknown or of the wrong
        type; the message names the file, line, topic and key.

    Examples
    --------
    >>> tax = load_taxonomy("plover")
    >>> "ASSAULT" in tax
    True
    """
    if isinstance(name_or_path, Taxonomy):
        return name_or_path
    path = taxonomy_path(name_or_path)
    return _load_cached(str(path.resolve()), path.stat().st_mtime)


@lru_cache(maxsize=32)
def _load_cached(path: str, mtime: float) -> Taxonomy:  # mtime: reload when the file changes
    import yaml

    text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_loader())  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    return parse_taxonomy(data, path)


def parse_taxonomy(data: Any, source: str = "<taxonomy>") -> Taxonomy:
    """Validate a parsed YAML mapping and build a :class:`Taxonomy` (``source`` names it in errors)."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a taxonomy file must be a mapping with keys 'name' and 'topics'")
    where = _where(source, data)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown top-level key {unknown[0]!r}; allowed keys: {', '.join(sorted(_TOP_KEYS))}")
    for key in ("name", "topics"):
        if key not in data:
            raise ConfigError(f"{where}: missing required top-level key {key!r}")
    name = _str(data, "name", where)
    topics_raw = data["topics"]
    if not isinstance(topics_raw, list) or not topics_raw:
        raise ConfigError(f"{where}: key 'topics' must be a non-empty list of topic mappings")
    background = _str_list(data, "background", where)
    template = data.get("hypothesis_template", "This text is about {name}.")
    if not isinstance(template, str) or "{" not in template:
        raise ConfigError(f"{where}: key 'hypothesis_template' must be a string with a {{name}} placeholder")
    topics = []
    seen: set[str] = set()
    for i, raw in enumerate(topics_raw):
        t = _parse_topic(raw, i, source)
        if t.id in seen:
            raise ConfigError(f"{_where(source, raw)}: topics[{i}]: duplicate topic id {t.id!r}; ids must be unique")
        seen.add(t.id)
        topics.append(t)
    return Taxonomy(
        name=name,
        topics=tuple(topics),
        description=str(data.get("description", "") or ""),
        version=str(data.get("version", "") or ""),
        background=tuple(background),
        hypothesis_template=template,
        path=source,
    )


def _parse_topic(raw: Any, i: int, source: str) -> Topic:
    where = _where(source, raw)
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: topics[{i}] must be a mapping with keys id, name, definition")
    label = f"topics[{i}]" + (f" ({raw['id']!r})" if isinstance(raw.get("id"), str) else "")
    unknown = sorted(set(raw) - _TOPIC_KEYS)
    if unknown:
        raise ConfigError(f"{where}: {label}: unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(_TOPIC_KEYS))}")
    for key in _REQUIRED_TOPIC_KEYS:
        if key not in raw or raw[key] in (None, ""):
            raise ConfigError(f"{where}: {label}: missing required key {key!r}")
    tid = _str(raw, "id", f"{where}: {label}")
    if not _ID_RE.match(tid):
        raise ConfigError(f"{where}: {label}: key 'id' = {tid!r} must start with a letter and use only "
                          "letters, digits, '_' or '-'")
    lists = {k: _str_list(raw, k, f"{where}: {label}") for k in _LIST_KEYS}
    for cue in lists["cues"]:
        try:
            compile_cue(cue)
        except re.error as exc:
            raise ConfigError(f"{where}: {label}: key 'cues': cannot compile cue {cue!r}: {exc}") from exc
    plover = raw.get("plover") or {}
    if not isinstance(plover, dict):
        raise ConfigError(f"{where}: {label}: key 'plover' must be a mapping with keys type, mode, context")
    bad = sorted(set(plover) - _PLOVER_KEYS)
    if bad:
        raise ConfigError(f"{where}: {label}: key 'plover.{bad[0]}' is not allowed; use type, mode, context")
    plover = {k: plover.get(k) for k in ("type", "mode", "context") if plover.get(k) is not None}
    for k, v in plover.items():
        if not (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))):
            raise ConfigError(f"{where}: {label}: key 'plover.{k}' must be a string or a list of strings")
    return Topic(
        id=tid,
        name=_str(raw, "name", f"{where}: {label}"),
        definition=_str(raw, "definition", f"{where}: {label}").strip(),
        plover=plover,
        **{k: tuple(v) for k, v in lists.items()},
    )


def _str(d: dict, key: str, where: str) -> str:
    v = d.get(key)
    if not isinstance(v, str) or not v.strip():
        raise ConfigError(f"{where}: key {key!r} must be a non-empty string (got {type(v).__name__})")
    return v


def _str_list(d: dict, key: str, where: str) -> list[str]:
    v = d.get(key)
    if v is None:
        return []
    if isinstance(v, str):
        raise ConfigError(f"{where}: key {key!r} must be a list of strings (write it as '- item' lines), got one string")
    if not isinstance(v, list):
        raise ConfigError(f"{where}: key {key!r} must be a list of strings, got {type(v).__name__}")
    out = []
    for j, x in enumerate(v):
        if isinstance(x, (int, float)) and key == "cameo":
            x = f"{int(x):02d}"
        if not isinstance(x, str):
            raise ConfigError(f"{where}: key {key!r} item {j} must be a string, got {type(x).__name__}")
        out.append(x.strip())
    return out


def _where(source: str, node: Any) -> str:
    line = getattr(node, "line", None)
    return f"{source}:{line}" if line else str(source)


# -------------------------------------------------------------------------- YAML with line numbers
class _LineDict(dict):
    """A dict that remembers the YAML line it started on."""

    line: int | None = None


def _make_loader():
    import yaml

    class LineLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):  # noqa: D401
            mapping = _LineDict(super().construct_mapping(node, deep=True))
            mapping.line = node.start_mark.line + 1
            return mapping

    LineLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, LineLoader.construct_mapping
    )
    return LineLoader


@lru_cache(maxsize=1)
def _loader():
    return _make_loader()


# ------------------------------------------------------------------------------------------- cues
@lru_cache(maxsize=4096)
def compile_cue(cue: str) -> re.Pattern:
    """Compile a cue phrase (see module docs) to a case-insensitive regex."""
    cue = cue.strip()
    if cue.startswith("re:"):
        return re.compile(cue[3:].strip(), re.IGNORECASE)
    parts: list[str] = []
    gap_next = False
    for tok in cue.split():
        if tok == "...":
            gap_next = True
            continue
        if tok.endswith("*"):
            pat = re.escape(tok[:-1]) + r"[\w'’-]*"
        else:
            pat = re.escape(tok)
        pat = pat.replace(r"\-", r"[\s\-–]?")  # "cease-fire" also matches "cease fire", "ceasefire"
        if parts:
            parts.append(r"(?:\W+[\w'’-]+){0,4}?\W+" if gap_next else r"[\s\-–]+")
        parts.append(pat)
        gap_next = False
    if not parts:
        raise re.error("empty cue")
    return re.compile(r"(?<![\w-])" + "".join(parts) + r"(?![\w])", re.IGNORECASE)
