"""A toy model of a website behind a caching reverse proxy. An illustration, not evidence.

Readers in several regions ask for files from a website whose server (the *origin*)
sits in one region. They either reach the origin directly, or go through the edge
server of a reverse proxy nearest to them, which answers from its cache when it holds a
fresh copy and otherwise fetches the file from the origin and keeps it for
``cache_ttl_hours``. The caches start in their steady state (see :func:`initial_cache`).

At ``notice_hour`` someone acts on a notice about one file (``target_file``), in one of
the ways listed in :data:`RESPONSES`: the proxy purges its cached copies, the proxy
refuses to serve the file, the proxy stops serving the site, or the host deletes the
file from the origin (alone, or with a purge). The model shows what each response
changes for readers.

Every number in :class:`Assumptions` is a round, made-up value chosen to be plausible,
not a measurement of Cloudflare, of the sites in the case, or of any real network. The
model is seeded: the same assumptions give the same requests and the same results.

Typical use::

    a = Assumptions()
    direct = simulate(a, mode="direct")
    proxied = simulate(a, mode="proxied")
    compare_paths(direct, proxied)          # latency, origin load, hit ratio
    numbers(a, direct, proxied, response_runs(a))  # what the chapter quotes
    notice_responses(a)                     # hour-by-hour availability of the file
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

#: What can be done about a notice, in the order the book shows them.
RESPONSES = {
    "none": "no action",
    "purge": "proxy purges its copies",
    "block": "proxy blocks the file",
    "terminate": "proxy drops the site",
    "remove": "host deletes the file",
    "remove-and-purge": "host deletes, proxy purges",
}

#: How a request was answered.
ROUTES = ("direct", "edge hit", "edge miss", "unreachable", "blocked")


@dataclass(frozen=True)
class Region:
    """Readers in one part of the world, and how far they are from the servers."""

    name: str
    share: float          # share of all requests that come from here
    rtt_origin_ms: float  # round trip from these readers (and their edge) to the origin
    rtt_edge_ms: float    # round trip from these readers to their nearest edge server


DEFAULT_REGIONS = (
    Region("Europe (origin here)", 0.30, 20.0, 10.0),
    Region("North America", 0.30, 100.0, 12.0),
    Region("South America", 0.10, 200.0, 20.0),
    Region("Asia", 0.20, 250.0, 15.0),
    Region("Oceania", 0.10, 300.0, 20.0),
)


def _meta(label: str, unit: str, meaning: str) -> dict:
    return {"label": label, "unit": unit, "meaning": meaning}


@dataclass(frozen=True)
class Assumptions:
    """Every assumption of the model, with its value, unit and meaning.

    The chapter's assumptions table is generated from these fields (see
    :func:`assumptions_table`), so the table and the model cannot disagree.
    """

    seed: int = field(default=2016, metadata=_meta(
        "Random seed", "", "The same seed gives the same requests and the same results."))
    hours: float = field(default=48.0, metadata=_meta(
        "Simulated period", "hours", "How long the model watches the site."))
    requests_per_hour: float = field(default=600.0, metadata=_meta(
        "Traffic", "requests per hour", "Requests from all readers together, on average "
        "(arrivals are random)."))
    n_files: int = field(default=100, metadata=_meta(
        "Files on the site", "files", "How many different files readers ask for."))
    zipf_exponent: float = field(default=1.0, metadata=_meta(
        "Popularity skew", "Zipf exponent", "How strongly demand concentrates on the most "
        "popular files (0 = all equally popular)."))
    cache_ttl_hours: float = field(default=4.0, metadata=_meta(
        "Cache lifetime", "hours", "How long an edge server keeps a copy before it must "
        "fetch the file from the origin again."))
    round_trips: int = field(default=3, metadata=_meta(
        "Round trips per request", "round trips", "Exchanges a reader needs to fetch a file "
        "over a new connection (connect, secure, request)."))
    edge_fetch_round_trips: int = field(default=1, metadata=_meta(
        "Round trips, edge to origin", "round trips", "An edge server keeps its connection "
        "to the origin open, so a fetch costs one round trip."))
    origin_ms: float = field(default=30.0, metadata=_meta(
        "Origin response time", "ms", "Time the origin server takes to answer a request."))
    edge_ms: float = field(default=2.0, metadata=_meta(
        "Edge response time", "ms", "Time an edge server takes to answer from its cache."))
    jitter: float = field(default=0.3, metadata=_meta(
        "Network variability", "log-normal sigma", "Each request's network delays are "
        "multiplied by a random factor around 1."))
    notice_hour: float = field(default=18.0, metadata=_meta(
        "Time of the response", "hour", "When the proxy or the host acts on a notice about "
        "one file."))
    target_file: int = field(default=0, metadata=_meta(
        "File named in the notice", "rank", "0 is the most requested file."))
    outage_hours: float = field(default=3.0, metadata=_meta(
        "Gap after the proxy stops serving", "hours", "How long the site is unreachable "
        "until its operator points the domain straight at the origin."))
    regions: tuple[Region, ...] = field(default=DEFAULT_REGIONS, metadata=_meta(
        "Readers", "", "Where requests come from and how far each region is from the "
        "origin and from its nearest edge server."))

    def __post_init__(self):
        def need(ok: bool, name: str, rule: str, value) -> None:
            if not ok:
                raise ValueError(f"Assumptions.{name} = {value!r}: {rule}")

        need(self.hours > 0, "hours", "must be positive", self.hours)
        need(self.requests_per_hour > 0, "requests_per_hour", "must be positive",
             self.requests_per_hour)
        need(self.n_files >= 1, "n_files", "must be at least 1", self.n_files)
        need(self.zipf_exponent >= 0, "zipf_exponent", "must not be negative", self.zipf_exponent)
        need(self.cache_ttl_hours > 0, "cache_ttl_hours", "must be positive", self.cache_ttl_hours)
        need(self.round_trips >= 1, "round_trips", "must be at least 1", self.round_trips)
        need(self.edge_fetch_round_trips >= 1, "edge_fetch_round_trips", "must be at least 1",
             self.edge_fetch_round_trips)
        need(self.origin_ms >= 0, "origin_ms", "must not be negative", self.origin_ms)
        need(0 <= self.edge_ms <= self.origin_ms, "edge_ms",
             "must be between 0 and origin_ms (an edge answers from memory)", self.edge_ms)
        need(self.jitter >= 0, "jitter", "must not be negative", self.jitter)
        need(0 < self.notice_hour < self.hours, "notice_hour", "must fall inside the period",
             self.notice_hour)
        need(0 <= self.target_file < self.n_files, "target_file",
             f"must be a file rank from 0 to {self.n_files - 1}", self.target_file)
        need(self.outage_hours >= 0, "outage_hours", "must not be negative", self.outage_hours)
        need(len(self.regions) >= 1, "regions", "needs at least one region", self.regions)
        for region in self.regions:
            need(region.share > 0, "regions", f"{region.name}: share must be positive", region)
            need(0 < region.rtt_edge_ms <= region.rtt_origin_ms, "regions",
                 f"{region.name}: the nearest edge must be at least as close as the origin",
                 region)
        total = sum(r.share for r in self.regions)
        need(math.isclose(total, 1.0, abs_tol=1e-9), "regions",
             f"shares must add up to 1 (they add up to {total:g})", total)


# --------------------------------------------------------------------------- requests


def requests(a: Assumptions) -> pd.DataFrame:
    """The seeded stream of requests every run of ``a`` shares, in time order.

    Columns: ``time_h``, ``region`` (index into ``a.regions``), ``file`` (popularity
    rank), and two random network factors (``reader_factor`` for the reader's own
    connection, ``fetch_factor`` for an edge's fetch from the origin).
    """
    rng = np.random.default_rng(a.seed)
    counts = rng.poisson([a.requests_per_hour * a.hours * r.share for r in a.regions])
    region = np.repeat(np.arange(len(a.regions)), counts)
    time_h = rng.uniform(0.0, a.hours, size=region.size)
    file = rng.choice(a.n_files, size=region.size, p=popularity(a))
    reader_factor = rng.lognormal(0.0, a.jitter, size=region.size)
    fetch_factor = rng.lognormal(0.0, a.jitter, size=region.size)
    order = np.lexsort((region, time_h))  # by time; ties (never in practice) by region
    return pd.DataFrame({
        "time_h": time_h[order],
        "region": region[order],
        "file": file[order],
        "reader_factor": reader_factor[order],
        "fetch_factor": fetch_factor[order],
    })


def popularity(a: Assumptions) -> np.ndarray:
    """The share of requests that asks for each file, most popular first (Zipf)."""
    weights = 1.0 / np.arange(1, a.n_files + 1) ** a.zipf_exponent
    return weights / weights.sum()


def initial_cache(a: Assumptions) -> np.ndarray:
    """Until when each edge (row) holds each file (column) at hour 0; ``-inf`` if it does not.

    The run starts with the caches in their steady state rather than empty, so that the
    edges' copies do not all expire at the same moment: an edge holds a file with the
    long-run probability ``rate * lifetime / (1 + rate * lifetime)`` (``rate`` being that
    edge's requests per hour for the file), and a copy it holds has a uniformly random
    time left to live. The draws come from their own seeded stream.
    """
    rng = np.random.default_rng([a.seed, 1])
    shares = np.array([r.share for r in a.regions])
    rate = a.requests_per_hour * np.outer(shares, popularity(a))
    held = rate * a.cache_ttl_hours / (1 + rate * a.cache_ttl_hours)
    cached, left = rng.uniform(size=rate.shape), rng.uniform(size=rate.shape)
    return np.where(cached < held, left * a.cache_ttl_hours, -np.inf)


# --------------------------------------------------------------------------- simulation


def simulate(a: Assumptions, mode: str = "proxied", response: str = "none") -> pd.DataFrame:
    """Answer every request of :func:`requests` and say how.

    ``mode`` is ``"direct"`` (readers reach the origin themselves) or ``"proxied"``
    (readers reach their nearest edge server). ``response`` is a key of
    :data:`RESPONSES`, applied at ``a.notice_hour`` to ``a.target_file``; a direct site
    has no proxy, so only ``"none"`` and ``"remove"`` apply to it.

    Returns one row per request: ``time_h``, ``region`` (name), ``file``, ``target``
    (is it the file named in the notice), ``route`` (one of :data:`ROUTES`),
    ``reached_origin`` (did the request cause a request to the origin), ``served``
    (did the reader get the file) and ``latency_ms`` (for served requests only).
    """
    if mode not in ("direct", "proxied"):
        raise ValueError(f'mode "{mode}" is not "direct" or "proxied"')
    if response not in RESPONSES:
        raise ValueError(f'response "{response}" is not one of {", ".join(RESPONSES)}')
    if mode == "direct" and response not in ("none", "remove"):
        raise ValueError(f'response "{response}" needs a proxy; a direct site has none')

    stream = requests(a)
    never = math.inf
    removed_at = a.notice_hour if response in ("remove", "remove-and-purge") else never
    purge_at = a.notice_hour if response in ("purge", "remove-and-purge") else never
    stop_at = a.notice_hour if response == "terminate" else never
    block_at = a.notice_hour if response == "block" else never

    times = stream["time_h"].tolist()
    regions = stream["region"].tolist()
    files = stream["file"].tolist()
    n = len(times)
    route = [0] * n            # index into ROUTES
    reached = [False] * n
    served = [False] * n

    if mode == "direct":
        for i in range(n):
            reached[i] = True
            served[i] = not (files[i] == a.target_file and times[i] >= removed_at)
    else:
        # expiry[r][f]: until when the edge of region r holds a fresh copy of file f
        expiry = initial_cache(a).tolist()
        purged = False
        for i in range(n):
            t, r, f = times[i], regions[i], files[i]
            if not purged and t >= purge_at:
                for edge in expiry:
                    edge[a.target_file] = -never
                purged = True
            if t >= stop_at:  # the proxy no longer answers for the site
                if t < stop_at + a.outage_hours:
                    route[i] = 3
                    continue
                route[i] = 0
                reached[i] = True
                served[i] = not (f == a.target_file and t >= removed_at)
                continue
            if f == a.target_file and t >= block_at:
                route[i] = 4  # the edge refuses the request; the origin never sees it
                continue
            if t < expiry[r][f]:
                route[i] = 1
                served[i] = True
                continue
            route[i] = 2
            reached[i] = True
            if f == a.target_file and t >= removed_at:
                continue  # the origin no longer has it: nothing to serve or cache
            served[i] = True
            expiry[r][f] = t + a.cache_ttl_hours

    route_arr = np.asarray(route)
    served_arr = np.asarray(served, dtype=bool)
    latency = _latency(a, stream, route_arr)
    latency[~served_arr] = np.nan
    return pd.DataFrame({
        "time_h": stream["time_h"],
        "region": pd.Categorical.from_codes(stream["region"], [r.name for r in a.regions]),
        "file": stream["file"],
        "target": stream["file"].to_numpy() == a.target_file,
        "route": pd.Categorical.from_codes(route_arr, ROUTES),
        "reached_origin": np.asarray(reached, dtype=bool),
        "served": served_arr,
        "latency_ms": latency,
    })


def _latency(a: Assumptions, stream: pd.DataFrame, route: np.ndarray) -> np.ndarray:
    """Milliseconds from asking to receiving, for each request's route."""
    rtt_origin = np.array([r.rtt_origin_ms for r in a.regions])[stream["region"]]
    rtt_edge = np.array([r.rtt_edge_ms for r in a.regions])[stream["region"]]
    reader = stream["reader_factor"].to_numpy()
    fetch = stream["fetch_factor"].to_numpy()
    direct = a.round_trips * rtt_origin * reader + a.origin_ms
    hit = a.round_trips * rtt_edge * reader + a.edge_ms
    miss = hit + a.edge_fetch_round_trips * rtt_origin * fetch + a.origin_ms
    return np.select([route == 0, route == 1, route == 2], [direct, hit, miss], np.nan)


# --------------------------------------------------------------------------- summaries


def path_summary(run: pd.DataFrame) -> dict:
    """Counts and latency for one run (every request, every file)."""
    counts = run["route"].value_counts()
    served = run.loc[run["served"], "latency_ms"]
    via_edge = int(counts["edge hit"] + counts["edge miss"])
    return {
        "requests": len(run),
        "served": int(run["served"].sum()),
        "direct": int(counts["direct"]),
        "edge hits": int(counts["edge hit"]),
        "edge misses": int(counts["edge miss"]),
        "unreachable": int(counts["unreachable"]),
        "blocked": int(counts["blocked"]),
        "origin requests": int(run["reached_origin"].sum()),
        "hit ratio": counts["edge hit"] / via_edge if via_edge else float("nan"),
        "median latency ms": float(served.median()),
        "p95 latency ms": float(served.quantile(0.95)),
    }


def compare_paths(direct: pd.DataFrame, proxied: pd.DataFrame) -> pd.DataFrame:
    """The two ways of reaching the site side by side (one row each)."""
    return pd.DataFrame([path_summary(direct), path_summary(proxied)],
                        index=pd.Index(["direct", "proxied"], name="path"))


def hourly(run: pd.DataFrame, target_only: bool = True, bin_hours: float = 1.0) -> pd.DataFrame:
    """Per time bin: requests, files served, share served, median latency, origin requests."""
    rows = run[run["target"]] if target_only else run
    hour = (rows["time_h"] // bin_hours * bin_hours).rename("hour")
    grouped = rows.groupby(hour)
    out = pd.DataFrame({
        "requests": grouped.size(),
        "served": grouped["served"].sum(),
        "origin requests": grouped["reached_origin"].sum(),
        "median latency ms": grouped["latency_ms"].median(),
    })
    out["availability"] = out["served"] / out["requests"]
    return out.reset_index()


def response_runs(a: Assumptions) -> dict[str, pd.DataFrame]:
    """One proxied run per response in :data:`RESPONSES`, all on the same requests."""
    return {key: simulate(a, "proxied", key) for key in RESPONSES}


def notice_responses(a: Assumptions, runs: dict[str, pd.DataFrame] | None = None,
                     bin_hours: float = 1.0) -> pd.DataFrame:
    """Bin by bin, what happens to the file named in the notice under each response.

    One row per (response, time bin of ``bin_hours``), for every response in
    :data:`RESPONSES` on the proxied site; columns as in :func:`hourly`, plus ``response``.
    """
    runs = runs or response_runs(a)
    frames = []
    for key, run in runs.items():
        frame = hourly(run, bin_hours=bin_hours)
        frame.insert(0, "response", key)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def response_summary(a: Assumptions, runs: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """For each response: how much of the file still reached readers after the notice.

    Columns: ``response`` (key), ``description``, ``served after notice`` (share of
    requests for the file after ``notice_hour`` that got it), ``served once caches
    expired`` (the same share from ``notice_hour + cache_ttl_hours`` on),
    ``last served hour`` (time of the last successful request for the file), and
    ``median latency ms`` for the file after the notice.
    """
    runs = runs or response_runs(a)
    rows = []
    for key, run in runs.items():
        file = run[run["target"]]
        after = file[file["time_h"] >= a.notice_hour]
        expired = file[file["time_h"] >= a.notice_hour + a.cache_ttl_hours]
        rows.append({
            "response": key,
            "description": RESPONSES[key],
            "served after notice": after["served"].mean(),
            "served once caches expired": expired["served"].mean(),
            "last served hour": float(file.loc[file["served"], "time_h"].max()),
            "median latency ms": float(after.loc[after["served"], "latency_ms"].median()),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- assumptions


def _plain(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def assumptions_table(a: Assumptions | None = None) -> pd.DataFrame:
    """Every assumption of ``a`` as a table: one row per field, one per region of readers."""
    a = a or Assumptions()
    rows = []
    for f in fields(a):
        meta = f.metadata
        value = getattr(a, f.name)
        if f.name == "regions":
            for region in value:
                rows.append({
                    "assumption": f"Readers in {region.name}",
                    "value": f"{region.share:.0%} of requests",
                    "unit": "",
                    "meaning": f"{_plain(region.rtt_origin_ms)} ms round trip to the origin, "
                               f"{_plain(region.rtt_edge_ms)} ms to the nearest edge server.",
                    "parameter": f"regions[{region.name}]",
                })
            continue
        rows.append({"assumption": meta["label"], "value": _plain(value), "unit": meta["unit"],
                     "meaning": meta["meaning"], "parameter": f.name})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- for the prose


def numbers(a: Assumptions, direct: pd.DataFrame, proxied: pd.DataFrame,
            runs: dict[str, pd.DataFrame]) -> dict[str, float]:
    """The numbers the chapter quotes, as plain Python numbers ready to glue.

    The assumptions it restates: ``hours``, ``cache_ttl_hours``, ``notice_hour``,
    ``outage_hours`` and ``regions`` (how many). The results: ``requests``, ``hit_ratio``,
    ``origin_direct``, ``origin_proxied``,
    ``origin_cut`` (share of origin requests the proxy saves), ``median_direct``,
    ``median_proxied``, ``p95_direct``, ``p95_proxied`` (ms); and, for the file named in
    the notice, ``purge_served``, ``block_served``, ``stop_served``, ``stop_after_gap`` (shares served after
    the response, or once the gap after termination is over), ``stop_latency`` and
    ``none_latency`` (median ms after the response), ``remove_served``, ``remove_last``
    (hours from deletion to the last reader served) and ``both_served``.
    """
    paths = compare_paths(direct, proxied)
    summary = response_summary(a, runs).set_index("response")
    file = runs["terminate"][runs["terminate"]["target"]]
    after_gap = file[file["time_h"] >= a.notice_hour + a.outage_hours]
    results = {
        "requests": paths.loc["direct", "requests"],
        "hit_ratio": paths.loc["proxied", "hit ratio"],
        "origin_direct": paths.loc["direct", "origin requests"],
        "origin_proxied": paths.loc["proxied", "origin requests"],
        "origin_cut": 1 - paths.loc["proxied", "origin requests"]
        / paths.loc["direct", "origin requests"],
        "median_direct": paths.loc["direct", "median latency ms"],
        "median_proxied": paths.loc["proxied", "median latency ms"],
        "p95_direct": paths.loc["direct", "p95 latency ms"],
        "p95_proxied": paths.loc["proxied", "p95 latency ms"],
        "purge_served": summary.loc["purge", "served after notice"],
        "block_served": summary.loc["block", "served after notice"],
        "stop_served": summary.loc["terminate", "served after notice"],
        "stop_after_gap": after_gap["served"].mean(),
        "stop_latency": summary.loc["terminate", "median latency ms"],
        "none_latency": summary.loc["none", "median latency ms"],
        "remove_served": summary.loc["remove", "served after notice"],
        "remove_last": summary.loc["remove", "last served hour"] - a.notice_hour,
        "both_served": summary.loc["remove-and-purge", "served after notice"],
    }
    found = {key: int(value) if float(value).is_integer() and key in
             ("requests", "origin_direct", "origin_proxied") else float(value)
             for key, value in results.items()}
    for key in ("hours", "cache_ttl_hours", "notice_hour", "outage_hours"):
        found[key] = float(getattr(a, key))
    found["regions"] = len(a.regions)
    return found
