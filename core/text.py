"""Invisible characters out of stored text (issue 5, item 9).

A name made only of zero-width spaces, control characters or right-to-left overrides looks empty
(or reversed: "\u202egnp.exe" shows as "exe.png") yet was accepted. Every text field of a Kedao
form or serializer passes through `clean_text()` before its own validation, so the required and
length checks see what a reader sees.
"""

import unicodedata

# Kept in multi-line text: line breaks and tabs.
MULTILINE_KEEP = {"\n", "\t"}


def clean_text(value, multiline=False):
    """`value` without control characters (Unicode Cc: NUL, ESC…; line breaks and tabs kept when
    `multiline`) and format characters (Cf: zero-width spaces and joiners, bidi marks and
    overrides, soft hyphens, byte-order marks) or lone surrogates; line and paragraph separators
    become line breaks."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc":
            if multiline and char in MULTILINE_KEEP:
                kept.append(char)
            elif char in ("\n", "\t", "\r", "\x85"):
                kept.append(" ")  # a line break in a one-line field separates words
        elif category == "Cf":
            # U+200D after an emoji joins a family or a profession emoji: kept; elsewhere invisible.
            if char == "\u200d" and kept and unicodedata.category(kept[-1]) == "So":
                kept.append(char)
        elif category == "Cs":
            pass  # a lone surrogate (only JSON can carry one) cannot even be stored as UTF-8
        else:
            kept.append(char)
    return "".join(kept)
