"""The one bias pipeline over arrays of parameters (scenarios, grids, tipping points, analysis).

A poll's reported share is produced in the order of ``_spec.ORDER``: coverage (who is in the
frame), nonresponse (who answers: an odds ratio or a data-defect correlation, never both),
falsification (what they say), the "don't know" reading (what base the share is on) and a
house/wording shift. Undoing them runs in the reverse order. Each step calls the formulas in
``_maps``, broadcasting over arrays of parameter values, so a million grid cells or draws cost
a few vectorised passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from surveystats._validation import check_interval
from surveystats.bias import _maps, _spec

__all__ = ["adjust", "check_parameters"]


def check_parameters(params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Validate parameter arrays by name against their specification (``_spec``).

    Unknown names list the valid ones; each value must lie in its parameter's domain.
    """
    out: dict[str, np.ndarray] = {}
    for name, value in params.items():
        spec = _spec.parameter(name)
        out[name] = check_interval(name, value, spec.domain, nan_policy=None, hint=spec.hint)
    if ("rho" in out) != ("response_rate" in out):
        raise ValueError("rho and response_rate go together (the data-defect model needs both)")
    if "odds_ratio" in out and "rho" in out:
        raise ValueError(
            "odds_ratio and rho describe the same thing (answer-dependent nonresponse) in two "
            "parameterisations; use one of them, not both"
        )
    if "falsification" in out or "reverse_falsification" in out:
        f = out.get("falsification", np.float64(0.0))
        g = out.get("reverse_falsification", np.float64(0.0))
        if np.any(f + g >= 1.0):
            raise ValueError(
                "falsification + reverse_falsification must be < 1: at 1 the answers carry no "
                "information about the truth"
            )
    if ("uncovered_share" in out) != ("coverage_difference" in out):
        raise ValueError("uncovered_share and coverage_difference go together")
    return out


def adjust(reported: Any, params: Mapping[str, Any], *, clip: bool = False) -> np.ndarray:
    """Undo the pipeline: the true share implied by ``reported`` under ``params``.

    ``house_effect`` here is a signed shift (reported minus true); for a shift of unknown
    sign, call twice with ``+s`` and ``-s``. NaN marks parameter values under which no true
    share in [0, 1] produces the reported one. With ``clip=True`` (for interval bounds) a
    value outside what the mechanism can produce is first moved to the nearest value it can
    produce, as the mechanism classes do with ``clip=True``: the bound then sits at the edge
    of the feasible range instead of vanishing.
    """
    r = np.asarray(reported, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        if "house_effect" in params:
            r = r - params["house_effect"]
            r = np.clip(r, 0.0, 1.0) if clip else np.where((r >= 0.0) & (r <= 1.0), r, np.nan)
        if "dont_know" in params:
            if clip:
                r = np.minimum(r, 1.0 - params["dont_know"])
            r = _maps.dont_know_true(r, params["dont_know"])
        if "falsification" in params or "reverse_falsification" in params:
            f = params.get("falsification", np.float64(0.0))
            g = params.get("reverse_falsification", np.float64(0.0))
            if clip:
                r = np.clip(r, f, 1.0 - g)
            r = _maps.falsification_true(r, f, g)
        if "odds_ratio" in params:
            r = _maps.nonresponse_true(r, params["odds_ratio"])
        if "rho" in params:
            r = _maps.data_defect_true(r, _maps.data_defect_c(params["rho"],
                                                              params["response_rate"]))
        if "uncovered_share" in params:
            u, d = params["uncovered_share"], params["coverage_difference"]
            if clip:  # cap the uncovered group's share at 0 or 1
                r = (1.0 - u) * r + u * np.clip(r + d, 0.0, 1.0)
            else:
                r = _maps.coverage_true(r, u, d)
    return r
