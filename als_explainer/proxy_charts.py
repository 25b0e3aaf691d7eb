"""Charts of the illustrative caching model (:mod:`als_explainer.proxy_model`).

Each function takes model output and returns a finished figure in the house style; the
chapter publishes it with :func:`als_explainer.charts.publish`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .charts import PALETTE, PHONE_MIN_TEXT, PHONE_WIDTH
from .proxy_model import RESPONSES, Assumptions

PATH_COLOURS = {"direct": PALETTE["orange"], "proxied": PALETTE["blue"]}
PATH_LABELS = {"direct": "straight to the origin", "proxied": "through the nearest edge server"}


def _ms(value, _pos=None) -> str:
    return f"{value:,.0f}"


def _panels(phone: bool, size: tuple[float, float], ratios: list[float]):
    """Two panels side by side, or, for a ``phone``, one above the other."""
    if phone:
        return plt.subplots(2, 1, figsize=(PHONE_WIDTH, 6.6), layout="constrained")
    return plt.subplots(1, 2, figsize=size, width_ratios=ratios, layout="constrained")


def _key_below(fig, ax, phone: bool) -> None:
    """The key to the two paths, below the panels, where it covers no curve."""
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=1 if phone else 2,
               fontsize=PHONE_MIN_TEXT if phone else 8.5)


def latency_figure(direct: pd.DataFrame, proxied: pd.DataFrame, phone: bool = False):
    """Left (top, on a ``phone``): share of requests answered within x ms. Right (below):
    median per region of readers. The key sits under both panels."""
    fig, (left, right) = _panels(phone, (9, 3.9), [1.25, 1])
    for key, run in (("direct", direct), ("proxied", proxied)):
        # The distribution at 160 evenly spaced shares: the same curve to the eye as one
        # step per request, at a fraction of the SVG's weight.
        share = np.linspace(0, 1, 161)
        values = np.quantile(run.loc[run["served"], "latency_ms"].to_numpy(), share)
        left.step(values, share, where="post", color=PATH_COLOURS[key], label=PATH_LABELS[key])
    left.set_xscale("log")
    left.xaxis.set_major_formatter(FuncFormatter(_ms))
    left.yaxis.set_major_formatter(PercentFormatter(1.0))
    left.set_xlabel("time to receive a file (ms, log scale)")
    left.set_ylabel("share of requests answered")
    left.set_ylim(0, 1.02)
    _key_below(fig, left, phone)

    medians = pd.DataFrame({
        key: run[run["served"]].groupby("region", observed=True)["latency_ms"].median()
        for key, run in (("direct", direct), ("proxied", proxied))
    })
    rows = np.arange(len(medians))[::-1]
    right.hlines(rows, medians["proxied"], medians["direct"], color="#BBBBBB", linewidth=2)
    for key in ("direct", "proxied"):
        right.plot(medians[key], rows, "o", color=PATH_COLOURS[key], markersize=7,
                   label=PATH_LABELS[key])
    right.set_yticks(rows, medians.index)
    right.set_xlabel("median time to receive a file (ms)")
    right.xaxis.set_major_formatter(FuncFormatter(_ms))
    right.set_xlim(0, None)
    right.grid(axis="y", visible=False)
    return fig


def origin_load_figure(direct: pd.DataFrame, proxied: pd.DataFrame, phone: bool = False):
    """Left (top, on a ``phone``): requests reaching the origin per hour. Right (below):
    cache hit ratio per region. The key sits under both panels."""
    fig, (left, right) = _panels(phone, (9, 3.7), [1.3, 1])
    for key, run in (("direct", direct), ("proxied", proxied)):
        per_hour = run.loc[run["reached_origin"], "time_h"].floordiv(1).value_counts().sort_index()
        hours = np.arange(int(np.ceil(run["time_h"].max())))
        left.step(hours, per_hour.reindex(hours, fill_value=0), where="post",
                  color=PATH_COLOURS[key], label=PATH_LABELS[key])
    left.set_xlabel("hour of the simulation")
    left.set_ylabel("requests reaching the origin")
    left.set_ylim(0, None)
    _key_below(fig, left, phone)

    via_edge = proxied[proxied["route"].isin(["edge hit", "edge miss"])]
    ratio = (via_edge["route"] == "edge hit").groupby(via_edge["region"], observed=True).mean()
    rows = np.arange(len(ratio))[::-1]
    right.barh(rows, ratio.to_numpy(), color=PALETTE["blue"], height=0.6)
    for y, value in zip(rows, ratio.to_numpy()):
        right.text(value - 0.02, y, f"{value:.0%}", ha="right", va="center", color="white",
                   fontsize=8.5, fontweight="bold")
    right.set_yticks(rows, ratio.index)
    right.set_xlim(0, 1)
    right.xaxis.set_major_formatter(PercentFormatter(1.0))
    right.set_xlabel("requests answered from the edge cache")
    right.grid(axis="y", visible=False)
    return fig


def responses_figure(table: pd.DataFrame, a: Assumptions, before: float = 6, after: float = 18,
                     phone: bool = False):
    """One pair of panels per response to a notice: availability and speed over time.

    ``table`` comes from :func:`als_explainer.proxy_model.notice_responses`. Each
    response is a column (availability on top, speed below), or, for a ``phone``, a
    row (availability left, speed right). The no-action baseline is drawn as a dashed
    grey line in every panel; the notice is a vertical line; the stretch during which
    cached copies may outlive a deletion at the origin, and the gap after the proxy
    stops serving, are shaded. The panels show from ``before`` hours before the notice
    to ``after`` hours after it.
    """
    shown = [k for k in RESPONSES if k != "none"]
    if phone:
        return _responses_for_phone(table, a, shown, before, after)
    fig, axes = plt.subplots(2, len(shown), figsize=(9.6, 4.4), sharex=True, sharey="row")
    baseline = table[table["response"] == "none"]
    for column, key in enumerate(shown):
        top, bottom = axes[0, column], axes[1, column]
        _response_panels(top, bottom, table, baseline, key, a)
        top.set_title(RESPONSES[key], fontsize=8.5)
        bottom.set_xlabel("hour")
    axes[0, 0].set_xlim(a.notice_hour - before, a.notice_hour + after)
    axes[0, 0].set_ylim(-0.05, 1.05)
    axes[0, 0].yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0, 0].set_ylabel("requests for the\nfile that got it")
    axes[1, 0].set_ylabel("median time to\nreceive it (ms)")
    axes[1, 0].set_ylim(0, None)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8.5,
               bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def _responses_for_phone(table: pd.DataFrame, a: Assumptions, shown: list[str], before: float,
                         after: float):
    """The responses chart for a phone: one row per response, named above it, with the
    share of requests served on the left and the median wait on the right."""
    fig, axes = plt.subplots(len(shown), 2, figsize=(PHONE_WIDTH, 1.45 * len(shown) + 0.9),
                             sharex=True, sharey="col", layout="constrained")
    baseline = table[table["response"] == "none"]
    for row, key in enumerate(shown):
        left, right = axes[row, 0], axes[row, 1]
        _response_panels(left, right, table, baseline, key, a)
        left.set_title(RESPONSES[key], fontsize=PHONE_MIN_TEXT + 0.5, loc="left", fontweight="bold")
        left.set_ylabel("got the file", fontsize=PHONE_MIN_TEXT)
        right.set_ylabel("median wait (ms)", fontsize=PHONE_MIN_TEXT)
    for ax in axes.flat:
        ax.tick_params(labelsize=PHONE_MIN_TEXT)
    for ax in axes[-1]:
        ax.set_xlabel("hour", fontsize=PHONE_MIN_TEXT)
    axes[0, 0].set_xlim(a.notice_hour - before, a.notice_hour + after)
    axes[0, 0].set_ylim(-0.05, 1.05)
    axes[0, 0].yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes[0, 0].yaxis.set_major_locator(plt.FixedLocator([0, 0.5, 1]))
    axes[0, 1].set_ylim(0, None)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower left", ncols=1, fontsize=PHONE_MIN_TEXT)
    return fig


def _response_panels(availability, speed, table: pd.DataFrame, baseline: pd.DataFrame, key: str,
                     a: Assumptions) -> None:
    """One response's two panels: the share of requests served, and the median wait."""
    run = table[table["response"] == key]
    for ax, field in ((availability, "availability"), (speed, "median latency ms")):
        ax.step(baseline["hour"], baseline[field], where="post", color=PALETTE["grey"],
                linestyle="--", linewidth=1.3, label="no action")
        ax.step(run["hour"], run[field], where="post", color=PALETTE["vermillion"],
                linewidth=2, label="after this response")
        ax.axvline(a.notice_hour, color=PALETTE["black"], linewidth=1)
        if key in ("remove", "remove-and-purge"):
            ax.axvspan(a.notice_hour, a.notice_hour + a.cache_ttl_hours,
                       color=PALETTE["sky"], alpha=0.25, linewidth=0)
        if key == "terminate":
            ax.axvspan(a.notice_hour, a.notice_hour + a.outage_hours,
                       color=PALETTE["yellow"], alpha=0.35, linewidth=0)


