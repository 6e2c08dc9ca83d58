"""Front matter (title and cover lines) of a unit-year's documents."""

from __future__ import annotations

from skm import numfmt as nf


def cover_metadata(settings: dict, title: str, tl: dict | None = None) -> dict:
    """Front matter of one unit-year's document: title, cover lines, optional logo.

    With `tl` (tindak_lanjut.json) it is the realisation report's cover: the period runs from
    the first to the last realisation date, and the year line names the survey it follows."""
    period = settings["period"]
    cover = {
        "agency": settings.get("parent") or "",
        "unit": settings["name"],
        "period": "Periode " + nf.periode(period["start"], period["end"]),
        "year": f"Tahun {settings['year']}",
    }
    if tl is not None:
        cover["period"] = (
            f"Periode realisasi {nf.periode(*tl['period'])}"
            if tl.get("period")
            else "Periode realisasi: tanggal pelaksanaan belum diisi"
        )
        cover["year"] = f"Tindak lanjut hasil SKM tahun {settings['year']}"
    if settings.get("logo"):
        from skm.ingest.settings import logo_file

        cover["logo"] = str(logo_file(settings))  # checked: an image inside the unit folder
    return {"title": title, "cover": {k: v for k, v in cover.items() if v}}
