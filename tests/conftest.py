"""Shared test fixtures: paths to the embedded seeds and the shared corpus (skipped when absent)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"
SEED_GOLD = SHARED / "corpus" / "seeds"
PDF_DIR = SHARED / "corpus" / "pdf"

SEEDS = sorted(p for p in RAW.glob("*.txt"))


def gold_for(path: Path) -> dict:
    g = SEED_GOLD / (path.stem + ".gold.json")
    if not g.exists():
        g = path.with_suffix(".gold.json")
    if not g.exists():
        pytest.skip(f"no gold file for {path.name} (../shared not present)")
    return json.loads(g.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return SEEDS


def pdf_paths() -> list[Path]:
    return sorted(PDF_DIR.glob("*.pdf")) if PDF_DIR.exists() else []


@pytest.fixture
def require_shared_pdfs():
    if not pdf_paths():
        pytest.skip("../shared/corpus/pdf not present")
