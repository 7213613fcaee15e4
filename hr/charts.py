"""Server-rendered SVG charts: geometry computed here, drawn by a template. No JS.

Pure code: a line of shares (0 to 1) over months becomes coordinates, gridlines and
labels in the SVG's own units; the template escapes every label.
"""

from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 240
LEFT = 48
RIGHT = 16
TOP = 16
BOTTOM = 40


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value_text: str


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass
class LineChart:
    width: int = WIDTH
    height: int = HEIGHT
    points: list[ChartPoint] = field(default_factory=list)
    gridlines: list[Gridline] = field(default_factory=list)
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)

    @property
    def x_labels(self) -> list[ChartPoint]:
        """At most about eight labels, always the first and the last."""
        if len(self.points) <= 8:
            return self.points
        step = -(-len(self.points) // 8)
        chosen = self.points[::step]
        if chosen[-1] is not self.points[-1]:
            chosen.append(self.points[-1])
        return chosen


def share_line_chart(values: list[tuple[str, float]]) -> LineChart:
    """A chart of shares in [0, 1], one point per (label, share), left to right."""
    chart = LineChart()
    plot_height = chart.baseline - TOP
    for percent in (0, 25, 50, 75, 100):
        chart.gridlines.append(
            Gridline(
                y=chart.baseline - plot_height * percent / 100, label=f"{percent}%"
            )
        )
    if not values:
        return chart
    plot_width = chart.right_edge - chart.left
    count = len(values)
    for index, (label, share) in enumerate(values):
        share = min(max(share, 0.0), 1.0)
        x = chart.left + (
            plot_width * index / (count - 1) if count > 1 else plot_width / 2
        )
        y = chart.baseline - plot_height * share
        chart.points.append(
            ChartPoint(x=x, y=y, label=label, value_text=f"{share * 100:.0f}%")
        )
    return chart
