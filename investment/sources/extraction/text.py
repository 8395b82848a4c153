"""The text the extractor matches against: simplified, half-width, without spaces, mapped back to the original.

Reports come with traditional characters, full-width digits and spaces inside figures ("1077 万平米",
"１．３万吨"). Matching runs on a normalised copy; `NormalisedText.span()` turns a match back into the
offsets of the original, so every quote is the stored text exactly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import opencc

# Horizontal spaces are dropped: they only ever split a figure from its unit or its digits.
_SPACES = {" ", "\t", "\u3000", "\xa0", "\u2002", "\u2003", "\u2009", "\u202f"}
# Full-width ASCII (！ to ～) is U+FF01..U+FF5E, 0xFEE0 above its half-width twin.
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
# Chinese punctuation keeps its meaning for clauses, so only these full-width forms become ASCII.
_KEEP = set("，。；：？！（）【】、“”‘’")


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified, one character for one, so offsets still line up."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase that changed length: convert character by character instead (rare; loses phrase context).
    return "".join(c if len(s := _converter().convert(c)) != 1 else s for c in text)


@dataclass(frozen=True)
class NormalisedText:
    original: str
    text: str  # simplified, half-width digits and signs, no horizontal spaces
    index: tuple[int, ...]  # index[i] = offset in `original` of text[i]; one extra entry for the end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original of the normalised slice text[start:end]."""
        if end <= start:
            return self.index[start], self.index[start]
        return self.index[start], self.index[end - 1] + 1

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def normalise(original: str) -> NormalisedText:
    simplified = to_simplified(original)
    chars, index = [], []
    for i, c in enumerate(simplified):
        if c in _SPACES:
            continue
        if c in _FULLWIDTH and c not in _KEEP:
            c = _FULLWIDTH[c]
        chars.append(c)
        index.append(i)
    index.append(len(original))
    return NormalisedText(original, "".join(chars), tuple(index))
