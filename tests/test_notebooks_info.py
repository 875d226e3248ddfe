"""govstats info: versions, data folders with table sizes, the CJK font figures use, the Jupyter kernel."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from govstats import info as info_mod
from govstats.cli import main
from govstats.notebooks import ensure_dataset

ROOT = Path(__file__).resolve().parents[1]


def test_info_reports_versions_data_fonts_and_kernel(tmp_path: Path, monkeypatch) -> None:
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / "003_8c3dc325d9d9898d.txt", raw)
    ensure_dataset(raw, tmp_path / "data" / "processed")
    monkeypatch.setenv("GOVSTATS_DATA", str(tmp_path / "data" / "processed"))
    d = info_mod.info()
    assert d["govstats"] and d["versions"]["matplotlib"][0].isdigit() and d["versions"]["papermill"][0].isdigit()
    assert d["data"]["data_dir"] == str(tmp_path / "data" / "processed")
    assert d["data"]["reports"] == "1 rows" and d["data"]["raw_dir"].endswith("(1 files)")
    assert d["fonts"]["figure_font"] in d["fonts"]["cjk_fonts"]
    assert d["kernel"]["name"] == "python3" and "python" in d["kernel"]
    assert Path(d["notebooks"]).name == "notebooks"


def test_info_without_a_dataset_says_what_to_do(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GOVSTATS_DATA", str(tmp_path / "nothing"))
    assert main(["info", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["data"]["values"] == "missing (run govstats build)"
    assert d["data"]["raw_dir"].endswith("(missing)")
