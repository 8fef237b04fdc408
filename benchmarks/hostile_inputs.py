"""Issue 12's attacks, replayed against a real embedded server (uvicorn, production rates and limits).

Each hostile input from the issue is sent over HTTP; the table gives the status, the time to answer, whether
the answer is a sentence, and for accepted uploads how the job ended and when. The server's resident memory
is read from /proc before and after (VmRSS) and at its peak (VmHWM). Then the floods: 100 wrong passwords for
one account and 200 job submissions from one account.

    python benchmarks/hostile_inputs.py [--json]
"""
import argparse
import io
import json
import logging
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402
import httpx  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motif.settings")
django.setup()  # the fuzz builders below import the project's modules

from tests.integration import stack  # noqa: E402
from tests.unit.hardening.test_fuzz_scores import NOTE, patched, score  # noqa: E402
from tests.unit.hardening.test_fuzz_video import _clip  # noqa: E402

PASSWORD = "pw-Motif-123"
VARY = "/api/studio/vary/"
LYRICS = "/api/perception/lyrics/"
VIDEOS = "/api/perception/videos/"


def lying_mxl(inflated_mib: int = 1024) -> bytes:
    """A .mxl whose member says it holds 100 bytes and inflates to ``inflated_mib`` MiB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("score.xml", "w") as member:
            member.write(b"<score-partwise>")
            block = b" " * 2**20
            for _ in range(inflated_mib):
                member.write(block)
    return patched(out.getvalue(), 22, (100).to_bytes(4, "little"))


def tied_score(notes: int) -> bytes:
    """MusicXML with ``notes`` notes, every one tied to the next (what made stripTies quadratic)."""
    tied = NOTE.replace("<duration>4</duration>", '<duration>4</duration><tie type="start"/>')
    return score([tied * 8] * (notes // 8))


def upload_cases(folder: Path):
    """(name, path, files or json body) for every hostile upload of the issue."""
    good = score()
    return [
        ("MusicXML, 16k tied notes (1.6 MB)", VARY, {"file": ("tied.musicxml", tied_score(16_000))}),
        ("MusicXML, 20 MB, 200k notes", VARY, {"file": ("big.musicxml", score([NOTE * 200] * 1000))}),
        (".mxl, 1 MB saying 100 B, inflating to 1 GiB", VARY, {"file": ("lying.mxl", lying_mxl())}),
        (".mxl, corrupted CRC", VARY, {"file": ("crc.mxl", patched(zipfile_bytes(good), 14, b"\x00" * 4))}),
        (".mxl, encryption flag", VARY, {"file": ("enc.mxl", patched(zipfile_bytes(good), 6, b"\x01\x00"))}),
        ("lyrics, UTF-16 BOM, odd byte count", LYRICS, {"file": ("a.txt", b"\xff\xfe" + "la la".encode("utf-16-le")
                                                                  + b"x")}),
        ("lyrics, lone surrogate", LYRICS, {"file": ("a.txt", b"la \xed\xa0\x80 la")}),
        ("lyrics, Shift-JIS", LYRICS, {"file": ("a.txt", "こんにちは世界".encode("shift_jis"))}),
        ("lyrics, 6,400 lines", LYRICS, {"json": {"text": "la\n" * 6400}}),
        ("lyrics, 50,000 lines", LYRICS, {"json": {"text": "la\n" * 50_000}}),
        ("JSON body over 10 MB", LYRICS, {"content": b'{"text": "' + b"a" * (11 * 2**20) + b'"}'}),
        ("JSON, 5,000 nested [", LYRICS, {"content": b"[" * 5000 + b"]" * 5000}),
        ("video, 2x2 pixels", VIDEOS, {"file": ("tiny.mp4", _clip(folder, "tiny.mp4", size=(2, 2)))}),
    ]


def zipfile_bytes(xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("score.xml", xml)
    return out.getvalue()


def memory_kib(pid: int) -> dict:
    """VmRSS and VmHWM (peak) of ``pid`` in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"uvicorn" in b" ".join(cmd) and port.encode() in cmd:
                return int(proc.name)
    raise RuntimeError("server process not found")


def send(client, path, body):
    if "file" in body:
        name, data = body["file"]
        return client.post(path, files={"file": (name, data)})
    if "json" in body:
        return client.post(path, json=body["json"])
    return client.post(path, content=body["content"], headers={"Content-Type": "application/json"})


