"""Studio in the browser, embedded mode: click on Generate -> first playable sketch (median/p95),
page weight of the studio page (JS + CSS + SoundFont), and the time until the page is interactive.

    .venv/bin/python benchmarks/studio_web.py [--runs 20] [--count 4] [--bars 4]

Needs the trained checkpoints (studio/checkpoints/ or MOTIF_MODEL_DIR) and Debian's Chromium.
"""
import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.integration import stack  # noqa: E402

PASSWORD = "pw-Bench-123"
CHROMIUM = os.environ.get("MOTIF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--autoplay-policy=no-user-gesture-required"]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def kind_of(url):
    path = url.split("?", 1)[0]
    for suffix, kind in ((".sf2", "soundfont"), (".js", "js"), (".css", "css")):
        if path.endswith(suffix):
            return kind
    return None


def load_studio(page):
    """Open the studio; returns decoded bytes by kind and the page's timing marks (ms)."""
    page.goto("/studio/")
    page.wait_for_function("performance.getEntriesByName('studio:sound-ready').length === 1", timeout=60000)
    sizes = {"js": 0, "css": 0, "soundfont": 0}
    for url, size in page.evaluate("performance.getEntriesByType('resource').map(e => [e.name, e.decodedBodySize])"):
        kind = kind_of(url)
        if kind:
            sizes[kind] += size
    # The AudioWorklet's module is fetched outside the page's resource timing: count it by its URL.
    processor = page.evaluate("JSON.parse(document.getElementById('studio-config').textContent).processorUrl")
    sizes["js"] += len(page.request.get(processor).body())
    marks = page.evaluate("""() => Object.fromEntries(['studio:interactive', 'studio:sound-ready']
        .map(n => [n, performance.getEntriesByName(n)[0].startTime]))""")
    nav = page.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
    return sizes, marks, nav


def click_to_playable(page, model, runs, count, bars):
    page.select_option("#id_model", model)
    page.select_option("#id_bars", str(bars))
    page.fill("#id_count", str(count))
    timings = []
    measures = "performance.getEntriesByName('studio:click-to-playable')"
    for _ in range(runs + 1):  # the first click also loads the model: reported apart as "cold"
        before = page.evaluate(f"{measures}.length")
        page.click("#generate-form [type=submit]")
        page.wait_for_function(
            f"{measures}.length > {before}"
            " || document.querySelector('#job-panel .form-error').textContent !== ''", timeout=120000)
        error = page.inner_text("#job-panel .form-error")
        if error:
            raise SystemExit(f"The {model} job failed: {error}")
        timings.append(page.evaluate(f"{measures}.at(-1).duration"))
        page.wait_for_selector("#generate-form [type=submit]:not([disabled])")
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--bars", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        passed = {k: os.environ[k] for k in ("MOTIF_MODEL_DIR", "MOTIF_SOUNDFONT") if os.environ.get(k)}
        env = stack.base_env(data_dir, **passed)
        stack.manage(env, "migrate", "--noinput")
        stack.manage(env, "shell", "-c", "from django.contrib.auth import get_user_model; "
                     f"get_user_model().objects.create_user('bench', password={PASSWORD!r})")
        with stack.asgi_server(env, Path(data_dir) / "server.log") as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=url)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(lambda u: "/accounts/login/" not in u)
            sizes, marks, nav = load_studio(page)
            rows = [(model, click_to_playable(page, model, args.runs, args.count, args.bars))
                    for model in ("vae", "gan")]
            browser.close()
    mib = lambda n: f"{n / 1024 / 1024:.2f} MiB"  # noqa: E731
    print(f"Studio page weight (uncompressed bodies): JS {mib(sizes['js'])}, CSS {sizes['css'] / 1024:.1f} KiB, "
          f"SoundFont {mib(sizes['soundfont'])}, total {mib(sum(sizes.values()))} "
          "(notation library, 1.27 MiB, loads only when notation is opened)")
    print(f"Time to interactive (handlers attached): {marks['studio:interactive']:.0f} ms; "
          f"DOMContentLoaded {nav['domContentLoadedEventEnd']:.0f} ms; "
          f"SoundFont loaded and synth ready: {marks['studio:sound-ready']:.0f} ms after navigation start")
    print()
    print("| model | sketches per click | bars | runs | click -> first playable median (ms) | p95 (ms) | max (ms) "
          "| cold first click (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for model, (cold, *timings) in rows:
        print(f"| {model} | {args.count} | {args.bars} | {len(timings)} | {statistics.median(timings):.0f} | "
              f"{percentile(timings, 95):.0f} | {max(timings):.0f} | {cold:.0f} |")


if __name__ == "__main__":
    main()
