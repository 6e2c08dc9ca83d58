"""The hasil olah data and recap workbooks compute themselves.

Every cached value is removed from a copy of each workbook, LibreOffice recalculates the copies
(headless, one conversion for the whole test session; LibreOffice keeps the cached values of
an OOXML file unless its setting Formula/Load/OOXMLRecalcMode is 0, "always recalculate"), and
the recalculated NRR, NRR tertimbang, IKM, konversi and mutu must equal ikm.json: at their
printed decimals, and the unrounded cells within 1e-12 of the exact fractions. The cached
values written by the pipeline must equal them too. Cases: the shipped sample (from the
session's pipeline run), a unit with blank answers, and units whose konversi is exactly 76,605
and 88,305 (printed 76,61 B and 88,31 A: half-up, not half-even nor binary-float truncation).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import artefacts
from skm.domain import KONVERSI, PROFILE_FIELDS, UNSUR_CODES, WEIGHT, round_half_up
from skm.report.rekap import build as build_rekap
from skm.report.rekap import write_xlsx as write_rekap_xlsx
from skm.report.xlsx import EXCEL, ExcelLimits, write_olah_data
from skm.scoring.ikm import ikm_from_sums

WHEN = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

_CACHED = re.compile(
    rb"(<c\b[^>]*?)(?: t=\"(?:str|b|e|n)\")?([^>]*>)(<f>.*?</f>|<f [^>]*?/>|<f [^>]*>.*?</f>)<v>[^<]*</v>(</c>)",
    re.DOTALL,
)


def strip_cached_values(src: Path, dst: Path) -> int:
    """Copy an xlsx with the cached value of every formula cell removed; returns how many."""
    count = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data, k = _CACHED.subn(rb"\1\2\3\4", data)
                count += k
            zout.writestr(info, data)
    return count


def recalculate(files: list[Path], outdir: Path) -> dict[Path, Path]:
    """Recalculate every workbook in one headless LibreOffice run (a fresh profile whose only
    setting is 'always recalculate OOXML on load'); returns {input: recalculated copy}."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)  # .ci/run installs it: in CI a missing soffice is a failure
        pytest.skip(message)
    profile = outdir / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
    out = outdir / "recalculated"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            *[str(f) for f in files],
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    result = {f: out / f.name for f in files}
    missing = [f for f, o in result.items() if not o.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {proc.stdout}{proc.stderr}"
    return result


# ---------------------------------------------------------------------------- fixtures


def _column(n_rows: int, count: int, total: int) -> list:
    """`count` answers 1..4 summing to `total`, then blanks."""
    base, extra = divmod(total, count)
    assert 1 <= base <= 4 and (base < 4 or extra == 0), (count, total)
    values = [base + 1] * extra + [base] * (count - extra)
    return values + [None] * (n_rows - count)


def responses_with(
    n_rows: int, counts: list[int], sums: list[int], layanan: list[str] | None = None
) -> pd.DataFrame:
    """A scored-responses table with the given per-unsur answer counts and sums."""
    data = {
        c: pd.array(_column(n_rows, k, s), dtype="Int64")
        for c, k, s in zip(UNSUR_CODES, counts, sums, strict=True)
    }
    frame = pd.DataFrame(data)
    frame.insert(0, "id", pd.array([f"R{i:05d}" for i in range(1, n_rows + 1)], dtype="string"))
    names = layanan or ["Layanan A", "Layanan B"]
    frame["layanan"] = pd.array([names[i % len(names)] for i in range(n_rows)], dtype="string")
    frame["semester"] = pd.array([1 + (i * 2) // n_rows for i in range(n_rows)], dtype="Int64")
    frame["triwulan"] = pd.array([1 + (i * 4) // n_rows for i in range(n_rows)], dtype="Int64")
    for f in ("jenis_kelamin", "usia", "pendidikan", "pekerjaan"):
        frame[f] = pd.array(
            ["Laki-laki" if i % 3 else "Perempuan" for i in range(n_rows)]
            if f == "jenis_kelamin"
            else [pd.NA] * n_rows,
            dtype="string",
        )
    frame["saran"] = pd.array(
        ["" if i % 7 else f"saran {i}" for i in range(n_rows)], dtype="string"
    )
    return frame


def konversi_of(counts: list[int], sums: list[int]) -> Fraction:
    return (
        sum((Fraction(s, k) * WEIGHT for s, k in zip(sums, counts, strict=True)), Fraction(0))
        * KONVERSI
    )


def exact_case(target: str) -> tuple[list[int], list[int]]:
    """1,000 rows, U1 answered by 625 (a blank in 375 rows), konversi exactly `target`.

    25/9 * (s1/625 + (s2+...+s9)/1000) = target  <=>  8*s1 + 5*R = 5000*9*target/25.
    """
    rhs = Fraction(Decimal(target)) * 9 * 5000 / KONVERSI
    assert rhs.denominator == 1
    for s1 in range(2500, 624, -1):
        rest = Fraction(int(rhs) - 8 * s1, 5)
        if rest.denominator == 1 and 8000 <= rest <= 32000:
            r = int(rest)
            sums = [s1] + [r // 8 + (1 if i < r % 8 else 0) for i in range(8)]
            counts = [625] + [1000] * 8
            assert konversi_of(counts, sums) == Fraction(Decimal(target))
            return counts, sums
    raise AssertionError(target)


#: unit.yaml and the demographic categories of the test unit (settings by artefacts.settings).
UNIT_YAML = {"name": "Unit Uji", "short_name": "Unit Uji", "timezone": "WIB", "population": 5000}
DEMOGRAFI = {"jenis_kelamin": [{"label": "Laki-laki"}, {"label": "Perempuan"}]}


def checkbox_frame() -> pd.DataFrame:
    """A checkbox layanan question: respondents tick A, B or both ("A; B" in the text
    column, 1 in both flag columns); one ticks none and writes "Lainnya"."""
    frame = responses_with(
        14,
        [14, 13, 14, 14, 12, 14, 14, 14, 14],
        [40, 37, 45, 38, 36, 41, 50, 44, 39],
        layanan=["A", "B", "A; B"],
    )
    frame.loc[13, "layanan"] = "Lainnya"
    text = frame["layanan"].tolist()
    for label in ("A", "B"):
        frame[f"layanan[{label}]"] = [int(label in v.split("; ")) for v in text]
    frame["layanan[C]"] = 0  # listed, never ticked
    return frame


def build_case(
    tmp: Path,
    name: str,
    frame: pd.DataFrame,
    unit_name: str = "Unit Uji",
    rejected: pd.DataFrame | None = None,
    layanan: list[str] | None = None,
    limits: ExcelLimits = EXCEL,
) -> tuple[Path, dict]:
    unit_yaml = dict(UNIT_YAML, name=unit_name, short_name=unit_name, layanan=layanan or [])
    settings = artefacts.settings(unit_yaml, unit="uji", year=2024, demografi=DEMOGRAFI)
    ikm = json.loads(json.dumps(artefacts.ikm(frame, settings)))
    path = tmp / f"{name}.xlsx"
    write_olah_data(ikm, frame, path, WHEN, rejected=rejected, limits=limits)
    return path, ikm


HOSTILE = '=HYPERLINK("http://x.invalid","klik")'


@pytest.fixture(scope="module")
def cases(tmp_path_factory, pipeline) -> dict[str, tuple[Path, dict]]:
    tmp = tmp_path_factory.mktemp("workbooks")
    out: dict[str, tuple[Path, dict]] = {}
    for year in (2022, 2023):
        ikm = json.loads((pipeline.processed("biro-umum", year) / "ikm.json").read_text())
        src = pipeline.reports("biro-umum", year) / f"laporan-skm-biro-umum-{year}.xlsx"
        dst = tmp / f"sample-{year}.xlsx"
        shutil.copy(src, dst)
        out[f"sample-{year}"] = (dst, ikm)
    counts = [40, 38, 40, 35, 40, 39, 40, 40, 37]
    sums = [121, 110, 135, 101, 143, 117, 150, 129, 104]
    out["blanks"] = build_case(tmp, "blanks", responses_with(40, counts, sums))
    out["checkbox"] = build_case(tmp, "checkbox", checkbox_frame(), layanan=["A", "B", "C"])
    for target in ("76.605", "88.305"):
        c, s = exact_case(target)
        out[target] = build_case(tmp, f"exact-{target}", responses_with(1000, c, s))
    rejected = pd.DataFrame(
        {
            "file": ["=cmd|' /C calc'!A0.csv"],
            "raw_row": ["7"],
            "column": ["@SUM(1)"],
            "value": ["+1+1"],
            "reason": ["-2+3"],
        }
    )
    out["hostile"] = build_case(
        tmp,
        "hostile",
        responses_with(12, [12] * 9, [36] * 9, layanan=[HOSTILE, "=1+1", "layanan a", "Layanan A"]),
        unit_name="=1+2 Unit",
        rejected=rejected,
    )
    ikms = [
        dict(cases_ikm, unit=f"u{i}", name=n)
        for i, (n, cases_ikm) in enumerate(
            [
                ("=SUM(A1) Dinas", out["blanks"][1]),
                ("Dinas B", out["76.605"][1]),
                ("Dinas C", out["88.305"][1]),
                ("Biro Umum", out["sample-2023"][1]),
            ]
        )
    ]
    rekap = build_rekap(2024, ikms, {"rusak": "=cmd"}, ["hilang"], [i["unit"] for i in ikms])
    rekap_path = tmp / "rekap.xlsx"
    write_rekap_xlsx(rekap, rekap_path, WHEN)
    out["rekap"] = (rekap_path, {"rekap": rekap, "ikms": ikms})
    return out


@pytest.fixture(scope="module")
def recalculated(cases, tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("recalc")
    stripped = {}
    for key, (path, _) in cases.items():
        dst = tmp / f"{key}.xlsx"
        assert strip_cached_values(path, dst) > 15
        stripped[key] = dst
    done = recalculate(list(stripped.values()), tmp)
    return {key: done[p] for key, p in stripped.items()}


# ---------------------------------------------------------------------------- reading

ROWS = {
    "sum": "Jumlah nilai",
    "count": "Jumlah jawaban",
    "nrr": "NRR =",
    "nrrt": "NRR tertimbang",
    "konv": "Konversi unsur =",
    "konv_round": "Konversi unsur dibulatkan",
    "mutu": "Mutu unsur",
    "ikm": "IKM =",
    "ikm_konv": "IKM unit pelayanan =",
    "ikm_round": "IKM unit pelayanan dibulatkan",
    "ikm_mutu": "Mutu pelayanan",
    "ikm_kinerja": "Kinerja unit pelayanan",
}


def olah_data(path: Path, data_only: bool = True) -> dict[str, list]:
    """The formula rows of sheet 'Olah Data', found by their labels in column B."""
    ws = load_workbook(path, data_only=data_only)["Olah Data"]
    found: dict[str, list] = {}
    for row in ws.iter_rows(min_col=2, max_col=11):
        label = row[0].value
        if not isinstance(label, str):
            continue
        for key, prefix in ROWS.items():
            if label.startswith(prefix) and key not in found:
                found[key] = [c.value for c in row[1:]]
    assert set(found) == set(ROWS), sorted(set(ROWS) - set(found))
    return found


def check(values: dict[str, list], ikm: dict, where: str) -> None:
    for j, u in enumerate(ikm["unsur"]):
        nrr = Fraction(*u["exact"]["nrr"])
        assert values["sum"][j] == u["sum"] and values["count"][j] == u["n"], where
        assert abs(values["nrr"][j] - nrr) < 1e-12, where
        assert str(round_half_up(values["nrr"][j], 2)) == u["display"]["nrr"], where
        assert abs(values["nrrt"][j] - nrr / 9) < 1e-12, where
        assert str(round_half_up(values["nrrt"][j], 3)) == u["display"]["nrr_tertimbang"], where
        assert abs(values["konv"][j] - nrr * 25) < 1e-12, where
        assert str(round_half_up(values["konv_round"][j], 2)) == u["display"]["konversi"], where
        assert values["mutu"][j] == u["mutu"], (where, u["code"])
    konv = Fraction(*ikm["exact"]["ikm_konversi"])
    assert abs(values["ikm"][0] - konv / 25) < 1e-12, where
    assert str(round_half_up(values["ikm"][0], 3)) == ikm["display"]["ikm"], where
    assert abs(values["ikm_konv"][0] - konv) < 1e-12, where
    assert str(round_half_up(values["ikm_round"][0], 2)) == ikm["display"]["ikm_konversi"], where
    assert values["ikm_mutu"][0] == ikm["mutu"], where
    assert values["ikm_kinerja"][0] == ikm["kinerja"], where


# ---------------------------------------------------------------------------- tests


def test_the_exact_cases_are_the_boundaries(cases) -> None:
    assert cases["76.605"][1]["display"]["ikm_konversi"] == "76.61"
    assert cases["76.605"][1]["mutu"] == "B"
    assert cases["88.305"][1]["display"]["ikm_konversi"] == "88.31"
    assert cases["88.305"][1]["mutu"] == "A"
    assert cases["blanks"][1]["unsur"][1]["n"] == 38


@pytest.mark.parametrize(
    "key", ["sample-2022", "sample-2023", "blanks", "76.605", "88.305", "hostile", "checkbox"]
)
def test_recalculated_values_equal_ikm_json(key, cases, recalculated) -> None:
    check(olah_data(recalculated[key]), cases[key][1], f"{key} recalculated")


@pytest.mark.parametrize(
    "key", ["sample-2022", "sample-2023", "blanks", "76.605", "88.305", "checkbox"]
)
def test_cached_values_equal_ikm_json(key, cases) -> None:
    check(olah_data(cases[key][0]), cases[key][1], f"{key} cached")


def test_the_figures_are_formulas_an_auditor_can_follow(cases) -> None:
    f = olah_data(cases["blanks"][0], data_only=False)
    last = 3 + 40
    assert f["sum"][0] == f"=SUM(C4:C{last})" and f["count"][1] == f"=COUNT(D4:D{last})"
    assert f["nrr"][0] == f"=C{last + 2}/C{last + 3}"
    assert f["nrrt"][0] == f"=C{last + 4}/9"
    assert f["ikm"][0] == f"=SUM(C{last + 5}:K{last + 5})"
    assert f["ikm_round"][0].startswith("=ROUND(")
    assert "LOOKUP(" in f["ikm_mutu"][0] and "Kategori mutu" in f["ikm_mutu"][0]


def test_group_sheets_recalculate_to_the_group_ikm(cases, recalculated) -> None:
    for key in ("sample-2023", "blanks", "checkbox"):
        ikm = cases[key][1]
        for sheet, groups in (
            ("Per layanan", ikm["by_layanan"]),
            ("Per semester", ikm["by_semester"]),
            ("Per triwulan", ikm["by_triwulan"]),
        ):
            for path in (recalculated[key], cases[key][0]):
                ws = load_workbook(path, data_only=True)[sheet]
                rows = {
                    str(r[0]): r
                    for r in ws.iter_rows(min_row=4, values_only=True)
                    if r[0] is not None
                }
                assert set(rows) == set(groups), (key, sheet)
                for label, g in groups.items():
                    assert rows[label][1] == g["n"]
                    if g["ikm_konversi"] is None:  # an unsur without an answer in the group
                        assert rows[label][20:23] == ("tidak dapat dihitung",) * 2 + (None,)
                        continue
                    assert abs(rows[label][20] - g["ikm_konversi"]) < 1e-9
                    assert str(round_half_up(rows[label][21], 2)) == g["display"]["ikm_konversi"]
                    assert rows[label][22] == g["mutu"]


def test_checkbox_layanan_counts_a_respondent_in_every_layanan_ticked(cases, recalculated) -> None:
    path, ikm = cases["checkbox"]
    groups = ikm["by_layanan"]
    assert {k: g["n"] for k, g in groups.items()} == {"A": 9, "B": 8, "Lainnya": 1}
    for book in (path, recalculated["checkbox"]):
        ws = load_workbook(book, data_only=True)["Per layanan"]
        assert "beberapa layanan" in ws["A2"].value
    od = load_workbook(path)["Olah Data"]
    header = [c.value for c in od[3]]
    assert header[14:] == ["Layanan: A", "Layanan: B", "Layanan: C"]
    flags = [[od.cell(row=r, column=c).value for c in (15, 16, 17)] for r in range(4, 18)]
    assert flags[2] == [1, 1, 0] and flags[13] == [0, 0, 0]
    formulas = {
        r[0]: r[1]
        for r in load_workbook(path)["Per layanan"].iter_rows(min_row=4, values_only=True)
    }
    assert "$O$4:$O$17=1" in formulas["A"] and "EXACT(" not in formulas["A"]


def karakteristik(path: Path) -> dict[tuple[str, str], tuple]:
    """{(field title, category): (count, percent)} of sheet 'Karakteristik'."""
    ws = load_workbook(path, data_only=True)["Karakteristik"]
    out, title = {}, None
    for row in ws.iter_rows(min_row=4, values_only=True):
        title = row[0] or title
        if row[1] and row[1] != "Jumlah":
            out[(title, row[1])] = (row[2], row[3])
    return out


@pytest.mark.parametrize("key", ["sample-2023", "blanks", "checkbox"])
def test_karakteristik_percentages_are_of_all_respondents(key, cases, recalculated) -> None:
    path, ikm = cases[key]
    want = {
        (PROFILE_FIELDS[f].capitalize(), c["label"]): (c["count"], Decimal(c["display_pct"]))
        for f, info in ikm["demografi"].items()
        for c in info["categories"]
    }
    assert want
    for book in (path, recalculated[key]):
        got = karakteristik(book)
        assert {k: (v[0], round_half_up(v[1], 2)) for k, v in got.items()} == want, book.name
        assert load_workbook(book, data_only=True)["Karakteristik"]["C2"].value == ikm["n_valid"]


@pytest.mark.parametrize("key", ["sample-2023", "blanks", "checkbox"])
def test_ringkasan_recalculates_to_its_cached_values(key, cases, recalculated) -> None:
    path, ikm = cases[key]
    cached = list(
        load_workbook(path, data_only=True)["Ringkasan"].iter_rows(min_row=4, values_only=True)
    )
    again = list(
        load_workbook(recalculated[key], data_only=True)["Ringkasan"].iter_rows(
            min_row=4, values_only=True
        )
    )
    assert len(cached) == len(again) >= 13
    for a, b in zip(cached, again, strict=True):
        for x, y in zip(a, b, strict=True):
            if isinstance(x, float):
                assert abs(x - y) < 1e-12, (a, b)
            else:
                assert x == y, (a, b)
    by_code = {r[0]: r for r in cached if r[0] in UNSUR_CODES}
    for u in ikm["unsur"]:
        row = by_code[u["code"]]
        assert row[2:4] == (u["sum"], u["n"]) and row[7] == u["mutu"]
        assert str(round_half_up(row[4], 2)) == u["display"]["nrr"]
    totals = {r[1]: r[2] for r in cached if r[1]}
    assert str(round_half_up(totals["IKM unit pelayanan"], 2)) == ikm["display"]["ikm_konversi"]
    assert totals["Mutu pelayanan"] == ikm["mutu"]


def test_input_values_are_string_cells_never_formulas(cases, recalculated) -> None:
    path, ikm = cases["hostile"]
    wb = load_workbook(path)
    texts = {}
    formulas = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "s":
                    texts.setdefault(c.value, c.coordinate)
                elif c.data_type == "f":
                    formulas.append(c.value)
    for value in (HOSTILE, "=1+1", "=cmd|' /C calc'!A0.csv", "@SUM(1)", "+1+1", "-2+3"):
        assert value in texts, value
    assert any("=1+2 Unit" in t for t in texts)
    assert not any("HYPERLINK" in f or "cmd" in f or "1+2" in f for f in formulas)
    # Case-sensitive groups, as the pipeline groups them.
    lay = load_workbook(recalculated["hostile"], data_only=True)["Per layanan"]
    got = {r[0]: r[1] for r in lay.iter_rows(min_row=4, values_only=True) if r[0]}
    assert got == {k: v["n"] for k, v in ikm["by_layanan"].items()}
    assert got["layanan a"] == 3 and got["Layanan A"] == 3


def test_workbook_is_byte_identical_and_dated(tmp_path, cases) -> None:
    frame = responses_with(40, [40] * 9, [120] * 9)
    a, _ = build_case(tmp_path, "a", frame)
    b = tmp_path / "b.xlsx"
    shutil.copy(a, b)
    a2, _ = build_case(tmp_path, "a", frame)
    assert a2.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a2) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 7, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2024-07-01T00:00:00Z" in core


def test_sheets_print_on_a4_landscape_with_frozen_headers(cases) -> None:
    wb = load_workbook(cases["sample-2023"][0])
    names = wb.sheetnames
    assert names[0] == "Cara membaca"
    for want in (
        "Olah Data",
        "Ringkasan",
        "Karakteristik",
        "Per layanan",
        "Per semester",
        "Per triwulan",
        "Ditolak",
        "Saran",
        "Kategori mutu",
    ):
        assert want in names
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"  # header row
    text = " ".join(str(c.value) for row in wb["Cara membaca"].iter_rows() for c in row if c.value)
    assert "Angka resmi adalah angka yang tercantum dalam Laporan SKM" in text
    od = wb["Olah Data"]
    assert od["C90"].number_format.startswith("[$-421]")


def test_verify_compares_formulas_as_well_as_cached_values(tmp_path) -> None:
    from skm.audit.text import compare_text

    frame = responses_with(40, [40] * 9, [120] * 9)
    a, _ = build_case(tmp_path, "a", frame)
    b = tmp_path / "b.xlsx"
    with zipfile.ZipFile(a) as zin, zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"<f>SUM(C4:C43)</f>", b"<f>SUM(C4:C42)+3</f>")
            zout.writestr(info, data)
    assert a.read_bytes() != b.read_bytes()
    assert compare_text(a, b) is not None  # same cached values, another formula
    assert compare_text(a, a) is None


def rekap_rows(path: Path) -> dict[str, tuple]:
    """Rows of sheet 'Rekap IKM' keyed by unit code, or by the label in column C."""
    ws = load_workbook(path, data_only=True)["Rekap IKM"]
    rows = {}
    for row in ws.iter_rows(min_row=4, values_only=True):
        key = row[1] or row[2]
        if key:
            rows[str(key)] = row
    return rows


@pytest.mark.parametrize("which", ["recalculated", "cached"])
def test_recap_workbook_computes_unit_mean_and_pooled_ikm(which, cases, recalculated) -> None:
    path = recalculated["rekap"] if which == "recalculated" else cases["rekap"][0]
    rekap, ikms = cases["rekap"][1]["rekap"], cases["rekap"][1]["ikms"]
    rows = rekap_rows(path)
    exact = {}
    for ikm in ikms:
        row = rows[ikm["unit"]]
        sums = [u["sum"] for u in ikm["unsur"]]
        ns = [u["n"] for u in ikm["unsur"]]
        assert list(row[4:22:2]) == sums and list(row[5:22:2]) == ns
        konv = Fraction(*ikm["exact"]["ikm_konversi"])
        exact[ikm["unit"]] = konv
        assert abs(row[22] - konv) < 1e-12
        assert str(round_half_up(row[23], 2)) == ikm["display"]["ikm_konversi"]
        assert row[24] == ikm["mutu"]
        assert row[2] == ikm["name"]  # "=SUM(A1) Dinas" stays text
    mean = sum(exact.values(), Fraction(0)) / len(exact)
    sums = [sum(u["sum"] for i in ikms for u in i["unsur"] if u["code"] == c) for c in UNSUR_CODES]
    ns = [sum(u["n"] for i in ikms for u in i["unsur"] if u["code"] == c) for c in UNSUR_CODES]
    pooled = ikm_from_sums(sums, ns) * KONVERSI
    prov = rekap["province"]
    for label, value, want in (
        ("Rata-rata IKM unit", mean, prov["mean_of_units"]),
        ("IKM gabungan", pooled, prov["pooled"]),
    ):
        row = next(r for k, r in rows.items() if k.startswith(label))
        assert abs(row[22] - value) < 1e-12
        assert str(round_half_up(row[23], 2)) == want["display"]
        assert row[24] == want["mutu"]


def test_recap_per_unsur_recalculates_to_its_cached_values(cases, recalculated) -> None:
    rekap, ikms = cases["rekap"][1]["rekap"], cases["rekap"][1]["ikms"]
    cached = list(
        load_workbook(cases["rekap"][0], data_only=True)["Per unsur"].iter_rows(
            min_row=4, max_row=12, values_only=True
        )
    )
    again = list(
        load_workbook(recalculated["rekap"], data_only=True)["Per unsur"].iter_rows(
            min_row=4, max_row=12, values_only=True
        )
    )
    for j, (a, b) in enumerate(zip(cached, again, strict=True)):
        code = UNSUR_CODES[j]
        nrrs = [
            Fraction(*next(u for u in i["unsur"] if u["code"] == code)["exact"]["nrr"])
            for i in ikms
        ]
        s = sum(next(u for u in i["unsur"] if u["code"] == code)["sum"] for i in ikms)
        n = sum(next(u for u in i["unsur"] if u["code"] == code)["n"] for i in ikms)
        for row in (a, b):
            assert row[0] == code
            assert abs(row[2] - sum(nrrs, Fraction(0)) / len(nrrs)) < 1e-12
            assert abs(row[3] - Fraction(s, n)) < 1e-12
            assert row[4] == rekap["per_unsur"][j]["pooled_mutu"]
            assert str(round_half_up(row[3], 2)) == rekap["per_unsur"][j]["pooled_nrr"]
            assert str(round_half_up(row[2], 2)) == rekap["per_unsur"][j]["mean_nrr"]


def test_recap_workbook_is_byte_identical(cases, tmp_path) -> None:
    again = tmp_path / "rekap.xlsx"
    write_rekap_xlsx(cases["rekap"][1]["rekap"], again, WHEN)
    assert again.read_bytes() == cases["rekap"][0].read_bytes()


def test_long_text_is_cut_with_a_marker(tmp_path) -> None:
    frame = responses_with(20, [20] * 9, [60] * 9)
    long = "Pelayanan 😀 lambat." * 2500  # 47.500 characters, 50.000 UTF-16 code units
    frame.loc[0, "saran"] = long
    path, _ = build_case(tmp_path, "long", frame)
    cell = load_workbook(path)["Saran"]["C4"].value
    m = re.search(r" … \[dipotong: ([\d.]+) karakter tidak dimuat\]$", cell)
    assert m, cell[-80:]
    kept = cell[: m.start()]
    assert long.startswith(kept)
    assert int(m.group(1).replace(".", "")) == len(long) - len(kept)
    assert len(cell.encode("utf-16-le")) // 2 <= 32_767  # Excel's limit per cell


def test_too_many_rows_split_the_rejected_rows_and_refuse_the_olah_data(tmp_path) -> None:
    from skm.errors import SkmInputError

    small = ExcelLimits(rows=40)
    rejected = pd.DataFrame(
        {
            "file": ["a.csv"] * 100,
            "raw_row": [str(i) for i in range(100)],
            "column": [""] * 100,
            "value": [""] * 100,
            "reason": ["duplicate"] * 100,
        }
    )
    path, _ = build_case(
        tmp_path, "split", responses_with(20, [20] * 9, [60] * 9), rejected=rejected, limits=small
    )
    wb = load_workbook(path)
    pages = [n for n in wb.sheetnames if n.startswith("Ditolak")]
    assert pages == ["Ditolak", "Ditolak (2)", "Ditolak (3)"]
    rows = [r[1] for n in pages for r in wb[n].iter_rows(min_row=4, values_only=True)]
    assert rows == [str(i) for i in range(100)]
    assert max(wb[n].max_row for n in wb.sheetnames) <= 40
    guide = " ".join(str(c.value) for r in wb["Cara membaca"].iter_rows() for c in r if c.value)
    assert "'Ditolak (2)' sampai 'Ditolak (3)'" in guide
    with pytest.raises(SkmInputError) as err:
        build_case(
            tmp_path,
            "refused",
            responses_with(30, [30] * 9, [90] * 9),
            unit_name="Dinas Besar",
            limits=small,
        )
    message = str(err.value)
    assert "Dinas Besar" in message and "30 responden" in message and "batas Excel 40" in message
    assert not (tmp_path / "refused.xlsx").exists()


def test_a_formula_longer_than_excel_allows_is_refused(tmp_path) -> None:
    from skm.errors import SkmInputError

    with pytest.raises(SkmInputError, match="batas Excel 60 karakter"):
        build_case(
            tmp_path,
            "formula",
            checkbox_frame(),
            layanan=["A", "B", "C"],
            limits=ExcelLimits(formula_chars=60),
        )
