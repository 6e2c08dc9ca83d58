"""The ``skm`` command: publish a unit-year's documents to its archive, and verify an archive.

    skm publish <unit> <year>              copy documents + manifest to arsip/v<N>/ (read-only)
    skm publish --ttd FILE <unit> <year>   add a signed PDF as a new version
    skm verify <unit> <year> [--version vN]
    skm check <unit> <year>                read the exports only, print what was read
    skm init <export> [--unit NAME]        draft data/raw/<unit>/unit.yaml from an export

Run from the project folder (the one with the Snakefile), or give ``--root``.
Exit status: 0 done / "cocok", 1 verification found differences, 2 cannot proceed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skm.audit.manifest import AuditError
from skm.audit.publish import publish
from skm.audit.verify import format_report, verify


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skm", description="Jejak audit laporan SKM: terbitkan ke arsip dan periksa ulang."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("unit", help="nama folder unit di data/raw/")
    common.add_argument("year", type=int, help="tahun survei, mis. 2023")
    common.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="folder proyek (berisi Snakefile); bawaan: folder kerja",
    )

    pub = sub.add_parser(
        "publish",
        parents=[common],
        help="terbitkan dokumen dan manifest ke arsip/v<N>/",
        description="Salin dokumen dan manifest.json ke reports/<unit>/<tahun>/arsip/v<N>/ "
        "sebagai berkas hanya-baca. Tanpa perubahan, tidak ada versi baru.",
    )
    pub.add_argument(
        "--ttd",
        metavar="FILE",
        type=Path,
        help="PDF bertanda tangan (pindaian atau tanda tangan elektronik): "
        "disimpan bersama dokumen versi terbaru sebagai versi baru",
    )

    ver = sub.add_parser(
        "verify",
        parents=[common],
        help="jalankan ulang dari data mentah dan bandingkan",
        description="Jalankan ulang pipeline dari data mentah di folder sementara dan "
        "bandingkan dengan manifest versi arsip.",
    )
    ver.add_argument(
        "--version",
        dest="versi",
        metavar="vN",
        help="versi arsip yang diperiksa; bawaan: versi terbaru",
    )
    ver.add_argument("--cores", type=int, help="jumlah inti untuk snakemake; bawaan: semua")
    ver.add_argument(
        "--simpan", action="store_true", help="simpan folder hasil jalankan ulang (untuk diperiksa)"
    )
    sub.add_parser(
        "check",
        parents=[common],
        help="baca ekspor saja dan tampilkan hasilnya",
        description="Baca file ekspor unit dan tahun ini seperti saat dijalankan, lalu "
        "tampilkan alur data (dibaca, diolah, ditolak per alasan), urutan "
        "hari/bulan tanggal dan kolom yang dipetakan. Tidak menulis berkas apa pun.",
    )

    ini = sub.add_parser(
        "init",
        help="buat draf data/raw/<unit>/unit.yaml dari satu file ekspor",
        description="Baca satu ekspor (CSV, XLSX atau ZIP unduhan Google Forms / Microsoft "
        "Forms), kenali kolomnya, lalu tulis draf data/raw/<unit>/unit.yaml dan "
        "salin ekspor ke folder tahunnya. File yang sudah ada tidak ditimpa.",
    )
    ini.add_argument("export", type=Path, help="file ekspor hasil unduhan")
    ini.add_argument(
        "--unit", help="nama folder unit (huruf, angka, - _ .); bawaan: dari nama file ekspor"
    )
    ini.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="folder proyek (berisi config.yaml dan data/raw/); bawaan: folder kerja",
    )
    return parser


def _init(args: argparse.Namespace) -> int:
    from skm.errors import SkmInputError
    from skm.ingest.draft import draft_unit, report

    try:
        draft = draft_unit(args.export, root=args.root, unit=args.unit)
    except SkmInputError as err:
        print(f"Gagal: {err}", file=sys.stderr)
        return 2
    print(report(draft))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``skm`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "check":
        from skm.ingest.check import check

        return check(args.root, args.unit, args.year)
    if args.command == "init":
        return _init(args)
    try:
        if args.command == "publish":
            result = publish(args.root, args.unit, args.year, ttd=args.ttd)
            print(result.message)
            return 0
        result = verify(
            args.root,
            args.unit,
            args.year,
            version=args.versi,
            cores=args.cores,
            keep=args.simpan,
            progress=lambda msg: print(msg, flush=True),
        )
        print(format_report(result))
        return 0 if result.ok else 1
    except AuditError as err:
        print(f"Gagal: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
