"""The illustrative caching model: seeded, internally consistent, and true to its story.

These tests check properties a correct model must have, not the code line by line: a
purge alone never takes a file off a site whose origin still has it; a file deleted at
the origin disappears once every cached copy has expired; an edge hit is never slower
than fetching the same request from the origin; and every count adds up.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pandas as pd
import pytest

from als_explainer.proxy_model import (
    RESPONSES,
    Assumptions,
    Region,
    assumptions_table,
    compare_paths,
    hourly,
    initial_cache,
    notice_responses,
    numbers,
    path_summary,
    requests,
    response_summary,
    simulate,
)

BASE = Assumptions()
# Smaller, faster variants that still exercise every branch, including harsh ones:
# a single region, no jitter, heavy jitter, a long cache lifetime, a notice late in the run.
VARIANTS = [
    BASE,
    replace(BASE, seed=7, requests_per_hour=300, hours=30, notice_hour=9.5),
    replace(BASE, seed=11, jitter=0.0, cache_ttl_hours=1.5, notice_hour=5.0, hours=20),
    replace(BASE, seed=12, jitter=1.2, cache_ttl_hours=10, hours=40, notice_hour=30, target_file=3),
    replace(BASE, seed=13, regions=(Region("Only region", 1.0, 80.0, 80.0),), hours=24,
            notice_hour=12, outage_hours=0.5),
]


def after(run: pd.DataFrame, hour: float) -> pd.DataFrame:
    return run[run["target"] & (run["time_h"] >= hour)]


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_results():
    for mode, response in (("direct", "none"), ("proxied", "none"), ("proxied", "remove")):
        pd.testing.assert_frame_equal(simulate(BASE, mode, response), simulate(BASE, mode, response))


def test_different_seed_different_requests():
    first, second = requests(BASE), requests(replace(BASE, seed=BASE.seed + 1))
    assert len(first) != len(second) or not np.allclose(first["time_h"], second["time_h"])


def test_every_run_of_one_assumption_set_answers_the_same_requests():
    # Direct and proxied runs, and every response, are compared request for request.
    runs = [simulate(BASE, "direct")] + [simulate(BASE, "proxied", key) for key in RESPONSES]
    for run in runs[1:]:
        pd.testing.assert_series_equal(run["time_h"], runs[0]["time_h"])
        pd.testing.assert_series_equal(run["file"], runs[0]["file"])
        assert (run["region"] == runs[0]["region"]).all()


def test_requests_are_in_time_order_and_follow_the_declared_mix():
    stream = requests(BASE)
    assert stream["time_h"].is_monotonic_increasing
    assert stream["time_h"].between(0, BASE.hours).all()
    expected = BASE.requests_per_hour * BASE.hours
    assert abs(len(stream) - expected) < 4 * np.sqrt(expected)  # Poisson, 4 sigma
    shares = stream["region"].value_counts(normalize=True).sort_index()
    for index, region in enumerate(BASE.regions):
        assert shares[index] == pytest.approx(region.share, abs=0.02)
    # The most popular file is asked for most often, as a Zipf popularity implies.
    assert stream["file"].value_counts().idxmax() == 0


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize("a", VARIANTS)
@pytest.mark.parametrize("response", list(RESPONSES))
def test_counts_add_up(a, response):
    run = simulate(a, "proxied", response)
    summary = path_summary(run)
    assert (summary["direct"] + summary["edge hits"] + summary["edge misses"]
            + summary["unreachable"] + summary["blocked"]) == summary["requests"] == len(requests(a))
    # Only misses and post-termination direct requests reach the origin.
    assert summary["origin requests"] == summary["edge misses"] + summary["direct"]
    # Every request is either served or not; latency exists exactly for served ones.
    assert run["latency_ms"].notna().sum() == summary["served"]
    # Regions partition the requests.
    assert run.groupby("region", observed=False).size().sum() == len(run)
    # The hourly view of the file adds up to the file's requests.
    per_hour = hourly(run)
    assert per_hour["requests"].sum() == int(run["target"].sum())
    assert per_hour["served"].sum() == int(run.loc[run["target"], "served"].sum())


def test_direct_site_sends_every_request_to_the_origin():
    direct = simulate(BASE, "direct")
    assert direct["reached_origin"].all() and direct["served"].all()
    assert (direct["route"] == "direct").all()


def test_proxied_site_sends_the_origin_only_its_misses():
    table = compare_paths(simulate(BASE, "direct"), simulate(BASE, "proxied"))
    assert table.loc["proxied", "origin requests"] == table.loc["proxied", "edge misses"]
    assert table.loc["proxied", "origin requests"] < table.loc["direct", "origin requests"]
    assert 0 < table.loc["proxied", "hit ratio"] < 1


# --------------------------------------------------------------------------- the cache


@pytest.mark.parametrize("a", VARIANTS)
def test_edge_cache_keeps_a_copy_for_exactly_its_lifetime(a):
    run, start = simulate(a, "proxied"), initial_cache(a)
    names = [r.name for r in a.regions]
    for (region, file), group in run.groupby(["region", "file"], observed=True):
        fresh_until = start[names.index(region), file]  # the copy held at hour 0, if any
        for t, route in zip(group["time_h"], group["route"]):
            if t < fresh_until:
                assert route == "edge hit"  # a fresh copy is always used...
            else:
                assert route == "edge miss"  # ...and a stale or absent one never is
                fresh_until = t + a.cache_ttl_hours


def test_caches_start_warm_but_out_of_step():
    start = initial_cache(BASE)
    held = np.isfinite(start)
    assert held[:, 0].all()  # every edge holds the most popular file...
    assert (start[held] > 0).all() and (start[held] <= BASE.cache_ttl_hours).all()
    assert len(set(start[:, 0])) == len(BASE.regions)  # ...each copy expiring at its own time
    assert held[:, 0].sum() > held[:, -1].sum() or not held[:, -1].any()  # rare files less often


def test_a_longer_cache_lifetime_never_adds_origin_requests():
    loads = [path_summary(simulate(replace(BASE, cache_ttl_hours=ttl)))["origin requests"]
             for ttl in (0.25, 1, 2, 4, 8, 16)]
    assert loads == sorted(loads, reverse=True)
    assert loads[0] > loads[-1]


@pytest.mark.parametrize("a", VARIANTS)
def test_a_cache_hit_is_never_slower_than_the_origin_path(a):
    direct, proxied = simulate(a, "direct"), simulate(a, "proxied")
    hits = proxied["route"] == "edge hit"
    assert hits.any()
    assert (proxied.loc[hits, "latency_ms"] <= direct.loc[hits, "latency_ms"]).all()
    # A miss pays for the reader's trip to the edge and the edge's trip to the origin,
    # so on average it is slower than a hit from the same region.
    by_route = proxied.groupby(["region", "route"], observed=True)["latency_ms"].mean().unstack()
    assert (by_route["edge hit"] <= by_route["edge miss"]).all()


def test_a_hit_costs_the_trip_to_the_edge_not_the_trip_to_the_origin():
    # Move one region's readers much further from the origin: their direct requests and
    # edge misses get slower, their edge hits do not change at all.
    near = replace(BASE, regions=(Region("Readers", 1.0, 50.0, 10.0),))
    far = replace(near, regions=(Region("Readers", 1.0, 400.0, 10.0),))
    near_run, far_run = simulate(near), simulate(far)
    hits = near_run["route"] == "edge hit"
    assert (far_run["route"] == near_run["route"]).all()  # same requests, same cache
    np.testing.assert_allclose(far_run.loc[hits, "latency_ms"], near_run.loc[hits, "latency_ms"])
    assert (far_run.loc[~hits, "latency_ms"] > near_run.loc[~hits, "latency_ms"]).all()
    assert (simulate(far, "direct")["latency_ms"] > simulate(near, "direct")["latency_ms"]).all()


# --------------------------------------------------------------------------- notices


@pytest.mark.parametrize("a", VARIANTS)
def test_a_purge_alone_never_makes_origin_hosted_content_unavailable(a):
    run = simulate(a, "proxied", "purge")
    assert run.loc[run["target"], "served"].all()
    # ...although it does empty the caches: each edge's next request for the file is a miss.
    firsts = after(run, a.notice_hour).groupby("region", observed=True).head(1)
    assert (firsts["route"] == "edge miss").all()


@pytest.mark.parametrize("a", VARIANTS)
def test_host_removal_makes_the_file_unavailable_once_cached_copies_expire(a):
    run, baseline = simulate(a, "proxied", "remove"), simulate(a, "proxied")
    # Nothing changes before the notice.
    before = run["time_h"] < a.notice_hour
    pd.testing.assert_frame_equal(run[before], baseline[before])
    # After it, only copies already in an edge cache can still reach readers...
    served = after(run, a.notice_hour)
    served = served[served["served"]]
    assert (served["route"] == "edge hit").all()
    # ...and once every copy has expired, nobody gets the file.
    assert not after(run, a.notice_hour + a.cache_ttl_hours)["served"].any()
    # Other files are untouched.
    others = ~run["target"]
    assert run.loc[others, "served"].all()


def test_cached_copies_outlive_removal_for_a_while_by_default():
    run = simulate(BASE, "proxied", "remove")
    window = after(run, BASE.notice_hour)
    window = window[window["time_h"] < BASE.notice_hour + BASE.cache_ttl_hours]
    assert window["served"].any() and not window["served"].all()


@pytest.mark.parametrize("a", VARIANTS)
def test_a_block_at_the_proxy_stops_the_file_at_once_and_nothing_else(a):
    run, baseline = simulate(a, "proxied", "block"), simulate(a, "proxied")
    blocked = after(run, a.notice_hour)
    assert not blocked["served"].any() and not blocked["reached_origin"].any()
    assert (blocked["route"] == "blocked").all()
    # Everything else is exactly as without the block.
    others = ~(run["target"] & (run["time_h"] >= a.notice_hour))
    pd.testing.assert_frame_equal(run[others], baseline[others])


@pytest.mark.parametrize("a", VARIANTS)
def test_removal_with_a_purge_takes_the_file_down_at_once(a):
    run = simulate(a, "proxied", "remove-and-purge")
    assert not after(run, a.notice_hour)["served"].any()


@pytest.mark.parametrize("a", VARIANTS)
def test_termination_only_interrupts_and_slows_the_site(a):
    run, direct = simulate(a, "proxied", "terminate"), simulate(a, "direct")
    gap = (run["time_h"] >= a.notice_hour) & (run["time_h"] < a.notice_hour + a.outage_hours)
    assert (run.loc[gap, "route"] == "unreachable").all() and not run.loc[gap, "served"].any()
    later = run["time_h"] >= a.notice_hour + a.outage_hours
    assert run.loc[later, "served"].all()
    # Afterwards readers fetch from the origin themselves, exactly as on a direct site.
    assert (run.loc[later, "route"] == "direct").all()
    np.testing.assert_allclose(run.loc[later, "latency_ms"], direct.loc[later, "latency_ms"])


def test_response_summary_ranks_the_responses_as_the_chapter_says():
    summary = response_summary(BASE).set_index("response")
    assert summary.loc["none", "served after notice"] == 1.0
    assert summary.loc["purge", "served after notice"] == 1.0
    assert summary.loc["terminate", "served once caches expired"] == 1.0
    assert summary.loc["remove", "served once caches expired"] == 0.0
    assert summary.loc["remove-and-purge", "served after notice"] == 0.0
    assert summary.loc["block", "served after notice"] == 0.0
    assert summary.loc["remove", "last served hour"] < BASE.notice_hour + BASE.cache_ttl_hours
    assert summary.loc["terminate", "median latency ms"] > summary.loc["none", "median latency ms"]


def test_notice_responses_has_one_series_per_response():
    table = notice_responses(BASE, bin_hours=0.5)
    assert set(table["response"]) == set(RESPONSES)
    assert table.groupby("response").size().eq(int(BASE.hours / 0.5)).all()
    assert table["availability"].between(0, 1).all()
    # The bins add up to every request for the file.
    run = simulate(BASE, "proxied", "remove")
    mine = table[table["response"] == "remove"]
    assert mine["requests"].sum() == run["target"].sum()
    assert mine["served"].sum() == run.loc[run["target"], "served"].sum()


# --------------------------------------------------------------------------- assumptions


def test_assumptions_table_lists_every_assumption_with_its_current_value():
    a = replace(BASE, cache_ttl_hours=6.5, requests_per_hour=250)
    table = assumptions_table(a).set_index("parameter")
    names = {f.name for f in fields(a)} - {"regions"}
    assert names <= set(table.index)
    assert table.loc["cache_ttl_hours", "value"] == "6.5"
    assert table.loc["requests_per_hour", "value"] == "250"
    regions = [p for p in table.index if p.startswith("regions[")]
    assert len(regions) == len(a.regions)
    assert table["meaning"].str.len().gt(10).all()


@pytest.mark.parametrize("change, field_name", [
    ({"cache_ttl_hours": 0}, "cache_ttl_hours"),
    ({"notice_hour": 99}, "notice_hour"),
    ({"target_file": 100}, "target_file"),
    ({"edge_ms": 50}, "edge_ms"),
    ({"regions": (Region("Far", 1.0, 10.0, 20.0),)}, "regions"),
    ({"regions": (Region("Half", 0.5, 100.0, 10.0),)}, "regions"),
])
def test_impossible_assumptions_are_refused_by_name(change, field_name):
    with pytest.raises(ValueError, match=f"Assumptions.{field_name}"):
        replace(BASE, **change)


def test_a_direct_site_cannot_be_purged_or_terminated():
    for response in ("purge", "block", "terminate", "remove-and-purge"):
        with pytest.raises(ValueError, match="needs a proxy"):
            simulate(BASE, "direct", response)
    with pytest.raises(ValueError, match="mode"):
        simulate(BASE, "sideways")


def test_numbers_are_plain_numbers_that_agree_with_the_runs():
    direct, proxied = simulate(BASE, "direct"), simulate(BASE, "proxied")
    runs = {key: simulate(BASE, "proxied", key) for key in RESPONSES}
    found = numbers(BASE, direct, proxied, runs)
    assert all(type(v) in (int, float) for v in found.values())  # glue needs plain numbers
    assert found["requests"] == len(direct)
    assert found["origin_proxied"] == int(proxied["reached_origin"].sum())
    assert found["origin_cut"] == pytest.approx(1 - found["origin_proxied"] / found["requests"])
    assert found["median_proxied"] < found["median_direct"]
    assert found["purge_served"] == found["stop_after_gap"] == 1.0
    assert found["block_served"] == found["both_served"] == 0.0
    assert 0 < found["remove_last"] < BASE.cache_ttl_hours
    # The assumptions the prose restates: the defaults, read off the Assumptions table.
    assert [found[k] for k in ("hours", "cache_ttl_hours", "notice_hour", "outage_hours",
                               "regions")] == [48.0, 4.0, 18.0, 3.0, 5]
