"""Write the labelled teaching files: the stratified teaching sample as Stata (.dta) and
SPSS (.sav) files with value labels (codes 1, 2, ... in a meaningful order) and variable
labels (the question texts), as agencies publish microdata.

Usage (from the repository root):
``python examples/data_generation/make_labelled_teaching_file.py``.
Writes ``surveystats/datasets/data/teaching/stratified_labelled.dta`` and ``.sav``. The
``.sav`` needs pyreadstat. Re-running writes files with the same content (the tests read
them back and compare with the CSV sample).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from surveystats.datasets import load_teaching_sample

OUT = Path(__file__).resolve().parents[2] / "surveystats" / "datasets" / "data" / "teaching"

#: column -> categories in code order (1, 2, ...)
VALUE_LABELS = {
    "region": ["capital", "central", "northwest", "south", "volga", "urals", "siberia",
               "fareast"],
    "age_group": ["18-34", "35-54", "55+"],
    "sex": ["female", "male"],
    "education": ["secondary", "vocational", "higher"],
}
#: column -> question text (variable label)
QUESTIONS = {
    "region": "Federal district of residence",
    "age_group": "Age group",
    "sex": "Sex",
    "education": "Highest completed education",
    "income": "Monthly income, thousand roubles (synthetic)",
    "optimistic": "Do you expect next year to be better? (1 = yes)",
    "trust_tv": "Do you trust the news on television? (1 = yes)",
    "weight": "Sampling weight",
}


def labelled_frame() -> tuple[pd.DataFrame, dict[str, dict[int, str]]]:
    """The sample with labelled columns as integer codes, and the code -> label maps."""
    df = load_teaching_sample("stratified")[["id", *QUESTIONS]].copy()
    maps: dict[str, dict[int, str]] = {}
    for col, cats in VALUE_LABELS.items():
        code = {c: i + 1 for i, c in enumerate(cats)}
        df[col] = df[col].astype(str).map(code).astype("int8")
        maps[col] = {i + 1: c for i, c in enumerate(cats)}
    return df, maps


def main() -> None:
    df, maps = labelled_frame()
    df.to_stata(OUT / "stratified_labelled.dta", write_index=False, version=118,
                value_labels=maps, variable_labels=QUESTIONS,
                data_label="surveystats teaching sample (synthetic)", time_stamp=None)
    try:
        import pyreadstat
    except ImportError:
        print("pyreadstat not installed: .sav not written")
    else:
        pyreadstat.write_sav(df, str(OUT / "stratified_labelled.sav"),
                             column_labels=QUESTIONS, variable_value_labels=maps,
                             file_label="surveystats teaching sample (synthetic)")
    print("wrote", OUT / "stratified_labelled.dta")


if __name__ == "__main__":
    main()
