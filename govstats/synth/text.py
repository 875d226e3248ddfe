"""Plain-text renderings (templates.md §5): how tables look after copying, scraping or PDF
extraction. One function per layout turns a :class:`Table` into lines."""
from __future__ import annotations

import random
import re
from typing import Callable

from .document import Block, Table, TCell, build
from .spec import ReportSpec

_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_PAGE_MARKS = ("- {} -", "—{} —", "第 {} 页")


def _cell_lines(cell: TCell) -> list[str]:
    return cell.text.split("\n")


def _one_line(cell: TCell) -> str:
    return cell.text.replace("\n", "")


def one_cell_per_line(table: Table, rng: random.Random) -> list[str]:
    """(a) every cell on its own line, in document order; a blank cell is an empty line."""
    return [line for row in table.origins() for _, _, cell in row for line in _cell_lines(cell)]


def pipe_cells(table: Table, rng: random.Random) -> list[str]:
    """(b) every cell on its own line ending with " |", then a filler line of one "|" per cell
    the row's spans cover (none after the last row)."""
    out: list[str] = []
    rows = table.origins()
    for i, row in enumerate(rows):
        for _, _, cell in row:
            lines = _cell_lines(cell)
            lines[-1] += " |"
            out += lines
        covered = table.n_cols - len(row)
        if covered and i < len(rows) - 1:
            out.append("|" * covered)
    return out


def indented_blank(table: Table, rng: random.Random) -> list[str]:
    """(c) cells indented by two spaces and separated by blank lines; an empty cell adds one
    more blank line; continuation lines of a label indent further."""
    out: list[str] = []
    for row in table.origins():
        for _, _, cell in row:
            if cell.text:
                first, *rest = _cell_lines(cell)
                out += ["  " + first] + ["    " + line for line in rest]
            out.append("")
    return out


def pipe_rows(table: Table, rng: random.Random) -> list[str]:
    """(d) one table row per line, cells joined by " | " with a trailing " |"; a label that spans
    rows appears on its first row only."""
    return [" | ".join(_one_line(c) for _, _, c in row) + " |" for row in table.origins()]


def _caption_rows(table: Table) -> int:
    n = 0
    for row in table.rows:
        if len(row) == 1 and row[0].colspan == table.n_cols:
            n += 1
        else:
            break
    return n


def _grid_texts(table: Table, skip: int) -> list[list[str]]:
    return [[_one_line(cell) if origin else "" for cell, origin in row] for row in table.grid[skip:]]


def markdown(table: Table, rng: random.Random) -> list[str]:
    """A Markdown table (``|---|`` after the first row); spanned positions are empty cells and a
    caption row becomes a line above the table."""
    skip = _caption_rows(table)
    out = [_one_line(row[0]) for row in table.rows[:skip]]
    for i, cells in enumerate(_grid_texts(table, skip)):
        out.append("| " + " | ".join(cells) + " |")
        if i == 0:
            out.append("|" + "---|" * table.n_cols)
    return out


def tsv(table: Table, rng: random.Random) -> list[str]:
    """Tab-separated grid rows; spanned positions are empty; caption rows stand alone."""
    skip = _caption_rows(table)
    return [_one_line(row[0]) for row in table.rows[:skip]] + ["\t".join(r) for r in _grid_texts(table, skip)]


def _wrap(text: str, width: int) -> list[str]:
    """Hard wraps every ``width`` characters, never inside a number."""
    numbers = [m.span() for m in _NUMBER.finditer(text)]
    out, start = [], 0
    while len(text) - start > width:
        cut = start + width
        cut = next((a for a, b in numbers if start < a < cut < b), cut)
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return [line.strip() for line in out if line.strip()]


def pdf_text(table: Table, rng: random.Random) -> list[str]:
    """(f) text as a PDF text layer gives it: a row's values space-separated on one line after
    its label; a long label wraps and its values land before, between or after the first of its
    lines (one values line per row, so the row stays decidable); labels spanning rows print
    mid-way down their span (long ones one character per line); blank cells vanish."""
    out: list[str] = []
    later: dict[int, list[str]] = {}
    width = 16 if table.n_cols >= 10 else 22
    for r, row in enumerate(table.origins()):
        cells = [c for _, _, c in row]
        if all(c.kind in ("header", "caption") for c in cells):
            out.append(" ".join(_one_line(c).replace(" ", "") for c in cells))
            continue
        labels = [c for c in cells if c.kind in ("label", "caption", "header")]
        for c in labels:
            if c.rowspan > 1:
                text = _one_line(c)
                if c.rowspan >= 10:
                    first = r + max(0, (c.rowspan - len(text)) // 2)
                    for j, ch in enumerate(text):
                        later.setdefault(min(first + j, r + c.rowspan - 1), []).append(ch)
                else:
                    later.setdefault(r + (c.rowspan - 1) // 2, []).append(text)
        label = "".join(_one_line(c) for c in labels if c.rowspan == 1)
        values = " ".join(c.text for c in cells if c.kind in ("value", "unit") and c.text)
        parts = _wrap(label, width) if label else []
        mode = rng.random()
        if not values:
            out += parts
        elif not parts:
            out.append(values)
        elif len(parts) == 1:
            out.append(f"{parts[0]} {values}")
        elif mode < 0.35:
            out += [values] + parts
        elif mode < 0.8:
            out += [parts[0], values] + parts[1:]
        else:
            out += [f"{parts[0]} {values}"] + parts[1:]
        out += later.pop(r, [])
    return out


LAYOUT_FUNCS: dict[str, Callable[[Table, random.Random], list[str]]] = {
    "one_cell_per_line": one_cell_per_line, "pipe_cells": pipe_cells, "indented_blank": indented_blank,
    "pipe_rows": pipe_rows, "markdown": markdown, "tsv": tsv, "pdf_text": pdf_text,
}


def _spaced_numbers(text: str) -> str:
    return _NUMBER.sub(lambda m: f" {m.group(0)} ", text).replace("  ", " ").strip()


def _prose(block: Block, layout: str, width: int) -> list[str]:
    if layout == "indented_blank":
        return ["  " + block.text, ""]
    if layout == "pdf_text" and block.kind in ("para", "title"):
        return _wrap(_spaced_numbers(block.text), width)
    return [block.text]


def _page_marks(lines: list[str], rng: random.Random, every: tuple[int, int]) -> list[str]:
    style = rng.choice(_PAGE_MARKS)
    out: list[str] = []
    page, next_mark = 1, rng.randint(*every)
    for i, line in enumerate(lines):
        if i == next_mark:
            out.append(style.format(page))
            page += 1
            next_mark += rng.randint(*every)
        out.append(line)
    out.append(style.format(page))
    return out


def render_text(spec: ReportSpec) -> str:
    """The report as plain text in ``spec.layout`` (the html layout renders as one cell per line,
    which is what scraping that page gives)."""
    rng = random.Random(spec.seed ^ 0x7E47)
    layout = spec.layout if spec.layout in LAYOUT_FUNCS else "one_cell_per_line"
    table_lines = LAYOUT_FUNCS[layout]
    width = rng.randint(26, 34)
    lines: list[str] = []
    for block in build(spec):
        if block.table is not None:
            lines += table_lines(block.table, rng)
        else:
            lines += _prose(block, layout, width)
    if layout == "pdf_text":
        lines = _page_marks(lines, rng, (32, 42))
    elif "page_marks" in spec.noise:
        lines = _page_marks(lines, rng, (40, 70))
    return "\n".join(lines) + "\n"
