"""Maintenance for the notebooks folder: strip notebook outputs, and render the worksheet.

Run from the project root, in the project's environment:

    python notebooks/build.py notebooks   # execute both notebooks, keep only the figures
    python notebooks/build.py worksheet   # worksheet.md -> worksheet.html (self-contained, printable)

``notebooks`` executes each notebook from a clean kernel in this folder, then
keeps only the ``image/png`` outputs of the cells tagged ``figure`` (the
figures a visitor should see on GitHub) and clears everything else: other
outputs, execution counts and run-time metadata (cell timings, the Python
version). Committed notebooks stay small and their diffs stay readable.
``worksheet`` needs ``mistune`` (installed with JupyterLab's ``nbconvert``).
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOKS = ("01_explore.ipynb", "02_classroom_lesson.ipynb")
FIGURE_TAG = "figure"

WORKSHEET_CSS = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; color: #111; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #444; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { border: 1px solid #444; padding: 0.35em 0.5em; vertical-align: top; text-align: left; }
td { height: 2.4em; }
blockquote { margin: 0.5em 0; padding: 0.3em 0.8em; border-left: 4px solid #777; background: #f4f4f4; }
code { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 0.9em; }
@page { size: A4; margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, blockquote { break-inside: avoid; page-break-inside: avoid; }
  .page-break { break-before: page; page-break-before: always; }
  a { color: inherit; text-decoration: none; }
}
"""


def strip_outputs(notebook) -> None:
    """Keep only the image/png outputs of cells tagged ``figure``; clear everything else in place."""
    import nbformat

    notebook.metadata.pop("widgets", None)
    notebook.metadata.get("language_info", {}).pop("version", None)  # no diff when Python is upgraded
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        kept = []
        if FIGURE_TAG in cell.metadata.get("tags", []):
            for output in cell.outputs:
                image = output.get("data", {}).get("image/png")
                if output.get("output_type") in ("display_data", "execute_result") and image:
                    kept.append(nbformat.v4.new_output("display_data", data={"image/png": image}))
        cell.outputs = kept


def build_notebooks(timeout: int = 600) -> None:
    import nbformat
    from nbclient import NotebookClient

    for name in NOTEBOOKS:
        path = HERE / name
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(HERE)}}).execute()
        strip_outputs(notebook)
        nbformat.validate(notebook)
        nbformat.write(notebook, path)
        print(f"executed and stripped {path.relative_to(HERE.parent)}")


def render_worksheet(markdown_text: str) -> str:
    """The worksheet as one HTML page: no scripts, no external files, print CSS inlined."""
    import mistune

    body = mistune.create_markdown(escape=True, plugins=["table"])(markdown_text)
    body = body.replace("<p>[page break]</p>", '<div class="page-break"></div>')
    title = next((line.lstrip("# ").strip() for line in markdown_text.splitlines() if line.startswith("# ")),
                 "Worksheet")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{WORKSHEET_CSS}</style>\n</head>\n<body>\n"
            f"<!-- Generated from worksheet.md by notebooks/build.py; edit the .md file, not this one. -->\n"
            f"{body}</body>\n</html>\n")


def build_worksheet() -> None:
    source = HERE / "worksheet.md"
    target = HERE / "worksheet.html"
    text = render_worksheet(source.read_text(encoding="utf-8"))
    temporary = target.with_suffix(".html.tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    os.replace(temporary, target)
    print(f"wrote {target.relative_to(HERE.parent)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["notebooks", "worksheet", "all"])
    arguments = parser.parse_args(argv)
    if arguments.what in ("worksheet", "all"):
        build_worksheet()
    if arguments.what in ("notebooks", "all"):
        build_notebooks()
    return 0


if __name__ == "__main__":
    sys.exit(main())
