"""Personal data: phone numbers, e-mail addresses and NIK in free-text suggestions are
redacted; photos lose their metadata (EXIF, GPS position, camera) before any document."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, PngImagePlugin

from skm.errors import SkmInputError
from skm.ingest.images import clean_image
from skm.ingest.redact import PLACEHOLDER, redact, redact_series


@pytest.mark.parametrize(
    "text",
    [
        "hubungi 081234567890 ya",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.789",
        "WA +62 812-3456-7890",
        "+6281234567890",
        "(+62) 812 3456 7890",
        "62 812 3456 789",
        "wa.me/6281234567890",
        "telp (0541) 123456",
        "(0541)123456",
        "021-1234567",
        "021 123 4567",
        "0541.123.456",
        "kantor 0211234567",
        "+62 541 123456",
        "email budi.santoso@gmail.com",
        "BUDI_S+skm@Kaltim.Go.Id",
        "NIK 6472051234560001",
        "NIK 6472 0512 3456 0001",
        "nik 6472.0512.3456.0001",
        "6472-0512-3456-0001",
        # as typed on a phone or autocorrected by a word processor
        "0812  3456  7890",
        "WA 0812 - 3456 - 7890",
        "hp 0812–3456–7890",
        "hp 0812 — 3456 — 7890",
        "+62-812-3456-7890",
        "+62 (812) 3456-7890",
        "62-812-3456-7890",
        "08 12 34 56 78 90",
        "(0812) 3456 7890",
        "HP: 0812 345 6789",
        "Telp.0541-765432",
        "(0541) 7654321",
        "(0541)-7654321",
        "telp 0541 - 765432",
        "(021) 5551234",
        "+62 (541) 765432",
        "NIK: 64.72.05.120890.0001",
        "NIK 6472 05 120890 0001",
        "64 72 05 12 08 90 00 01",
        "e-mail budi_s@dinas-kominfo.kaltimprov.go.id",
        "surel: x.y+z@yahoo.co.id",
        "kirim ke budi @ gmail.com",
        "budi[at]gmail.com",
        "BUDI (AT) GMAIL (DOT) CO (DOT) ID",
    ],
)
def test_personal_data_is_replaced(text: str) -> None:
    out, count = redact(text)
    assert count == 1
    assert PLACEHOLDER in out
    assert not re.search(r"\d{3}", out)
    assert "@" not in out


@pytest.mark.parametrize(
    "text",
    [
        "antrian tahun 2023 ke 2024",
        "tanggal 01-02-2023",
        "tanggal 05/02/2023 pukul 09.30",
        "jam 09.30-12.00",
        "nomor antrian 123",
        "biaya Rp 50.000 terlalu mahal",
        "ruang 3, lantai 2",
        "skor 62 8 orang",
        "lapor.go.id agar disosialisasikan",
        "Pelayanan sudah baik, pertahankan",
        "jam 09.30 - 12.00",
        "pukul 08.00 - 16.00 WITA, Senin-Jumat 08.00-15.30",
        "antrian 2023 - 2024",
        "Rp 50.000 - Rp 100.000",
        "nomor 12 - 15 - 20",
        "IKM 85,20 - 88,31",
        "loket 1 2 3 4 5",
        "saya @ kantor",
        "",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == (text, 0)


def test_counts_every_replacement() -> None:
    out, count = redact("0812-3456-7890 atau 0813 1111 2222, email a@b.co, NIK 6472051234560001")
    assert count == 4
    assert out == f"{PLACEHOLDER} atau {PLACEHOLDER}, email {PLACEHOLDER}, NIK {PLACEHOLDER}"


def test_series_keeps_missing_and_counts_per_cell() -> None:
    series = pd.Series(
        ["bagus", None, "hub 0812 3456 7890", "hub 0812 3456 7890", "x@y.co.id"], dtype="str"
    )
    out, total = redact_series(series)
    assert total == 3
    assert out.isna().tolist() == [False, True, False, False, False]
    assert out.tolist()[0] == "bagus"
    assert out.tolist()[2] == f"hub {PLACEHOLDER}"
    assert out.tolist()[4] == PLACEHOLDER


def test_series_without_candidates_is_untouched() -> None:
    series = pd.Series(["a", "b", None], dtype="str")
    out, total = redact_series(series)
    assert total == 0
    assert out.equals(series)


@settings(max_examples=50, deadline=None)
@given(
    prefix=st.sampled_from(["08", "+62 8", "62 8", "+628"]),
    digits=st.text(alphabet="0123456789", min_size=8, max_size=10),
    sep=st.sampled_from(["", " ", "-", "."]),
    before=st.text(alphabet="abc ,.", max_size=10),
)
def test_any_mobile_number_disappears(prefix: str, digits: str, sep: str, before: str) -> None:
    grouped = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    number = f"{prefix}{grouped}"
    out, count = redact(f"{before} {number} terima kasih")
    assert count >= 1
    assert digits[-4:] not in out


def test_a_realistic_suggestion_keeps_its_words() -> None:
    text = (
        "Mohon dihubungi ke WA 0812 - 3456 - 7890 a.n. Budi (NIK 6472.0512.0890.0001), "
        "atau surel budi.s @ gmail.com; kantor (0541) 765432 tutup jam 15.30."
    )
    out, count = redact(text)
    assert count == 5  # the name after "a.n." is a cued name
    assert out == (
        f"Mohon dihubungi ke WA {PLACEHOLDER} a.n. {PLACEHOLDER} (NIK {PLACEHOLDER}), atau "
        f"surel {PLACEHOLDER}; kantor {PLACEHOLDER} tutup jam 15.30."
    )


# --------------------------------------------------------------------------- photos

CAMERA = "KameraRahasia-X9"


def _photo_with_metadata(path, fmt: str) -> None:
    """A 40 x 20 photo (red block top left) with camera, time, GPS position and orientation 6
    (the camera was turned: the picture must be rotated 90 degrees clockwise to be upright)."""
    image = Image.new("RGB", (40, 20), "white")
    image.paste((255, 0, 0), (0, 0, 10, 5))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Model] = "Model Rahasia"
    exif[ExifTags.Base.DateTime] = "2023:02:13 09:14:31"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (0.0, 30.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (117.0, 9.0, 1.25),
    }
    if fmt == "jpeg":
        image.save(path, "JPEG", exif=exif, quality=95)
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", f"{CAMERA} -0.5033, 117.1503")
        image.save(path, "PNG", exif=exif, pnginfo=info)
    back = Image.open(path)  # the metadata really is there before cleaning
    assert back.getexif()[ExifTags.Base.Make] == CAMERA
    assert back.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "S"


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_photo_loses_metadata_and_is_upright(tmp_path, fmt: str) -> None:
    src, dst = tmp_path / f"bukti.{fmt[:3]}", tmp_path / "out" / "bukti.png"
    _photo_with_metadata(src, fmt)
    clean_image(src, dst)
    data = dst.read_bytes()
    for marker in (
        b"Exif",
        b"eXIf",
        b"tEXt",
        b"iTXt",
        b"zTXt",
        b"XML:com.adobe.xmp",
        CAMERA.encode(),
        b"Rahasia",
        b"2023:02:13",
        b"117",
    ):
        assert marker not in data, marker
    with Image.open(dst) as out:
        assert out.format == "PNG"
        assert dict(out.getexif()) == {}
        assert out.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert set(out.info) <= {"dpi", "gamma"}, out.info
        assert out.size == (20, 40)  # orientation applied: portrait now
        red = [(x, y) for x in range(20) for y in range(40) if out.getpixel((x, y))[1] < 100]
        # the red block, top left before the turn, is top right after it (JPEG blurs edges)
        assert {x for x, _ in red} >= set(range(16, 19)) and max(y for _, y in red) <= 11
        assert min(x for x, _ in red) >= 14


def test_unreadable_photo_is_a_clear_input_error(tmp_path) -> None:
    src = tmp_path / "bukti.jpg"
    src.write_bytes(b"\xff\xd8\xff bukan foto")
    with pytest.raises(SkmInputError) as info:
        clean_image(src, tmp_path / "bukti.png")
    assert "bukti.jpg" in str(info.value) and "JPEG atau PNG" in str(info.value)
    assert not (tmp_path / "bukti.png").exists()
