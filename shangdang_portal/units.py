"""The units figures and roll-ups are kept in, as the interface names them: one place, so an English page
reads "4" or "35,980,000 t" where the Chinese one reads "4个" and "35,980,000吨"."""

from django.utils.translation import get_language

# Chinese measure words and units, as printed in the reports, with the English the interface uses (kept here
# rather than in the catalogue: they are suffixes, spaces included, not sentences to translate). A measure
# word that only counts (个, 家, 项 …) has no English: the number stands alone. Units that are already symbols
# (m², km², %) read the same in both languages and are not listed.
UNITS = {
    "个": "",
    "家": "",
    "宗": "",
    "项": "",
    "件": "",
    "座": "",
    "套": "",
    "张": "",
    "所": "",
    "条": "",
    "栋": "",
    "根": "",
    "片": "",
    "场": "",
    "次": "",
    "户": " households",
    "人": " people",
    "名": " people",
    "人次": " visits",
    "吨": " t",
    "亩": " mu",
    "公里": " km",
    "米": " m",
    "千瓦": " kW",
    "千瓦时": " kWh",
    "天": " days",
    "百分点": " points",
}


def unit_suffix(unit: str) -> str:
    """What follows a number in `unit` in the interface language: the unit itself in Chinese."""
    if not (get_language() or "").startswith("en"):
        return unit
    return UNITS.get(unit, unit)
