from apps.journeys.emotion_curve import CurveInput, emotion_curve, emotion_y, peak_end_summary


def test_points_sit_in_the_middle_of_their_columns_and_empty_columns_keep_their_place():
    curve = emotion_curve([CurveInput(2), CurveInput(None), CurveInput(-2), CurveInput(0)])
    assert [(p.x, p.emotion) for p in curve.points] == [(12.5, 2), (62.5, -2), (87.5, 0)]
    assert curve.points[0].y < curve.zero_y < curve.points[1].y
    assert curve.line.startswith("M12.50,") and curve.line.count("C") == 2
    assert curve.area.endswith("Z")


def test_scale_is_symmetric_around_zero():
    assert emotion_y(0) == 50
    assert emotion_y(2) + emotion_y(-2) == 100
    assert emotion_y(2) < emotion_y(1) < emotion_y(0)


def test_single_point_draws_a_short_stroke_and_no_area():
    curve = emotion_curve([CurveInput(1)])
    assert curve.line.startswith("M46.00,")
    assert curve.area == ""
    assert emotion_curve([]).line == ""


def test_peak_end_summary_takes_the_most_intense_peak_and_the_end():
    columns = [
        CurveInput(1, is_peak=True),
        CurveInput(-2, is_peak=True),
        CurveInput(0),
        CurveInput(-1, is_end=True),
    ]
    summary = peak_end_summary(columns)
    assert (summary.peak, summary.end, summary.remembered, summary.peak_count) == (-2, -1, -1.5, 2)
    assert summary.average == -0.5
    assert summary.weak_ending


def test_peak_end_summary_without_marks():
    summary = peak_end_summary([CurveInput(1), CurveInput(2)])
    assert summary.remembered is None
    assert summary.average == 1.5
    assert not summary.weak_ending


def test_the_line_never_overshoots_the_scale():
    import re

    curve = emotion_curve([CurveInput(e) for e in (2, 1, 2, -2, -1, -2, 0, 2)])
    ys = [float(y) for y in re.findall(r"[\d.]+,([\d.]+)", curve.line)]
    assert min(ys) >= emotion_y(2) and max(ys) <= emotion_y(-2)
