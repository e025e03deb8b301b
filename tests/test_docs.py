"""Every setting is documented in the README (like datasette's tests/test_docs.py)."""
from __future__ import annotations

from pathlib import Path

from xinsheng.config import Settings

README = Path(__file__).parent.parent / "README.md"


def test_every_setting_is_in_the_readme_configuration_table():
    text = README.read_text(encoding="utf-8")
    missing = [f"XINSHENG_{name.upper()}" for name in Settings.model_fields
               if f"`XINSHENG_{name.upper()}`" not in text]
    assert not missing, f"undocumented settings: {missing}"
