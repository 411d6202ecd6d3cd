"""Text from outside (a live name on the platform, a declaration) made safe to print.

A name holding ESC can rewrite a terminal; one holding U+202E shows its characters in another
order than they are, so a reviewer reads something else than what is granted. Such characters are
refused in declarations (`unsafe_character`) and shown escaped (`\\x1b`, `\\u202e`) everywhere
orgaccess prints text it did not write itself: drift tables, doctor, the pull-request review.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode's control (Cc: C0 such as NUL, ESC, CR, but also tab and newline; DEL; C1) and format (Cf)
# characters: the bidi marks, embeddings, overrides and isolates, and every invisible one (U+200B
# zero width space, U+FEFF, U+061C, the tags ...), which make two names that differ look the same.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf"})
# Every unsafe character is outside printable ASCII: the category is looked up for those only.
_CANDIDATE = re.compile(r"[^\x20-\x7e]")
# Markdown that could turn a name into a link, an HTML element, emphasis or a broken table.
_MARKDOWN = re.compile(r"[\\`*<&|~]|\](?=\()")


def _unsafe(character: str) -> bool:
    return unicodedata.category(character) in _UNSAFE_CATEGORIES


def _escaped(match: re.Match[str]) -> str:
    character = match.group()
    if not _unsafe(character):
        return character
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def unsafe_character(text: str, *, allow_line_breaks: bool = False) -> str | None:
    """The first unsafe character of `text`, as `U+001B (ESCAPE)`, or None if there is none."""
    for match in _CANDIDATE.finditer(text):
        character = match.group()
        if not _unsafe(character) or (allow_line_breaks and character in "\t\n"):
            continue
        name = unicodedata.name(character, "") or _C0_NAMES.get(character, "a control character")
        return f"U+{ord(character):04X} ({name})"
    return None


_C0_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\r": "carriage return", "\n": "line feed", "\t": "tab"}


def escape(text: str) -> str:
    """`text` with every control and bidi character written out, for a terminal or a log."""
    return _CANDIDATE.sub(_escaped, text)


def markdown(text: str) -> str:
    """`text` for markdown: escaped as for a terminal, and unable to form a link, tag or emphasis."""
    return _MARKDOWN.sub(lambda m: "\\" + m.group(), escape(text))
