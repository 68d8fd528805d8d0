"""Charts for the admin's reports, drawn as inline SVG on the server.

No JavaScript and no outside service: the numbers never leave the admin page. Each chart is an
``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``; every bar carries
its value as visible text and as a ``<title>`` tooltip, and the table under the chart holds the
same numbers for screen readers. Colours are Wagtail's own CSS variables, so the charts follow
the admin's theme (light, dark, high contrast).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString

WIDTH = 720
LABEL_WIDTH = 220
VALUE_WIDTH = 110
ROW_HEIGHT = 26
BAR_HEIGHT = 16
PADDING = 8
MAX_LABEL_CHARS = 30
LINE_HEIGHT = 15

FILL = "fill: var(--w-color-secondary, #007d7e)"
FILL_LIGHT = "fill: var(--w-color-secondary-75, #b3dcdc)"
TEXT = "fill: var(--w-color-text-context, #262626); font-size: 13px"
TEXT_SMALL = "fill: var(--w-color-text-meta, #5c5c5c); font-size: 11px"
LINE = "stroke: var(--w-color-border-furniture, #e0e0e0); stroke-width: 1"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    # A second value drawn inside the bar (attended of registered), or None.
    part: int | None = None
    # What the value is, for the tooltip and the visible text ("12 deltagere").
    text: str = ""


def _lines(label: str, limit: int = MAX_LABEL_CHARS) -> list[str]:
    """A label wrapped at word boundaries into lines that fit beside the bars: never cut."""
    return textwrap.wrap(label, limit, break_on_hyphens=False) or [""]


def _row_height(lines: int) -> int:
    return max(ROW_HEIGHT, lines * LINE_HEIGHT + 8)


def _svg(
    *,
    title: str,
    description: str,
    width: int,
    height: int,
    body: SafeString,
    ident: str = "reach-chart",
) -> SafeString:
    """``ident`` names the chart's title and description (unique per page: several charts on
    one page each need their own)."""
    return format_html(
        '<svg class="reach-chart" role="img" aria-labelledby="{ident}-title '
        '{ident}-desc" viewBox="0 0 {width} {height}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" style="max-width: {width}px" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{ident}-title">{title}</title>'
        '<desc id="{ident}-desc">{description}</desc>{body}</svg>',
        ident=ident,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
    )


def bar_chart(
    bars: Sequence[Bar], *, title: str, description: str, ident: str = "reach-chart"
) -> SafeString:
    """Horizontal bars, one per row, labelled on the left with the value after the bar.

    A bar with ``part`` is drawn light to its value and dark to its part (attended out of
    registered)."""
    scale_max = max((bar.value for bar in bars), default=0) or 1
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    y = PADDING
    for bar in bars:
        lines = _lines(bar.label)
        row_height = _row_height(len(lines))
        top = y + (row_height - ROW_HEIGHT) / 2  # the bar in the middle of its label's lines
        length = round(area * bar.value / scale_max, 1)
        shapes = [
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" rx="2" style="{}"/>',
                LABEL_WIDTH,
                top + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                length,
                BAR_HEIGHT,
                FILL if bar.part is None else FILL_LIGHT,
            )
        ]
        if bar.part is not None:
            shapes.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" rx="2" style="{}"/>',
                    LABEL_WIDTH,
                    top + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                    round(area * bar.part / scale_max, 1),
                    BAR_HEIGHT,
                    FILL,
                )
            )
        first_line = y + row_height / 2 + 4 - (len(lines) - 1) * LINE_HEIGHT / 2
        label_lines = SafeString(
            "".join(
                format_html(
                    '<tspan x="{}" y="{}">{}</tspan>',
                    LABEL_WIDTH - 8,
                    round(first_line + number * LINE_HEIGHT, 1),
                    line,
                )
                for number, line in enumerate(lines)
            )
        )
        rows.append(
            format_html(
                '<g class="reach-chart-bar"><title>{label}: {text}</title>'
                '<text text-anchor="end" style="{text_style}">{label_lines}</text>{shapes}'
                '<text x="{value_x}" y="{text_y}" style="{text_style}">{text}</text></g>',
                label=bar.label,
                text=bar.text or bar.value,
                text_y=top + ROW_HEIGHT / 2 + 4,
                text_style=TEXT,
                label_lines=label_lines,
                shapes=SafeString("".join(shapes)),
                value_x=LABEL_WIDTH + length + 6,
            )
        )
        y += row_height
    height = y + PADDING
    axis = format_html(
        '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" style="{style}"/>',
        x=LABEL_WIDTH,
        top=PADDING,
        bottom=height - PADDING,
        style=LINE,
    )
    return _svg(
        title=title,
        description=description,
        width=WIDTH,
        height=height,
        body=SafeString(axis + "".join(rows)),
        ident=ident,
    )


COLUMN_AREA_HEIGHT = 200
COLUMN_TOP = 22
COLUMN_LABELS = 40
MAX_COLUMN_LABELS = 12


def column_chart(
    bars: Sequence[Bar], *, title: str, short_labels: Sequence[str], description: str
) -> SafeString:
    """Vertical columns in order (months), the value above each column when it fits and the
    short label under every column, or under every n-th when there are many."""
    count = len(bars)
    scale_max = max((bar.value for bar in bars), default=0) or 1
    slot = WIDTH / max(count, 1)
    column = max(min(slot * 0.7, 48), 2)
    label_every = max(1, math.ceil(count / MAX_COLUMN_LABELS))
    baseline = COLUMN_TOP + COLUMN_AREA_HEIGHT
    columns = []
    for index, (bar, short) in enumerate(zip(bars, short_labels, strict=True)):
        height = round(COLUMN_AREA_HEIGHT * bar.value / scale_max, 1)
        centre = round(slot * index + slot / 2, 1)
        value_text = (
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" style="{}">{}</text>',
                centre,
                baseline - height - 6,
                TEXT_SMALL,
                bar.value,
            )
            if slot >= 24
            else ""
        )
        label_text = (
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" style="{}">{}</text>',
                centre,
                baseline + 18,
                TEXT_SMALL,
                short,
            )
            if index % label_every == 0
            else ""
        )
        columns.append(
            format_html(
                '<g class="reach-chart-bar"><title>{label}: {text}</title>'
                '<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="2" style="{fill}"/>'
                "{value_text}{label_text}</g>",
                label=bar.label,
                text=bar.text or bar.value,
                x=round(centre - column / 2, 1),
                y=baseline - height,
                width=round(column, 1),
                height=height,
                fill=FILL,
                value_text=value_text,
                label_text=label_text,
            )
        )
    axis = format_html(
        '<line x1="0" y1="{y}" x2="{width}" y2="{y}" style="{style}"/>',
        y=baseline,
        width=WIDTH,
        style=LINE,
    )
    return _svg(
        title=title,
        description=description,
        width=WIDTH,
        height=baseline + COLUMN_LABELS - 10,
        body=SafeString(axis + "".join(columns)),
    )
