"""``govstats info``: versions, data folders, the CJK fonts figures can use, the Jupyter kernel.

Everything here is read cheaply (package metadata, Parquet footers, the kernelspec folder), so the
command answers quickly and works before any dataset has been built.
"""
from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__

#: libraries whose versions matter for reproducing a dataset or a figure
LIBRARIES = ("pandas", "pyarrow", "duckdb", "opencc", "pdfplumber", "python-docx", "lxml", "charset-normalizer",
             "matplotlib", "seaborn", "papermill", "nbformat", "ipykernel", "ipywidgets", "jupyterlab", "nbval")
KERNEL = "python3"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    return {lib: _version(lib) for lib in LIBRARIES}


def data_folders() -> dict[str, str]:
    """The dataset folder (as ``govstats.load_*`` resolves it), its tables with row counts, the raw folder."""
    import pyarrow.parquet as pq

    from .api import TABLES, resolve_data_dir

    folder = resolve_data_dir()
    out = {"data_dir": str(folder)}
    for table in TABLES:
        path = folder / f"{table}.parquet"
        out[table] = f"{pq.ParquetFile(path).metadata.num_rows} rows" if path.is_file() else "missing (run govstats build)"
    raw = folder.parent / "raw"
    n = sum(1 for p in raw.rglob("*") if p.is_file()) if raw.is_dir() else 0
    out["raw_dir"] = f"{raw} ({n} files)" if raw.is_dir() else f"{raw} (missing)"
    return out


def fonts() -> dict[str, Any]:
    """The CJK font figures use, and every CJK family matplotlib can find."""
    from .plots import cjk_family, find_cjk_fonts

    found = find_cjk_fonts()
    return {"figure_font": cjk_family() or "none: install fonts-noto-cjk (Debian) for Chinese text in figures",
            "cjk_fonts": ", ".join(f["name"] for f in found) or "(none)"}


def kernel(name: str = KERNEL) -> dict[str, str]:
    """The Jupyter kernel notebooks run with: where its spec is and which Python it starts."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return {"name": name, "status": "missing: python -m ipykernel install --sys-prefix --name python3"}
    python = spec.argv[0] if spec.argv else ""
    if python in ("python", "python3"):  # a bare name: the Python on PATH (ipykernel's default spec)
        python = f"{python} (on PATH; this process is {sys.executable})"
    return {"name": name, "display_name": spec.display_name, "python": python, "spec": str(Path(spec.resource_dir))}


def info() -> dict[str, Any]:
    """What ``govstats info`` prints (``--json`` gives this dict)."""
    from .notebooks import NOTEBOOK_DIR

    return {
        "govstats": __version__,
        "python": f"{sys.version.split()[0]} ({sys.executable})",
        "versions": versions(),
        "data": data_folders(),
        "fonts": fonts(),
        "kernel": kernel(),
        "notebooks": str(NOTEBOOK_DIR),
    }


__all__ = ["LIBRARIES", "data_folders", "fonts", "info", "kernel", "versions"]
