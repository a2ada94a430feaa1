"""Reading a rendered report's text back, for the tests that scan it for another poll's facts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path


def svg_texts(path: Path) -> list[str]:
    """The words of an SVG chart (matplotlib keeps each text as a comment), numeric tick
    labels excluded: an axis of margins may well have a tick at 2.5%."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(path, parser=parser).getroot()
    found: list[str] = []

    def walk(node: ET.Element, tick: bool) -> None:
        tick = tick or bool(re.match(r"[xy]tick_\d+$", node.get("id", "")))
        text = (node.text or "").strip()
        if (node.tag is ET.Comment or str(node.tag).endswith("text")) and text and not (
                tick and re.fullmatch(r"[−-]?[\d.,]+%?", text)):
            found.append(text)
        for child in node:
            walk(child, tick)

    walk(root, False)
    return found


def report_texts(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """(file name, lines of text) for every SVG chart, summary and index page of a report."""
    for path in sorted(folder.iterdir()):
        if path.suffix == ".svg":
            yield path.name, svg_texts(path)
        elif path.suffix in (".md", ".csv", ".html"):
            yield path.name, path.read_text(encoding="utf-8").splitlines()
