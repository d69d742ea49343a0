"""Package-level contract: light import, fast CLI help, error family, registry plumbing."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import newsml
from newsml.errors import ConfigError, NewsmlError, RegistryError
from newsml.registry import Registry

HEAVY = ("torch", "transformers", "sentence_transformers", "datasets", "sklearn")


def test_import_is_light():
    code = f"import sys, newsml; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import newsml pulled in heavy modules: {out.stdout}"


def test_cli_help_is_fast():
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "newsml", "--help"], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    assert out.returncode == 0
    assert "prepare" in out.stdout and "classify" in out.stdout and "summarize" in out.stdout
    assert elapsed < 3.0, f"newsml --help took {elapsed:.2f}s"


@pytest.mark.parametrize("command", ["prepare", "classify", "summarize", "run", "report", "list"])
def test_subcommand_help(command):
    out = subprocess.run([sys.executable, "-m", "newsml", command, "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "usage: newsml" in out.stdout


def test_error_family():
    assert issubclass(RegistryError, ConfigError) and issubclass(ConfigError, NewsmlError)


def test_registry_unknown_name_lists_allowed():
    reg = Registry("widget", entry_point_group=None)
    reg.register("counter", "collections:Counter")
    with pytest.raises(RegistryError, match="unknown widget 'nope'; allowed: counter"):
        reg.build("nope")


def test_registry_unknown_param_names_key():
    reg = Registry("widget", entry_point_group=None)
    reg.register("frac", "fractions:Fraction")
    with pytest.raises(ConfigError, match="unknown parameter 'bogus'"):
        reg.build("frac", bogus=1)


def test_registry_entry_point_plugin(monkeypatch):
    import importlib.metadata as md

    ep = md.EntryPoint(name="plug", value="collections:OrderedDict", group="newsml.test")

    def fake_entry_points(group=None):
        return [ep] if group == "newsml.test" else []

    monkeypatch.setattr(md, "entry_points", fake_entry_points)
    reg = Registry("widget", entry_point_group="newsml.test")
    assert "plug" in reg.names()
    assert type(reg.build("plug")).__name__ == "OrderedDict"


def test_version():
    assert newsml.__version__.count(".") == 2
