"""Whether a point in decimal degrees is plausible for the portal: inside China and not swapped. One rule for
the ledger's 经度/纬度 columns, the project file's location form and a park's point."""

from decimal import Decimal

from django.utils.translation import gettext as _

# China's mainland and islands fit in this box; a point outside it is a typo or the wrong column.
CHINA_LONGITUDE = (Decimal(73), Decimal(136))
CHINA_LATITUDE = (Decimal(3), Decimal(54))


def check_coordinates(longitude: Decimal | None, latitude: Decimal | None) -> tuple[tuple[str, ...], str] | None:
    """Which coordinates are wrong and why, as (keys, message), both keys when swapped; None when fine or absent."""

    def inside(number, bounds):
        return number is not None and bounds[0] <= number <= bounds[1]

    if inside(latitude, CHINA_LONGITUDE) and inside(longitude, CHINA_LATITUDE):
        return (
            "longitude",
            "latitude",
        ), _("经度和纬度填反了")
    if longitude is not None and not -180 <= longitude <= 180:
        return ("longitude",), _("经度应在-180到180之间")
    if latitude is not None and not -90 <= latitude <= 90:
        return ("latitude",), _("纬度应在-90到90之间")
    if longitude is not None and not inside(longitude, CHINA_LONGITUDE):
        return ("longitude",), _("经纬度不在中国境内")
    if latitude is not None and not inside(latitude, CHINA_LATITUDE):
        return ("latitude",), _("经纬度不在中国境内")
    return None
