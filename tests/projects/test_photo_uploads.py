"""Progress photos from an attacker's and a clumsy client's side: the stored file's name and type come from
the decoded picture, never from the upload; photos are served by the portal behind the report's permission;
a decompression bomb is a field error, not a 500."""

import io
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from projects.models import ProgressPhoto
from projects.progress import photos, services
from shangdang_portal import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def picture(kind: str, size=(8, 8), colour="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid PNG of one colour, width × height pixels, that compresses to a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])  # 1-bit grey
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.fixture
def report(project, staff_user, months):
    return services.progress_report_create(
        project=project, period=months[0], actor=staff_user, investment_completed=Decimal("1")
    )


def form_data(**extra):
    base = {"investment_completed": "1", "physical_progress": "0", "workers_on_site": "0", "version": ""}
    return base | extra


def post_form(client, project, photo, **extra):
    return client.post(reverse("progress:report-form", args=[project.pk]), form_data(photo=photo, **extra))


def stored_file(photo: ProgressPhoto, media: Path) -> Path:
    return media / photo.image.name


def test_a_png_with_html_appended_named_html_is_stored_and_served_as_a_plain_png(client, project, staff_user, media):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("x.html", picture("PNG") + SCRIPT, content_type="text/html")
    response = post_form(client, project, upload)
    assert response.status_code == 302, response.content.decode()[:2000]

    photo = ProgressPhoto.objects.get()
    assert photo.image.name.endswith(".png") and ".html" not in photo.image.name
    on_disk = stored_file(photo, media).read_bytes()
    assert SCRIPT not in on_disk
    assert Image.open(io.BytesIO(on_disk)).format == "PNG"

    served = client.get(reverse("progress:photo", args=[photo.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline;") and ".png" in served["Content-Disposition"]
    assert SCRIPT not in b"".join(served.streaming_content)


def test_a_jpeg_named_svg_is_stored_and_served_as_a_jpeg(project, staff_user, report, media):
    api = APIClient()
    api.force_authenticate(staff_user)
    upload = SimpleUploadedFile("x.svg", picture("JPEG"), content_type="image/svg+xml")
    response = api.post(reverse("api:progress-report-photos", args=[report.pk]), {"image": upload}, format="multipart")
    assert response.status_code == 201, response.content
    photo = ProgressPhoto.objects.get()
    assert photo.image.name.endswith(".jpg")
    # The API links the picture through its own route, never a /media/ path.
    url = response.json()["image"]
    assert "/media/" not in url and url.endswith(reverse("api:progress-report-photo", args=[report.pk, photo.pk]))
    served = api.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "svg" not in served["Content-Disposition"]


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format_keeps_its_own_extension(report, staff_user, kind):
    photo = services.progress_photo_add(
        report=report, file=SimpleUploadedFile("upload.bin", picture(kind)), actor=staff_user
    )
    assert photo.image.name.endswith("." + photos.PHOTO_FORMATS[kind][0])


@pytest.mark.parametrize(
    "name, content",
    [
        ("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("x.html", SCRIPT),
        ("x.png", picture("PNG")[:40]),
        ("x.png", b""),
    ],
)
def test_anything_but_a_whole_jpeg_png_or_webp_is_a_field_error_on_the_form(client, project, staff_user, name, content):
    client.force_login(staff_user)
    response = post_form(client, project, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert response.context["form"].errors.get("photo")
    assert not ProgressPhoto.objects.exists()


def test_a_decompression_bomb_is_a_clear_field_error_on_the_form_and_the_api(client, project, staff_user, report):
    bomb = png_bomb()
    assert len(bomb) < 200_000
    client.force_login(staff_user)
    response = post_form(
        client, project, SimpleUploadedFile("bomb.png", bomb), version=str(report.version), narrative="照片"
    )
    assert response.status_code == 400
    assert "像素" in " ".join(response.context["form"].errors["photo"])

    api = APIClient()
    api.force_authenticate(staff_user)
    response = api.post(
        reverse("api:progress-report-photos", args=[report.pk]),
        {"image": SimpleUploadedFile("bomb.png", bomb)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "像素" in response.json()["error"]["fields"]["image"][0]
    assert not ProgressPhoto.objects.exists()


def test_a_picture_over_the_pixel_limit_below_pillows_own_is_refused_too(report, staff_user):
    # 8,000 × 8,000 is 64 megapixels: under Pillow's default guard, over the portal's.
    with pytest.raises(Exception) as err:
        services.progress_photo_add(
            report=report, file=SimpleUploadedFile("big.png", png_bomb(8_000, 8_000)), actor=staff_user
        )
    assert "8000×8000" in err.value.message_dict["image"][0]


def test_photos_are_served_behind_the_reports_permission(client, report, staff_user, outsider, reviewer):
    photo = services.progress_photo_add(
        report=report, file=SimpleUploadedFile("a.png", picture("PNG")), actor=staff_user
    )
    url = reverse("progress:photo", args=[photo.pk])
    missing = reverse("progress:photo", args=[photo.pk + 1000])
    api_url = reverse("api:progress-report-photo", args=[report.pk, photo.pk])

    for who, expected in [(staff_user, 200), (reviewer, 200), (outsider, 404)]:
        client.force_login(who)
        assert client.get(url).status_code == expected, who
        assert client.get(missing).status_code == 404
        api = APIClient()
        api.force_authenticate(who)
        assert api.get(api_url).status_code == expected, who

    official = UserFactory(username="official-photo", role=roles.OFFICIAL)
    client.force_login(official)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert APIClient().get(api_url).status_code in (401, 403)


def test_media_is_never_served_as_it_lies(client, report, staff_user, settings):
    settings.DEBUG = True
    photo = services.progress_photo_add(
        report=report, file=SimpleUploadedFile("a.png", picture("PNG")), actor=staff_user
    )
    client.force_login(staff_user)
    assert client.get(settings.MEDIA_URL + photo.image.name).status_code == 404
    page = client.get(reverse("progress:report", args=[report.pk]))
    assert reverse("progress:photo", args=[photo.pk]).encode() in page.content


def test_a_web_server_can_send_the_file_through_x_accel_redirect(client, report, staff_user, settings):
    settings.PHOTO_ACCEL_REDIRECT = "/protected-media/"
    photo = services.progress_photo_add(
        report=report, file=SimpleUploadedFile("a.png", picture("PNG")), actor=staff_user
    )
    client.force_login(staff_user)
    response = client.get(reverse("progress:photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + photo.image.name
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b""


def test_a_file_stored_before_the_check_with_another_extension_is_sent_as_an_attachment(
    client, report, staff_user, media
):
    photo = services.progress_photo_add(
        report=report, file=SimpleUploadedFile("a.png", picture("PNG")), actor=staff_user
    )
    legacy = Path(photo.image.name).with_suffix(".html").as_posix()
    (media / legacy).write_bytes(SCRIPT)
    ProgressPhoto.objects.filter(pk=photo.pk).update(image=legacy)
    client.force_login(staff_user)
    response = client.get(reverse("progress:photo", args=[photo.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