# --------------------------------------------------------------------------- the diagram

_ADDRESS = {"origin": "203.0.113.7", "edge": "198.51.100.20"}  # made-up example addresses


_BOX_W, _BOX_H = 2.5, 0.8


def _node(ax, x, y, title, detail, colour, size=(2.5, 0.8), text=(8.5, 7.5)):
    from matplotlib.patches import FancyBboxPatch

    width, height = size
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0,rounding_size=0.08",
                                facecolor="white", edgecolor=colour, linewidth=2))
    ax.text(x, y + height * 0.175, title, ha="center", va="center", fontsize=text[0], fontweight="bold")
    ax.text(x, y - height * 0.21, detail, ha="center", va="center", fontsize=text[1], color="#333333")


def _arrow(ax, start, end, text, colour, at, dashed=False, ha="center", size=7.5):
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.6,
                            "linestyle": "--" if dashed else "-", "shrinkA": 0, "shrinkB": 0})
    ax.text(*at, text, ha=ha, va="center", fontsize=size, color="#222222")


def proxy_diagram(phone: bool = False):
    """How a reader finds a site, without and with a reverse proxy in front of it.

    The addresses are made up. Without a proxy, the directory (DNS) gives the reader the
    host's address and the reader fetches from the host; with one, it gives the proxy's
    address, and the proxy's edge server goes to the host only when its cache has no
    fresh copy. For a ``phone``, each chain runs down the page (:func:`_phone_diagram`).
    """
    if phone:
        return _phone_diagram()
    fig, axes = plt.subplots(2, 1, figsize=(8, 5.0))
    for ax, proxied in zip(axes, (False, True)):
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 3.3)
        ax.axis("off")
        ax.set_title("with a reverse proxy" if proxied else "without a reverse proxy",
                     fontsize=9.5, loc="left")
        answer = _ADDRESS["edge"] if proxied else _ADDRESS["origin"]
        _node(ax, 1.4, 2.7, "DNS", "the internet's directory", PALETTE["grey"])
        _node(ax, 1.4, 0.5, "Reader", "wants example.com", PALETTE["black"])
        _node(ax, 8.6, 0.5, "Origin server", f"at the host: {_ADDRESS['origin']}",
              PALETTE["orange"])
        _arrow(ax, (1.1, 0.9), (1.1, 2.3), "1. where is\nexample.com?", PALETTE["grey"],
               at=(1.0, 1.6), ha="right")
        _arrow(ax, (1.7, 2.3), (1.7, 0.9), f"2. at {answer}", PALETTE["grey"],
               at=(1.85, 1.6), ha="left")
        if proxied:
            _node(ax, 5.6, 2.2, "Edge server", f"of the proxy: {_ADDRESS['edge']}",
                  PALETTE["blue"])
            _arrow(ax, (2.65, 0.6), (4.35, 1.85), "3. request", PALETTE["blue"],
                   at=(3.65, 1.05), ha="left")
            _arrow(ax, (6.85, 1.85), (8.3, 0.9), "4. only when its cache\nhas no fresh copy",
                   PALETTE["orange"], at=(7.75, 1.75), dashed=True, ha="left")
        else:
            _arrow(ax, (2.65, 0.5), (7.35, 0.5), "3. request, straight to the host",
                   PALETTE["orange"], at=(5.0, 0.7))
    fig.tight_layout()
    return fig


