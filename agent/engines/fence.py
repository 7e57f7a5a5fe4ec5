"""Text we did not write cannot open or close the elements that fence it in a prompt.

<complaint>, <customer>, <skeleton>, <facts>, <problem> and <chain> hold customer or reviewer text;
a closing tag inside that text is neutralised (its "<" becomes "‹"), even when written with
look-alikes: fullwidth ＜/complaint＞, zero-width characters inside the tag, Cyrillic letters.
"""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"<(\s*/?\s*(?:complaint|customer|skeleton|facts|problem|chain))", re.IGNORECASE)
# Characters a model may read as "<", and letters that pass for Latin ones ("</сomplaint>" in Cyrillic).
_LOOKALIKE = {"\u2329": "<", "\u3008": "<", "\u27e8": "<", "\u02c2": "<", "\u1438": "<", "\u276e": "<", "\u2039": "<",
              "\u0430": "a", "\u0441": "c", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0456": "i", "\u0131": "i",
              "\u04cf": "l", "\u0455": "s", "\u03bf": "o", "\u0391": "A", "\u039f": "O", "\u0421": "C", "\u041e": "O"}


def neutralise(text: str) -> str:
    """The text with every fencing tag in it neutralised, look-alikes included."""
    folded, origin = [], []
    for i, ch in enumerate(text):
        if ch.isascii():
            folded.append(ch)
            origin.append(i)
        elif unicodedata.category(ch) != "Cf":  # zero-width and other invisible format characters vanish
            for c in _LOOKALIKE.get(ch) or unicodedata.normalize("NFKC", ch):
                folded.append(c)
                origin.append(i)
    flat = "".join(folded)
    out, at = [], 0
    for m in _TAG.finditer(flat):
        start, end = origin[m.start()], origin[m.end() - 1] + 1
        if start < at:  # a look-alike that expands to several characters already handled
            continue
        out.append(text[at:start] + "‹" + m.group(1))
        at = end
    return "".join(out) + text[at:] if out else text


def fenced(text) -> str:
    """Any value that goes inside a fence: a name, a reviewer's answer."""
    return neutralise(str(text))
