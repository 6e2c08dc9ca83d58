"""Photos for documents: pixels only, no metadata (EXIF, GPS position, camera, time)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from skm.errors import SkmInputError
from skm.io import atomic_write_bytes

MAX_SIDE = 1600


def clean_image(src: str | Path, dst: str | Path) -> None:
    """Re-encode `src` as a PNG without metadata, upright (EXIF orientation applied), bounded."""
    import io

    try:
        with Image.open(src) as im:
            im = ImageOps.exif_transpose(im)
            im = im.convert("RGB")
            im.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = Image.new("RGB", im.size)
            clean.paste(im)
    except Image.DecompressionBombError as exc:
        raise SkmInputError(
            f"gambar terlalu besar untuk dibuka dengan aman ({exc}); perkecil "
            "resolusinya (misalnya sisi terpanjang 4.000 piksel) lalu jalankan "
            "lagi",
            file=str(src),
        ) from None
    except (OSError, ValueError) as exc:
        raise SkmInputError(
            f"bukan gambar yang dapat dibaca ({exc}); ganti dengan foto JPEG "
            "atau PNG yang dapat dibuka, lalu jalankan lagi",
            file=str(src),
        ) from None
    buf = io.BytesIO()
    clean.save(buf, format="PNG", optimize=False)
    atomic_write_bytes(buf.getvalue(), dst)


# --------------------------------------------------------------------------- processed names


def processed_name(src: str | Path, digest: str | None = None) -> str:
    """The cleaned PNG's name for the raw photo `src`: distinct for names that differ only by
    extension ("kegiatan.jpg" -> "kegiatan-jpg.png", "kegiatan.png" -> "kegiatan-png.png"),
    and free of personal data: a name that holds any is replaced by the start of the photo's
    SHA-256 ("foto-3f2a9c01d4e5-jpg.png"; a hash of the name could be reversed by guessing
    the digits), read from `src` unless `digest` is given."""
    from skm.ingest.redact import file_digest, redact_name

    src = Path(src)
    ext = src.suffix.lstrip(".") or "img"
    if redact_name(src.name)[1]:
        digest = digest or file_digest(src) or "0" * 12
        return f"foto-{digest}-{ext}.png"
    stem = "".join(c if c.isalnum() or c in "._-" else "-" for c in src.stem) or "foto"
    return f"{stem}-{ext}.png"


def clean_photos(sources: list[str | Path], out_dir: str | Path) -> list[Path]:
    """Clean every photo into `out_dir` under its `processed_name`; two photos never share
    one (a clash, e.g. "Foto.JPG" and "foto.JPG" on a case-blind disk, is an error)."""
    from skm.ingest.redact import file_label

    out_dir = Path(out_dir)
    taken: dict[str, Path] = {}
    written = []
    for src in sorted(map(Path, sources), key=lambda p: p.name):
        name = processed_name(src)
        if name.casefold() in taken:
            raise SkmInputError(
                f"dua foto mendapat nama olahan yang sama ({name}): "
                f"{file_label(taken[name.casefold()].name)} dan {file_label(src.name)}; ganti "
                "nama salah satunya lalu jalankan lagi",
                file=str(src),
            )
        taken[name.casefold()] = src
        clean_image(src, out_dir / name)
        written.append(out_dir / name)
    return written


def photo_entry(foto_dir: str | Path, raw: str | Path) -> tuple[Path, str]:
    """(cleaned photo, the name documents show) of the raw photo `raw`: its name as given,
    or redacted with the start of its SHA-256 (`skm.ingest.redact.file_label`)."""
    from skm.ingest.redact import file_digest, file_label, redact_name

    raw = Path(raw)
    digest = file_digest(raw) if redact_name(raw.name)[1] else None
    return Path(foto_dir) / processed_name(raw, digest), file_label(raw.name, digest)
