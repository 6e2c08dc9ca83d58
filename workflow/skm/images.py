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
        raise SkmInputError(f"gambar terlalu besar untuk dibuka dengan aman ({exc}); perkecil "
                            "resolusinya (misalnya sisi terpanjang 4.000 piksel) lalu jalankan "
                            "lagi", file=str(src)) from None
    except (OSError, ValueError) as exc:
        raise SkmInputError(f"bukan gambar yang dapat dibaca ({exc}); ganti dengan foto JPEG "
                            "atau PNG yang dapat dibuka, lalu jalankan lagi",
                            file=str(src)) from None
    buf = io.BytesIO()
    clean.save(buf, format="PNG", optimize=False)
    atomic_write_bytes(buf.getvalue(), dst)
