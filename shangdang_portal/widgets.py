"""Form widgets the pages share: the autocomplete that stands in for a select of thousands of rows."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _


class Autocomplete(forms.TextInput):
    """One row of a large table (companies, projects) chosen by typing part of its name.

    The form still sends the row's id under the field's own name (`company=<id>`), so the URL, the
    FilterSet and the API read it as before. The page renders a plain id field and, when a value is set,
    the chosen row's name (one indexed lookup, never the whole table); static/js/autocomplete.js then
    turns it into a combobox that asks `source` (an API list with `q=`) for the rows matching what is
    typed. Without JavaScript the id field still works."""

    def __init__(self, *, source: str, attrs: dict | None = None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})
        self.source = source  # a URL name, reversed at render time so the widget can be built at import

    def chosen_label(self, value) -> str:
        """The name of the row whose id is `value`, looked up in the field's own queryset ('' if none)."""
        choices = getattr(self, "choices", None)
        queryset = getattr(choices, "queryset", None)
        text = str(value or "").strip()
        if queryset is None or not (text.isascii() and text.isdigit()):
            return ""
        row = queryset.filter(pk=int(text)).first()
        return choices.field.label_from_instance(row) if row is not None else ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "placeholder": _("编号")}
        field = super().render(name, value, attrs, renderer)
        label = self.chosen_label(value)
        field_id = attrs.get("id") or f"id_{name}"
        return format_html(
            '<span class="autocomplete" data-autocomplete="{source}" data-chosen-label="{label}"'
            ' data-text-none="{none}" data-text-count="{count}" data-text-hint="{hint}">{field}{chosen}</span>',
            source=reverse(self.source),
            label=label,
            none=_("没有匹配的结果"),
            count=_("%(count)s 个结果，用上下键选择，回车确定"),
            hint=_("输入名称中的文字"),
            field=field,
            chosen=format_html('<small class="autocomplete-chosen" id="{}_chosen">{}</small>', field_id, label)
            if label
            else "",
        )
