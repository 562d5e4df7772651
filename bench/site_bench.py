"""The course website's part of `make bench` (bench/run.py calls it; not named site.py, which is a
standard-library module).

1. The site's build time from scratch (``tools/build_site.py --clean`` into a temporary folder: a
   fresh clone's `make site`), and a second, incremental build with nothing changed.
2. When Chromium is installed and the lesson-4 page holds an anywidget ConvExplorer: the median
   time from a key press on its "padding height" control to the first frame painted after its
   ``role="status"`` text changed, on the static page served from 127.0.0.1 (no kernel). Goal
   (issue 10): one frame at 60 Hz, 16 ms.
"""
import contextlib
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_site  # noqa: E402
import lab_browser  # noqa: E402
import site_browser  # noqa: E402

LESSON4_PAGE = "04_padding_and_stride.html"
FRAME_GOAL_MS = 16.0


def explorer_latency(site_dir, page=LESSON4_PAGE, name="ConvExplorer", moves=15, browser=None):
    """(median ms, [ms]) of padding moves on ``page``'s explorer, or (None, reason).

    ``browser``: a started site_browser.SiteBrowser to use (default: start one for this).
    """
    missing = lab_browser.browser_missing()
    if missing:
        return None, missing
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(site_browser.SiteServer(site_dir))
        if browser is None:
            browser = stack.enter_context(site_browser.SiteBrowser())
        p = browser.open(server, page)
        explorer = p.explorer(name)
        if explorer is None:
            return None, (f"{page} has no {name} running on the page yet (the notebook still stores the old "
                          f"ipywidgets explorer: {[v['status'] for v in p.views]})")
        site_browser.padding_latency(explorer, moves=3)  # warm-up
        times = site_browser.padding_latency(explorer, moves=moves)
        if not times:
            return None, "no move changed the explorer's status"
        return statistics.median(times), times


def bench_site(say=print, moves=15):
    tmp = Path(tempfile.mkdtemp(prefix="d2l-site-bench-"))
    try:
        out = tmp / "site"
        clean, _ = build_site.build(ROOT / "notebooks", out, clean=True)
        again, _ = build_site.build(ROOT / "notebooks", out)
        say(f"  site build: {clean:.1f} s from scratch, {again:.1f} s again with nothing changed")
        median, times = explorer_latency(out, moves=moves)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {"build_s": clean, "rebuild_s": again, "explorer_median_ms": median,
              "explorer_goal_ms": FRAME_GOAL_MS, "explorer_ok": None if median is None else median <= FRAME_GOAL_MS}
    if median is None:
        result["explorer_note"] = times
        say(f"  explorer on the site page: not measured: {times}")
    else:
        result["explorer_times_ms"] = [round(t, 2) for t in times]
        say(f"  ConvExplorer on the site page: median {median:.1f} ms over {len(times)} key presses")
    return result


def goals(result):
    """The site's goals for run.py's verdict (only what was measured)."""
    return [] if not result or result["explorer_ok"] is None else [result["explorer_ok"]]


def report(result, say, table):
    if not result:
        say("\n== Course website: skipped (--quick) ==")
        return
    say("\n== Course website (make site; the explorer on the static lesson-4 page, no kernel) ==")
    rows = [("measure", "value", "goal", ""),
            ("build from scratch", f"{result['build_s']:.1f} s", "-", ""),
            ("build again, nothing changed", f"{result['rebuild_s']:.1f} s", "-", "")]
    if result["explorer_median_ms"] is None:
        rows.append(("key press -> painted update (median)", "not measured", f"{FRAME_GOAL_MS:.0f} ms", "N/A"))
    else:
        rows.append(("key press -> painted update (median)", f"{result['explorer_median_ms']:.1f} ms",
                     f"{FRAME_GOAL_MS:.0f} ms", "PASS" if result["explorer_ok"] else "FAIL"))
    say(table(rows))
    if result["explorer_median_ms"] is None:
        say(f"  not measured: {result['explorer_note']}")
