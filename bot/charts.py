"""The coordinators' charts: a period's figures drawn as PNG images in the reader's language,
each with the same figures as numbers for its caption.

A pure function of the figures and the language (no database, no Telegram), so it can run in a
thread while the bot answers others. matplotlib draws on its Agg canvas (no display): figures
are made with its object API, never pyplot, whose global state is not safe across threads.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_interval, format_skeleton
from babel.numbers import format_decimal, format_percent
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from bot.i18n import N_, _, country_name, use_language
from bot.vocabulary import PROGRAMMES, SDGS, STATUSES
from storage.local_time import local
from storage.statistics import Figures

# Every chart has this size: wide enough for a phone held sideways, sharp when zoomed.
WIDTH, HEIGHT, DPI = 1280, 800, 100
MAX_CAPTION = 1024  # Telegram's limit for a photo's caption
TOP_COUNTRIES = 10

DEADLINE_KINDS = {
    "progress_report": N_("Progress reports"),
    "call": N_("Expressions of interest for a call"),
    "custom": N_("Other deadlines"),
}
# Each status keeps its colour in every chart; stacked from waiting to decided.
STATUS_COLOURS = {
    "submitted": "tab:blue",
    "in_review": "tab:orange",
    "returned": "tab:olive",
    "accepted": "tab:green",
    "declined": "tab:red",
}
SDG_LABELS = {option.value: option.label for option in SDGS}


@dataclass(frozen=True)
class Chart:
    """One chart: its title, every text drawn on it, its caption and the PNG image."""

    title: str
    texts: tuple[str, ...]
    caption: str
    png: bytes


def draw_charts(figures: Figures, period_name: str, language: str) -> list[Chart]:
    """The charts that have something to show for the figures, in language; period_name is
    the msgid of the period's name."""
    with use_language(language):
        span = _span(figures, language)
        heading = _("{period}: {span}").format(period=_(period_name), span=span)
        makers: list[Callable[[Figures, str, str], Chart | None]] = [
            _interests_chart,
            _countries_chart,
            _reports_chart,
            _participants_chart,
            _overdue_chart,
        ]
        return [chart for make in makers if (chart := make(figures, heading, language))]


def _span(figures: Figures, language: str) -> str:
    """The period's first and last day, as the language writes a range of days."""
    first = local(figures.start, figures.zone).date() if figures.start else figures.months[0]
    last = local(figures.end, figures.zone).date()
    return format_interval(first, last, skeleton="yMMMd", locale=language)


