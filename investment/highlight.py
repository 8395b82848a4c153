"""Marks figures' quotes in a report's text, safely: the text is escaped, only our <mark> tags are added."""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def highlight_quotes(text: str, figures) -> SafeString:
    """The report text as HTML with each figure's quote inside a <mark id="figure-<id>">.

    Overlapping quotes (several figures from one sentence) are merged into one mark, named after the
    first figure and listing all of them in data-figures, so every figure has a place to link to.
    """
    spans = sorted((f.quote_offset, f.quote_offset + len(f.quote), f.pk) for f in figures)
    merged: list[list] = []
    for start, end, pk in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append(pk)
        else:
            merged.append([start, end, [pk]])
    parts, cursor = [], 0
    for start, end, pks in merged:
        parts.append(escape(text[cursor:start]))
        parts.append(
            format_html(
                '<mark id="figure-{}" class="quote" data-figures="{}">{}</mark>',
                pks[0],
                " ".join(str(pk) for pk in pks),
                text[start:end],
            )
        )
        cursor = end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(str(p) for p in parts))
