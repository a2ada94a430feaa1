"""Design results are data: they pickle, and their intervals survive the round trip."""

from __future__ import annotations

import pickle

import pandas as pd

from surveystats.datasets import load_teaching_sample
from surveystats.design import SurveyDesign


def test_quantile_and_mean_results_pickle() -> None:
    df = load_teaching_sample("stratified")
    d = SurveyDesign(df, weights="weight", strata="region", fpc="fpc")
    for est in (d.quantile("income", [0.25, 0.5], by="region"), d.mean("income"),
                d.proportion("has_mobile", level=1), d.to_replicate("jkn").total("income")):
        back = pickle.loads(pickle.dumps(est))
        pd.testing.assert_frame_equal(back.confint(), est.confint())
        pd.testing.assert_frame_equal(back.to_frame(), est.to_frame())
