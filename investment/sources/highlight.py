"""Marks figures' quotes in a report's text, safely: the text is escaped, only our <mark> tags are added."""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def highlight_quotes(text: str, figures, *, prefix: str = "figure") -> SafeString:
    """The report text as HTML with each figure's quote inside a <mark id="figure-<id>"> (or, for the review
    queue's candidates, `prefix` "candidate": <mark id="candidate-<id>" data-candidates="…">).

    Overlapping quotes (several figures from one sentence) are merged into one mark, named after the
    first figure and listing all of them in data-figures; the later ones get an empty anchor
    <span id="figure-<id>"> at the start of that mark (keeping the quoted text in one piece), so
    every figure has a place to link to.
    """
    spans = sorted((f.quote_offset, f.quote_offset + len(f.quote), f.pk) for f in figures)
    merged: list[list] = []
    for start, end, pk in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append((start, pk))
        else:
            merged.append([start, end, [(start, pk)]])
    parts, cursor = [], 0
    for start, end, members in merged:
        parts.append(escape(text[cursor:start]))
        inner = [format_html('<span class="anchor" id="{}-{}"></span>', prefix, pk) for _, pk in members[1:]]
        inner.append(escape(text[start:end]))
        parts.append(
            format_html(
                '<mark id="{}-{}" class="quote" data-{}s="{}">{}</mark>',
                prefix,
                members[0][1],
                prefix,
                " ".join(str(pk) for _, pk in members),
                mark_safe("".join(str(p) for p in inner)),  # noqa: S308 - each piece above is escaped
            )
        )
        cursor = end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(str(p) for p in parts))


def quote_in_context(figure, around: int = 80) -> SafeString:
    """The figure's quote marked inside the text around it, for a one-line view of where it stands."""
    text, start = figure.source_report.text, figure.quote_offset
    end = start + len(figure.quote)
    return format_html(
        "…{}<mark>{}</mark>{}…", text[max(0, start - around) : start], text[start:end], text[end : end + around]
    )