def _phone_diagram():
    """The proxy diagram for a phone: the same boxes, arrows and words, each chain
    running down the page (DNS, the reader, then the edge server and the origin), the
    chain without a proxy above the one with it. Units are inches."""
    size, text, arrow = (1.9, 0.7), (PHONE_MIN_TEXT + 1, PHONE_MIN_TEXT), PHONE_MIN_TEXT
    fig, axes = plt.subplots(2, 1, figsize=(PHONE_WIDTH, 7.0), height_ratios=[2.75, 3.8])
    x, lane = 1.3, 1.0  # the boxes' centre; the space between two boxes in a chain
    for ax, proxied in zip(axes, (False, True)):
        steps = 4 if proxied else 3
        height = 0.45 + steps * size[1] + (steps - 1) * (lane - size[1]) + 0.05
        ax.set_xlim(0, PHONE_WIDTH)
        ax.set_ylim(0, height)
        ax.axis("off")
        ax.set_title("with a reverse proxy" if proxied else "without a reverse proxy",
                     fontsize=PHONE_MIN_TEXT + 1.5, loc="left")
        answer = _ADDRESS["edge"] if proxied else _ADDRESS["origin"]
        centres = [height - 0.1 - size[1] / 2 - i * lane for i in range(steps)]
        _node(ax, x, centres[0], "DNS", "the internet's directory", PALETTE["grey"], size, text)
        _node(ax, x, centres[1], "Reader", "wants example.com", PALETTE["black"], size, text)
        below, above = centres[1] + size[1] / 2, centres[0] - size[1] / 2
        _arrow(ax, (x - 0.35, below), (x - 0.35, above), "1. where is\nexample.com?",
               PALETTE["grey"], at=(x - 0.45, (below + above) / 2), ha="right", size=arrow)
        _arrow(ax, (x + 0.35, above), (x + 0.35, below), f"2. at\n{answer}", PALETTE["grey"],
               at=(x + 0.45, (below + above) / 2), ha="left", size=arrow)
        if proxied:
            _node(ax, x, centres[2], "Edge server", f"of the proxy:\n{_ADDRESS['edge']}",
                  PALETTE["blue"], size, text)
        _node(ax, x, centres[-1], "Origin server", f"at the host:\n{_ADDRESS['origin']}",
              PALETTE["orange"], size, text)
        hops = ([(1, 2, "3. request", PALETTE["blue"], False),
                 (2, 3, "4. only when its cache\nhas no fresh copy", PALETTE["orange"], True)]
                if proxied else [(1, 2, "3. request, straight\nto the host", PALETTE["orange"], False)])
        for start, end, words, colour, dashed in hops:
            top, bottom = centres[start] - size[1] / 2, centres[end] + size[1] / 2
            _arrow(ax, (x, top), (x, bottom), words, colour, at=(x + 0.12, (top + bottom) / 2),
                   dashed=dashed, ha="left", size=arrow)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.96, bottom=0.01, hspace=0.12)
    return fig
