"""The Jinja2 environment for prompts/ (LLM prompts and message templates).

Templates are ours; everything a customer wrote arrives as a variable and is never parsed as a
template. The environment is sandboxed and undefined variables are errors.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

_HERE = Path(__file__).resolve().parent


def prompts_dir() -> Path:
    """prompts/ ships inside the wheel as agent/prompts; in a checkout it sits beside agent/."""
    for candidate in (_HERE / "prompts", _HERE.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("prompts/ directory not found next to the agent package")


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(prompts_dir()),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **variables) -> str:
    return environment().get_template(name).render(**variables)


@lru_cache(maxsize=None)
def prompt_hash(name: str) -> str:
    """sha256 of the template source: which wording produced a stored answer."""
    source = (prompts_dir() / name).read_bytes()
    return hashlib.sha256(source).hexdigest()[:16]