def wait_for_job(client, job_url, limit=120.0):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        job = client.get(job_url).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job, time.monotonic() - started
        time.sleep(0.5)
    return client.get(job_url).json(), time.monotonic() - started


def run_uploads(url, token, folder):
    rows = []
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for name, path, body in upload_cases(folder):
            started = time.monotonic()
            response = send(client, path, body)
            answered = time.monotonic() - started
            data = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            row = {"input": name, "status": response.status_code, "answer_s": round(answered, 2),
                   "sentence": _sentence(data)}
            if response.status_code == 202 and data.get("url"):
                job, took = wait_for_job(client, data["url"])
                row.update(job_status=job["status"], job_s=round(took, 1), sentence=job.get("error") or row["sentence"])
            rows.append(row)
    return rows


def _sentence(data):
    if "detail" in data:
        return str(data["detail"])
    for value in data.values():
        if isinstance(value, list) and value:
            return str(value[0])
    return ""


def run_password_guessing(url, tries=100):
    """``tries`` wrong passwords for one account through the login form: how many were answered."""
    answered, refused, retry_after = 0, 0, set()
    started = time.monotonic()
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(tries):
            client.get("/accounts/login/")
            token = client.cookies.get("csrftoken")
            response = client.post("/accounts/login/", data={"username": "alice", "password": "wrong-guess",
                                                               "csrfmiddlewaretoken": token},
                                   headers={"Referer": url + "/accounts/login/"})
            if response.status_code == 429:
                refused += 1
                retry_after.add(response.headers.get("Retry-After"))
            else:
                answered += 1
    return {"tries": tries, "checked": answered, "refused_429": refused, "seconds": round(time.monotonic() - started, 1),
            "retry_after": sorted(r for r in retry_after if r)[:3]}


def run_job_flood(url, token, posts=200):
    """``posts`` generate requests from one account: statuses and whether every 429 says when to retry."""
    counts, missing = {}, 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=30) as client:
        for _ in range(posts):
            response = client.post("/api/studio/generate/", json={"count": 1, "bars": 2})
            counts[response.status_code] = counts.get(response.status_code, 0) + 1
            if response.status_code == 429 and not response.headers.get("Retry-After"):
                missing += 1
    return {"posts": posts, "statuses": counts, "429_without_retry_after": missing}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = stack.base_env(folder)
        for name in ("MOTIF_THROTTLE_USER", "MOTIF_THROTTLE_ANON", "MOTIF_THROTTLE_JOBS"):
            env.pop(name, None)  # the production rates
        stack.manage(env, "migrate", "--noinput", "-v0")
        tokens = {name: stack.create_user(env, name, PASSWORD) for name in ("alice", "bob")}
        with stack.asgi_server(env, folder / "web.log") as url:
            pid = server_pid(url)
            before = memory_kib(pid)
            uploads = run_uploads(url, tokens["bob"], folder)
            after = memory_kib(pid)
            guessing = run_password_guessing(url)
            flood = run_job_flood(url, tokens["bob"])
    report = {"uploads": uploads, "rss_kib": {"before": before["VmRSS"], "after": after["VmRSS"],
                                              "peak": after["VmHWM"]},
              "password_guessing": guessing, "job_flood": flood}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    print("| input | status | answered in | job | sentence |\n|---|---|---|---|---|")
    for row in uploads:
        job = f"{row['job_status']} after {row['job_s']} s" if "job_status" in row else ""
        print(f"| {row['input']} | {row['status']} | {row['answer_s']} s | {job} | {row['sentence'][:90]} |")
    rss = report["rss_kib"]
    print(f"\nServer RSS: {rss['before'] / 1024:.0f} MiB before, {rss['after'] / 1024:.0f} MiB after, "
          f"peak {rss['peak'] / 1024:.0f} MiB")
    print(f"Password guessing: {guessing['tries']} wrong passwords for one account in {guessing['seconds']} s: "
          f"{guessing['checked']} checked, {guessing['refused_429']} refused with 429 "
          f"(Retry-After {', '.join(guessing['retry_after'])} s)")
    print(f"Job flood: {flood['posts']} generate POSTs from one account: {flood['statuses']}; "
          f"429s without Retry-After: {flood['429_without_retry_after']}")


if __name__ == "__main__":
    main()
