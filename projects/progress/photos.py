"""What a progress photo is allowed to be, and how it is given back.

An upload is trusted for nothing: its name and declared type are ignored, the bytes are decoded by Pillow
and must be a JPEG, PNG or WebP picture of sensible dimensions; what is stored is the picture re-encoded
by the portal under a name and extension the portal chooses, so a PNG with HTML appended or a JPEG named
`.svg` is stored as the plain image it also is. Photos are served only through the portal's views, with
the image's content type, `nosniff` and a `Content-Disposition`, behind the permission of the report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# A phone's largest pictures are about 50 megapixels (8160 × 6120); anything far beyond is not a site photo
# but a decompression bomb (a tiny PNG of 30000 × 30000 pixels would take gigabytes once decoded).
MAX_PHOTO_PIXELS = 60_000_000
# Pillow format name → (extension, content type). The one list of what a photo may be.
PHOTO_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {extension: content_type for extension, content_type in PHOTO_FORMATS.values()}
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 36867


@dataclasses.dataclass
class CheckedPhoto:
    """A decoded, re-encoded picture ready to store."""

    content: bytes
    extension: str
    captured_at: dt.datetime | None


def _captured_at(image: Image.Image) -> dt.datetime | None:
    raw = image.getexif().get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL)
    if not raw:
        return None
    try:
        naive = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # EXIF carries local camera time without a zone; the cameras are on site, in China.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _refuse(message: str) -> ValidationError:
    return ValidationError({"image": message})


def check_photo(data: bytes) -> CheckedPhoto:
    """The upload as a picture the portal will store, or ValidationError under "image" saying why not."""
    if len(data) > MAX_PHOTO_BYTES:
        raise _refuse(_("照片不能超过 5 MB。"))
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; a warning here is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in PHOTO_FORMATS:
                    raise _refuse(_("只接受 JPEG、PNG 或 WebP 图片。"))
                if width * height > MAX_PHOTO_PIXELS:
                    raise _too_many_pixels(width, height)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                captured_at = _captured_at(image)
                # Turned as the camera meant, since re-encoding drops the EXIF orientation with the rest.
                upright = ImageOps.exif_transpose(image)
                content = _encode(upright, kind)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(None, None) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _refuse(_("文件不是有效的图片。")) from None
    return CheckedPhoto(content=content, extension=PHOTO_FORMATS[kind][0], captured_at=captured_at)


def _too_many_pixels(width: int | None, height: int | None) -> ValidationError:
    limit = MAX_PHOTO_PIXELS // 1_000_000
    if width is None:
        return _refuse(_("图片像素过多(上限 %(limit)s 百万像素)。") % {"limit": limit})
    return _refuse(
        _("图片像素过多：%(width)s×%(height)s，上限 %(limit)s 百万像素。")
        % {"width": width, "height": height, "limit": limit}
    )


def _encode(image: Image.Image, kind: str) -> bytes:
    """The picture written afresh: only pixels survive, not trailing bytes, comments or metadata."""
    buffer = io.BytesIO()
    if kind == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=90)
    elif kind == "PNG":
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "WEBP", quality=90)
    return buffer.getvalue()


def photo_response(photo) -> HttpResponse:
    """The stored picture with headers that make a browser show it as an image and nothing else. With
    PHOTO_ACCEL_REDIRECT set, the web server in front sends the file (X-Accel-Redirect) instead of Django."""
    name = photo.image.name
    extension = PurePosixPath(name).suffix.lstrip(".").lower()
    # Files stored before the portal chose the extension may carry any; they are sent as plain bytes.
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    disposition = "inline" if extension in CONTENT_TYPES else "attachment"
    filename = f"photo-{photo.pk}.{extension or 'bin'}"
    prefix = getattr(settings, "PHOTO_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name
    else:
        try:
            response = FileResponse(photo.image.open("rb"), content_type=content_type)
        except FileNotFoundError:
            raise Http404 from None
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Photos are behind a permission: caches in between must not hand them to someone else.
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
