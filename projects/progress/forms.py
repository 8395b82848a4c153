"""Forms of the staff progress pages: the monthly report (with its version) and the reviewer's note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shangdang_portal.text import LONG_TEXT_MAX_LENGTH

from ..models import ProgressReport


class ProgressReportForm(forms.ModelForm):
    # The version the form was rendered from; a save based on an older one is refused, not merged.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    photo = forms.FileField(label=_("形象进度照片"), required=False, help_text=_("JPEG、PNG 或 WebP，不超过 5 MB"))
    photo_caption = forms.CharField(label=_("照片说明"), max_length=200, required=False)
    issue = forms.CharField(
        label=_("需协调解决的问题"),
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    class Meta:
        model = ProgressReport
        fields = ProgressReport.EDITABLE_FIELDS
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
        }

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReturnForm(forms.Form):
    review_note = forms.CharField(
        label=_("审核意见"), max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
