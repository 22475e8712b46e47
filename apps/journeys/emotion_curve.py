"""The planned emotion curve of a map, as geometry for an inline SVG; no ORM here.

Coordinates are percentages of the curve's box: x runs across the touchpoint
columns (each point sits in the middle of its column), y from +2 at the top to -2
at the bottom. The line is a Catmull-Rom spline turned into cubic Béziers, so it
passes through every planned emotion without a library.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

EMOTION_TOP = 2
EMOTION_BOTTOM = -2
PADDING = 12.0  # percent of the height kept free above +2 and below -2 for the markers


@dataclass(frozen=True)
class CurveInput:
    emotion: int | None
    is_peak: bool = False
    is_end: bool = False
    label: str = ""


@dataclass(frozen=True)
class CurvePoint:
    x: float
    y: float
    emotion: int
    is_peak: bool
    is_end: bool
    label: str

    @property
    def tone(self) -> str:
        return "positive" if self.emotion > 0 else "negative" if self.emotion < 0 else "neutral"


@dataclass
class Curve:
    points: list[CurvePoint] = field(default_factory=list)
    line: str = ""
    area: str = ""
    zero_y: float = 50.0
    levels: list[tuple[int, float]] = field(default_factory=list)


def emotion_y(emotion: float) -> float:
    span = 100.0 - 2 * PADDING
    return round(PADDING + (EMOTION_TOP - emotion) / (EMOTION_TOP - EMOTION_BOTTOM) * span, 2)


def _spline(points: Sequence[tuple[float, float]]) -> str:
    if not points:
        return ""
    if len(points) == 1:
        x, y = points[0]
        return f"M{x - 4:.2f},{y:.2f} L{x + 4:.2f},{y:.2f}"
    top, bottom = emotion_y(EMOTION_TOP + 0.4), emotion_y(EMOTION_BOTTOM - 0.4)
    commands = [f"M{points[0][0]:.2f},{points[0][1]:.2f}"]
    for index in range(len(points) - 1):
        p0 = points[index - 1] if index > 0 else points[index]
        p1, p2 = points[index], points[index + 1]
        p3 = points[index + 2] if index + 2 < len(points) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, min(bottom, max(top, p1[1] + (p2[1] - p0[1]) / 6)))
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, min(bottom, max(top, p2[1] - (p3[1] - p1[1]) / 6)))
        commands.append(f"C{c1[0]:.2f},{c1[1]:.2f} {c2[0]:.2f},{c2[1]:.2f} {p2[0]:.2f},{p2[1]:.2f}")
    return " ".join(commands)


def emotion_curve(columns: Sequence[CurveInput]) -> Curve:
    """The curve through the columns that have a planned emotion (empty stages leave a gap in x only)."""
    curve = Curve(zero_y=emotion_y(0), levels=[(level, emotion_y(level)) for level in range(2, -3, -1)])
    count = len(columns)
    for index, column in enumerate(columns):
        if column.emotion is None:
            continue
        curve.points.append(
            CurvePoint(
                x=round((index + 0.5) / count * 100, 2),
                y=emotion_y(column.emotion),
                emotion=column.emotion,
                is_peak=column.is_peak,
                is_end=column.is_end,
                label=column.label,
            )
        )
    coordinates = [(point.x, point.y) for point in curve.points]
    curve.line = _spline(coordinates)
    if len(coordinates) > 1:
        first, last = coordinates[0][0], coordinates[-1][0]
        curve.area = f"{curve.line} L{last:.2f},{curve.zero_y:.2f} L{first:.2f},{curve.zero_y:.2f} Z"
    return curve


@dataclass(frozen=True)
class PeakEndSummary:
    """What the plan predicts customers will remember (Kahneman's peak-end rule) against the plain average."""

    average: float | None
    peak: int | None
    end: int | None
    remembered: float | None
    peak_count: int

    @property
    def weak_ending(self) -> bool:
        return self.end is not None and self.average is not None and self.end < self.average


def peak_end_summary(columns: Sequence[CurveInput]) -> PeakEndSummary:
    emotions = [column.emotion for column in columns if column.emotion is not None]
    peaks = [column.emotion for column in columns if column.is_peak and column.emotion is not None]
    ends = [column.emotion for column in columns if column.is_end and column.emotion is not None]
    # Of several peaks, the most intense one (good or bad) is the one that is remembered.
    peak = max(peaks, key=abs) if peaks else None
    end = ends[-1] if ends else None
    remembered = (peak + end) / 2 if peak is not None and end is not None else None
    average = round(sum(emotions) / len(emotions), 2) if emotions else None
    return PeakEndSummary(average=average, peak=peak, end=end, remembered=remembered, peak_count=len(peaks))
