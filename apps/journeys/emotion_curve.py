"""The planned emotion curve of a map, as geometry for an inline SVG; no ORM here.

Coordinates are percentages of the curve's box: x runs across the touchpoint
columns (each point sits in the middle of its column), y from +2 at the top to -2
at the bottom. The line is a monotone cubic turned into Béziers: it passes through
every planned emotion and never overshoots the scale.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

EMOTION_TOP = 2
EMOTION_BOTTOM = -2
PADDING = 18.0  # percent of the height kept free above +2 and below -2 for the markers


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
    """A monotone cubic (Fritsch-Carlson) through the points: smooth, and never above +2 or below -2."""
    if not points:
        return ""
    if len(points) == 1:
        x, y = points[0]
        return f"M{x - 4:.2f},{y:.2f} L{x + 4:.2f},{y:.2f}"
    count = len(points)
    secants = [(points[i + 1][1] - points[i][1]) / (points[i + 1][0] - points[i][0]) for i in range(count - 1)]
    slopes = (
        [secants[0]]
        + [0.0 if secants[i - 1] * secants[i] <= 0 else (secants[i - 1] + secants[i]) / 2 for i in range(1, count - 1)]
        + [secants[-1]]
    )
    for i, secant in enumerate(secants):
        if secant == 0:
            slopes[i] = slopes[i + 1] = 0.0
            continue
        alpha, beta = slopes[i] / secant, slopes[i + 1] / secant
        if alpha * alpha + beta * beta > 9:
            tau = 3 / (alpha * alpha + beta * beta) ** 0.5
            slopes[i], slopes[i + 1] = tau * alpha * secant, tau * beta * secant
    commands = [f"M{points[0][0]:.2f},{points[0][1]:.2f}"]
    for i in range(count - 1):
        (x1, y1), (x2, y2) = points[i], points[i + 1]
        third = (x2 - x1) / 3
        commands.append(
            f"C{x1 + third:.2f},{y1 + slopes[i] * third:.2f} {x2 - third:.2f},{y2 - slopes[i + 1] * third:.2f} "
            f"{x2:.2f},{y2:.2f}"
        )
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
