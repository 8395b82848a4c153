"""Text as the portal stores it: no C0 control characters but line feed and tab, and a bound on long text.

Every text a user, a sheet or a client sends ends in a model's CharField, TextField or a JSON list of
names; a pasted \\x0b or \\x1b in one of them later breaks XLSX exports, XML and terminals. Rather than ask
each form, serializer, sheet reader and service to remember, `strip_control_characters` runs before any
model is saved (connected in ShangdangPortalConfig.ready), so it holds for the admin, the pages, the API
and the imports alike. Writes that bypass save() (queryset.update, bulk_create) carry computed or
reviewed data only.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _

# C0 controls and DEL, but not \t (0x09) and \n (0x0a). A \r\n from a browser's textarea becomes \n.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# The most a long text (a narrative, a description, a note) holds: several pages of a monthly report.
LONG_TEXT_MAX_LENGTH = 10_000


def clean_text(value):
    """`value` without C0 control characters other than \\n and \\t; anything not a string is returned as is."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        return CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n"))
    return value


def long_text_validators() -> list:
    """The validators of a long text field: full_clean(), model forms and serializers all apply them."""
    return [MaxLengthValidator(LONG_TEXT_MAX_LENGTH)]


def strip_control_characters(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: clean every text field of the row about to be written (and the strings of JSON lists)."""
    if raw:
        return  # loaddata writes fixtures as they are
    emptied = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            cleaned = clean_text(value)
            if cleaned is not value:
                setattr(instance, field.attname, cleaned)
                if not field.blank and not cleaned.strip():
                    emptied[field.name] = _("只有控制字符，没有内容。")
        elif isinstance(field, models.JSONField):
            value = getattr(instance, field.attname)
            if isinstance(value, list) and any(isinstance(item, str) for item in value):
                setattr(instance, field.attname, [clean_text(item) for item in value])
    if emptied:
        # A required text that was nothing but control characters is as missing as an empty one.
        raise ValidationError(emptied)
