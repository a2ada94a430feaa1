"""How sure can we be of "70%"? Sampling error for the VTsIOM December 2025 poll.

Run: python examples/vtsiom_intervals.py
"""

from __future__ import annotations

import surveystats as ss


def main() -> None:
    case = ss.datasets.load_vtsiom_2025()
    heads = case[case.role == "headline"].set_index("item")
    print(heads[["answer", "estimate", "n", "base"]], "\n")

    # What does "at most 2.5%" assume? No design effect at all.
    print(f"implied design effect of the stated 2.5%: {ss.implied_deff(0.025, 1600):.2f}\n")

    # Every interval method, side by side
    for method in ss.INTERVAL_METHODS:
        ci = ss.proportion_ci(heads.estimate, heads.n, method=method)
        print(f"{method:18s}", ci.to_frame()[["low", "high"]].round(4).to_dict("index"))

    # Design-effect scenarios: margins grow with sqrt(deff)
    print(ss.deff_scenarios(heads.estimate, heads.n.to_numpy()).round(4).to_string(), "\n")

    # The 55%: of all respondents, or of the 70% optimists?
    print(ss.nested_shares(0.55, 0.70, 1600).to_frame().round(3).to_string())


if __name__ == "__main__":
    main()
