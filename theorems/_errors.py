"""The error a user's instance raises, and the short form of a value in its one-line message.

At the bottom of the package's imports: :mod:`theorems._core`, :mod:`theorems._instances` and
:mod:`theorems._limits` all import it, and it imports none of them.
"""
from __future__ import annotations

from typing import Any


class InstanceError(ValueError):
    """An instance that is malformed or breaks a statement's standing assumptions."""


def _short(value: Any, width: int = 60) -> str:
    """``repr(value)`` cut to ``width`` characters (a message stays one readable line)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value) if not isinstance(value, (list, dict)) or len(value) < 20 else f"a {type(value).__name__} of {len(value)} items"
    return text if len(text) <= width else text[: width - 3] + "..."
