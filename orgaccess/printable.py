"""Text from outside (a live name on the platform, a declaration) made safe to print.

A name holding ESC can rewrite a terminal; one holding U+202E shows its characters in another
order than they are, so a reviewer reads something else than what is granted. Such characters are
refused in declarations (`unsafe_character`) and shown escaped (`\\x1b`, `\\u202e`) everywhere
orgaccess prints text it did not write itself: drift tables, doctor, the pull-request review.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls (NUL, ESC, CR, ... but also tab and newline), DEL, C1 controls, and the bidi
# marks, embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Markdown that could turn a name into a link, an HTML element, emphasis or a broken table.
_MARKDOWN = re.compile(r"[\\`*<&|~]|\](?=\()")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def unsafe_character(text: str, *, allow_line_breaks: bool = False) -> str | None:
    """The first unsafe character of `text`, as `U+001B (ESCAPE)`, or None if there is none."""
    for match in _UNSAFE.finditer(text):
        character = match.group()
        if allow_line_breaks and character in "\t\n":
            continue
        name = unicodedata.name(character, "") or _C0_NAMES.get(character, "a control character")
        return f"U+{ord(character):04X} ({name})"
    return None


_C0_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\r": "carriage return", "\n": "line feed", "\t": "tab"}


def escape(text: str) -> str:
    """`text` with every control and bidi character written out, for a terminal or a log."""
    return _UNSAFE.sub(_escaped, text)


def markdown(text: str) -> str:
    """`text` for markdown: escaped as for a terminal, and unable to form a link, tag or emphasis."""
    return _MARKDOWN.sub(lambda m: "\\" + m.group(), escape(text))
