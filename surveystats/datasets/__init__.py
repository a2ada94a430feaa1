"""Datasets that ship with surveystats.

Each dataset is a small CSV file in ``surveystats/datasets/data/`` with a markdown data card
beside it, and a loader that returns a fresh :class:`pandas.DataFrame`. :func:`list_datasets`
shows what ships. The running case is the VTsIOM December 2025 poll: :func:`load_vtsiom_2025`;
the report reads it as toplines plus a poll card (:func:`load_vtsiom_2025_toplines`,
:func:`load_vtsiom_2025_card`), the format any poll can be given in. Three more polls of
other shapes ship in that format (:func:`list_polls`, :func:`load_poll`): a Russian-language
Levada Center file with a nested base, a KIIS omnibus that states its own design effect, and a
German ZDF-Politbarometer with seven items; ``surveystats report NAME`` renders any of them.
For design-based estimation there is a synthetic population with known truth and four samples
drawn from it (in ``data/teaching/``): :func:`load_teaching_population`,
:func:`load_teaching_sample`, :func:`load_teaching_truth` and :func:`load_teaching_margins`.
"""

from __future__ import annotations

from surveystats.datasets._loaders import (
    POLLS,
    TEACHING_DESIGNS,
    PollName,
    TeachingDesign,
    list_datasets,
    list_polls,
    load_poll,
    load_poll_card,
    load_poll_toplines,
    load_teaching_margins,
    load_teaching_population,
    load_teaching_sample,
    load_teaching_truth,
    load_vtsiom_2025,
    load_vtsiom_2025_card,
    load_vtsiom_2025_toplines,
    teaching_labelled_path,
)

__all__ = [
    "POLLS",
    "TEACHING_DESIGNS",
    "PollName",
    "TeachingDesign",
    "list_datasets",
    "list_polls",
    "load_poll",
    "load_poll_card",
    "load_poll_toplines",
    "load_teaching_margins",
    "load_teaching_population",
    "load_teaching_sample",
    "load_teaching_truth",
    "load_vtsiom_2025",
    "load_vtsiom_2025_card",
    "load_vtsiom_2025_toplines",
    "teaching_labelled_path",
]


def __dir__() -> list[str]:
    """The public names only: loaded ``_private`` modules and ``annotations`` stay hidden."""
    return sorted(__all__)
