"""Template filters for the dashboards: money in 亿元/万元 with thousands separators, percentages."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shangdang_portal import roles
from shangdang_portal.units import unit_suffix

register = template.Library()

YI = Decimal(10000)  # 1 亿元 = 10,000 万元


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _grouped(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    # Trailing zeros add nothing for officials reading totals: 162.30 → 162.3, 5.00 → 5.
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def wan_yuan(value) -> str:
    """A money value stored in 万元, shown in 亿元 from 1 亿 upwards, otherwise in 万元."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    if abs(amount) >= YI:
        return _("%(amount)s 亿元") % {"amount": _grouped(amount / YI, 2)}
    return _("%(amount)s 万元") % {"amount": _grouped(amount, 2)}


@register.filter
def number(value, places: int = 2) -> str:
    """A plain number with thousands separators and at most `places` decimals."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return _grouped(amount, int(places))


@register.filter
def percent(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"{_grouped(amount, 1)}%"


@register.filter
def figure_value(figure) -> str:
    """A figure as normalised: money through wan_yuan, anything else with its unit."""
    if figure is None:
        return "—"
    if figure.unit == "万元":
        return wan_yuan(figure.value)
    return f"{number(figure.value)}{unit_suffix(figure.unit)}" if figure.unit != "%" else percent(figure.value)


@register.filter
def indicator_name(indicator) -> str:
    """An indicator's name in the interface language (the names are data, kept in both languages)."""
    if indicator is None:
        return ""
    return indicator.name_en if (get_language() or "").startswith("en") and indicator.name_en else indicator.name_zh


@register.filter
def in_unit(value, unit: str) -> str:
    """A roll-up value in its own unit: money through wan_yuan, a rate as a percentage, else number and unit."""
    if unit == "万元":
        return wan_yuan(value)
    if unit == "%":
        return percent(value)
    text = number(value)
    return text if text == "—" else f"{text}{unit_suffix(unit)}"


@register.filter
def signed_points(value) -> str:
    """A gap in percentage points with its sign, so ahead and behind read apart."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return _("%(points)s 个百分点") % {"points": f"{'+' if amount > 0 else ''}{_grouped(amount, 1)}"}


@register.filter
def has_role(user, name: str) -> bool:
    """`{% if user|has_role:"admin" %}`: the role rule of shangdang_portal.roles, for menus."""
    return roles.has_role(user, name)


@register.filter
def campaign_name(campaign_year) -> str:
    """A campaign year's name; the name the portal gives by default (2026年重大项目建设年) reads in the
    interface language, a name someone chose stays as written."""
    if campaign_year is None:
        return ""
    default = f"{campaign_year.year}年重大项目建设年"
    if campaign_year.name in ("", default):
        return _("%(year)s年重大项目建设年") % {"year": campaign_year.year}
    return campaign_year.name
