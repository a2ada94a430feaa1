"""Datasets that ship with surveystats.

Each dataset is a small CSV file in ``surveystats/datasets/data/`` with a markdown data card
beside it, and a loader that returns a fresh :class:`pandas.DataFrame`. :func:`list_datasets`
shows what ships. The running case is the VTsIOM December 2025 poll: :func:`load_vtsiom_2025`.
"""

from __future__ import annotations

from surveystats.datasets._loaders import list_datasets, load_vtsiom_2025

__all__ = ["list_datasets", "load_vtsiom_2025"]
