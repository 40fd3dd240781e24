"""Pipeline and weighted forecast of a funnel row."""
from __future__ import annotations

#: chance that a deal at each stage closes, until 设置 declares stage probabilities (the dashboard
#: issue); stages 6 and 7 hold contracts already signed or expired, not open deals
STAGE_PROBABILITY = {"0": 0.0, "1": 0.05, "2": 0.1, "3": 0.2, "4": 0.4, "5": 0.7, "6": 0.0, "7": 0.0}
PIPELINE_STAGES = ("4", "5")


def weighted(expected: float | None, stage: str | None, heat: str | None) -> float:
    """预计金额 × the stage's probability; a dropped lead (热度 拒绝) forecasts nothing."""
    if expected is None or stage is None or heat == "denial":
        return 0.0
    return round(float(expected) * STAGE_PROBABILITY.get(stage, 0.0), 2)


def in_pipeline(stage: str | None, heat: str | None) -> bool:
    """Stage 4–5 and not dropped: the deals a manager counts on this month."""
    return stage in PIPELINE_STAGES and heat != "denial"