def _interests_chart(figures: Figures, heading: str, language: str) -> Chart | None:
    if not figures.interests:
        return None
    title = _("Expressions of interest per month, by programme and status")
    programmes = [p for p in PROGRAMMES if any(k[1] == p for k in figures.interests)]
    fig = _figure()
    axes = fig.subplots(len(programmes), 1, sharex=True, squeeze=False)[:, 0]
    lines = [heading]
    labels = _month_labels(figures.months, language)
    for ax, programme in zip(axes, programmes, strict=True):
        bottom = [0] * len(figures.months)
        total = 0
        counts: list[str] = []
        for status in STATUS_COLOURS:
            values = [figures.interests.get((m, programme, status), 0) for m in figures.months]
            if not any(values):
                continue
            ax.bar(
                labels,
                values,
                bottom=bottom,
                label=_(STATUSES[status]),
                color=STATUS_COLOURS[status],
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            total += sum(values)
            counts.append(
                _("{label}: {count}").format(
                    label=_(STATUSES[status]), count=_number(sum(values), language)
                )
            )
        ax.set_title(_(PROGRAMMES[programme]))
        ax.set_ylabel(_("Expressions of interest"))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper left", fontsize="small")
        lines.append(
            _("{programme}: {count} ({statuses})").format(
                programme=_(PROGRAMMES[programme]),
                count=_number(total, language),
                statuses=", ".join(counts),
            )
        )
    _thin_ticks(axes[-1], len(labels))
    return _finish(fig, title, lines, heading)


def _countries_chart(figures: Figures, heading: str, language: str) -> Chart | None:
    if not figures.countries:
        return None
    title = _("Expressions of interest by partner country")
    shown = list(figures.countries[:TOP_COUNTRIES])
    names = [country_name(code) if code else _("not given") for code, _n in shown]
    values = [n for _code, n in shown]
    rest = sum(n for _code, n in figures.countries[TOP_COUNTRIES:])
    if rest:
        names.append(_("Other countries"))
        values.append(rest)
    fig = _figure()
    ax = fig.subplots()
    ax.barh(names[::-1], values[::-1], color="tab:green")
    ax.set_xlabel(_("Expressions of interest"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    lines = [heading] + [
        _("{label}: {count}").format(label=name, count=_number(value, language))
        for name, value in zip(names, values, strict=True)
    ]
    return _finish(fig, title, lines, heading)


def _reports_chart(figures: Figures, heading: str, language: str) -> Chart | None:
    if not figures.reports:
        return None
    title = _("Activity reports per month and per SDG")
    fig = _figure()
    left, right = fig.subplots(1, 2, width_ratios=(1, 1))
    labels = _month_labels(figures.months, language)
    per_month = [figures.reports.get(m, 0) for m in figures.months]
    left.bar(labels, per_month, color="tab:blue")
    left.set_title(_("Activity reports per month"))
    left.set_ylabel(_("Activity reports"))
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    _thin_ticks(left, len(labels))
    goals = sorted(figures.sdgs, key=int)
    right.barh(
        [_(SDG_LABELS.get(g, g)) for g in goals][::-1], [figures.sdgs[g] for g in goals][::-1]
    )
    right.set_title(_("Activity reports per SDG"))
    right.set_xlabel(_("Activity reports"))
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not goals:
        right.text(0.5, 0.5, _("No SDG named"), ha="center", va="center", transform=right.transAxes)
    total = sum(per_month)
    lines = [heading, _("Activity reports: {count}").format(count=_number(total, language))]
    lines += [
        _("{label}: {count}").format(label=label, count=_number(n, language))
        for label, n in zip(labels, per_month, strict=True)
        if n
    ]
    lines += [
        _("{label}: {count}").format(
            label=_(SDG_LABELS.get(g, g)), count=_number(figures.sdgs[g], language)
        )
        for g in goals
    ]
    return _finish(fig, title, lines, heading)


def _participants_chart(figures: Figures, heading: str, language: str) -> Chart | None:
    if not figures.participants:
        return None
    title = _("Participants and the share of women")
    labels = _month_labels(figures.months, language)
    women = [figures.participants.get(m, (0, 0))[1] for m in figures.months]
    others = [
        figures.participants.get(m, (0, 0))[0] - w
        for m, w in zip(figures.months, women, strict=True)
    ]
    total, all_women = sum(women) + sum(others), sum(women)
    share = format_percent(all_women / total if total else 0, locale=language)
    fig = _figure()
    ax = fig.subplots()
    ax.bar(labels, women, label=_("Women"), color="tab:purple")
    ax.bar(labels, others, bottom=women, label=_("Other participants"), color="tab:gray")
    ax.set_ylabel(_("Participants"))
    ax.set_title(_("Share of women: {share}").format(share=share))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left")
    _thin_ticks(ax, len(labels))
    lines = [
        heading,
        _("Participants: {total}, of them women: {women} ({share})").format(
            total=_number(total, language), women=_number(all_women, language), share=share
        ),
    ]
    return _finish(fig, title, lines, heading)


def _overdue_chart(figures: Figures, heading: str, language: str) -> Chart | None:
    if not figures.overdue:
        return None
    title = _("Overdue deadlines now, by kind")
    kinds = sorted(figures.overdue, key=lambda k: (-figures.overdue[k], k))
    names = [_(DEADLINE_KINDS.get(kind, DEADLINE_KINDS["custom"])) for kind in kinds]
    values = [figures.overdue[kind] for kind in kinds]
    fig = _figure()
    ax = fig.subplots()
    ax.barh(names[::-1], values[::-1], color="tab:red")
    ax.set_xlabel(_("Overdue deadlines"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    total = sum(values)
    lines = [_("Overdue deadlines now: {count}").format(count=_number(total, language))]
    lines += [
        _("{label}: {count}").format(label=name, count=_number(value, language))
        for name, value in zip(names, values, strict=True)
    ]
    return _finish(fig, title, lines)


# -- drawing --------------------------------------------------------------------------------
def _figure() -> Figure:
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _month_labels(months: Sequence[date], language: str) -> list[str]:
    return [format_skeleton("yMMM", month, locale=language) for month in months]


def _thin_ticks(ax: Axes, count: int) -> None:
    """At most about twelve month names under the bars, turned when they would crowd."""
    step = max(1, -(-count // 12))
    for index, label in enumerate(ax.get_xticklabels()):
        label.set_visible(index % step == 0)
    if count > 4:
        ax.tick_params(axis="x", labelrotation=45)


def _finish(fig: Figure, title: str, lines: list[str], period: str = "") -> Chart:
    """The chart with its title above and its period below (a forwarded image still says
    what it shows)."""
    fig.suptitle(title, fontsize="x-large", fontweight="bold")
    if period:
        fig.supxlabel(period, fontsize="medium", color="dimgray")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    texts = tuple(t.get_text() for t in fig.findobj(Text) if t.get_text())
    return Chart(title, texts, _caption([title, *lines]), buffer.getvalue())


def _caption(lines: list[str]) -> str:
    """The lines that fit into a caption, with an ellipsis for the rest."""
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line, "…"])) > MAX_CAPTION:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join(kept)


def _number(value: int, language: str) -> str:
    return format_decimal(value, locale=language)
