"""The server-drawn charts: accessible SVG whose shapes are proportional to the values, an explanatory message when
there is nothing to draw, and no division by zero."""

import xml.etree.ElementTree as ET

from jalon.observatory import charts


SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(str(chart))  # noqa: S314  (our own markup)


def test_bar_heights_are_proportional_to_the_values():
    chart = charts.bar_chart([("a", 10), ("b", 5), ("c", 0)], title="Titre", description="Description")
    root = parse(chart)
    heights = [float(rect.get("height")) for rect in root.iter(f"{SVG}rect")]
    assert heights[0] == 2 * heights[1] and heights[2] == 0
    assert heights[0] > 0


def test_a_chart_is_an_accessible_image_with_its_title_and_description():
    root = parse(charts.bar_chart([("a", 1)], title="Part orientée", description="Une barre par mois"))
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Part orientée" and desc.text == "Une barre par mois"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_text_is_escaped():
    chart = charts.hbar_chart([("<b>Dax</b>", 3)], title="A & B", description="d")
    assert "<b>" not in str(chart) and "&lt;b&gt;Dax" in str(chart)
    parse(chart)  # still well-formed


def test_an_empty_series_renders_an_explanatory_message():
    for draw in (charts.bar_chart, charts.hbar_chart, charts.line_chart, charts.sparkline):
        for points in ([], [("janvier", None), ("février", None)]):
            chart = draw(points, title="t", description="d")
            assert chart.empty
            assert "<svg" not in str(chart) and charts.EMPTY_MESSAGE in str(chart)


def test_all_zeros_never_divide_by_zero():
    for draw in (charts.bar_chart, charts.hbar_chart, charts.line_chart, charts.sparkline):
        chart = draw([("a", 0.0), ("b", 0.0)], title="t", description="d")
        assert not chart.empty
        parse(chart)


def test_horizontal_bars_are_proportional_and_the_reference_is_drawn():
    chart = charts.hbar_chart(
        [("Dax", 30.0), ("Mont-de-Marsan", 60.0)], title="t", description="d", reference=40.0, reference_label="Dép."
    )
    root = parse(chart)
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] == 2 * widths[0]
    reference = root.find(f"{SVG}line[@class='jalon-chart__target']")
    x = float(reference.get("x1"))
    # The reference sits at 40/60 of the longest bar, measured from the same origin.
    origin = float(next(root.iter(f"{SVG}rect")).get("x"))
    assert abs((x - origin) - widths[1] * 40 / 60) < 0.05


def test_line_chart_scales_points_and_draws_the_target():
    chart = charts.line_chart([("jan", 0.0), ("fév", 50.0), ("mar", 100.0)], title="t", description="d", target=80.0)
    root = parse(chart)
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    # Equal steps in value are equal steps on the page, going up.
    assert ys[0] > ys[1] > ys[2] and abs((ys[0] - ys[1]) - (ys[1] - ys[2])) < 0.05
    assert root.find(f"{SVG}line[@class='jalon-chart__target']") is not None


def test_sparkline_of_a_flat_series_and_of_one_point():
    flat = parse(charts.sparkline([("a", 3.0), ("b", 3.0)], title="t", description="d"))
    points = flat.find(f"{SVG}polyline").get("points").split()
    assert len({p.split(",")[1] for p in points}) == 1
    single = parse(charts.sparkline([("a", None), ("b", 7.0)], title="t", description="d"))
    assert single.find(f"{SVG}circle") is not None


def test_missing_values_leave_a_gap_not_a_zero():
    root = parse(charts.bar_chart([("a", 4.0), ("b", None)], title="t", description="d"))
    assert len(list(root.iter(f"{SVG}rect"))) == 1
