#!/usr/bin/env python3
"""coclick side by side with what users would run instead (issue 11's targets).

Usage: scripts/bench.py BIN_DIR   (scripts/bench builds the release binaries and calls this)

Every row runs coclick and its peer in the same run, interleaved round by round, and compares
medians: wall time, CPU (user + system of the process) or peak RSS, from wait4's rusage. The
sandboxes are `coclick sandbox` processes on 127.0.0.1 (the release binary). The peers are
written here: a Python `requests.Session` loop (sequential, as users write it), a curl + jq
shell loop, `curl --parallel` (the limit: the same pages at the same concurrency, client cost
almost nil), `lua5.4`, and lua-cjson (through CoClickLuaBench).

BENCH_ROUNDS (default 5) sets the rounds of the network rows; BENCH_QUICK=1 skips the
million-meeting rows (they take minutes).
"""
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import http.client

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release")
COCLICK = os.path.join(BIN, "coclick")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
QUICK = os.environ.get("BENCH_QUICK") == "1"
HOME = tempfile.mkdtemp(prefix="coclick-bench-")
ROWS = []

PYTHON_LOOP = r'''
import os, requests
base = os.environ["COCLICK_BASE_URL"]
s = requests.Session()
r = s.post(base + "/authenticate", json={"secret_id": os.environ["COCLICK_SECRET_ID"],
                                         "secret_key": os.environ["COCLICK_SECRET_KEY"]})
r.raise_for_status()
s.headers["Authorization"] = "Bearer " + r.json()["token"]
page, n = 1, 0
while True:
    r = s.get(base + "/meetings", headers={"X-Page": str(page), "X-Per": "100"})
    r.raise_for_status()
    items = r.json()
    n += len(items)
    if len(items) < 100:
        break
    page += 1
print(n)
'''

CURL_JQ_LOOP = r'''
set -eu
token=$(curl -sf -X POST "$COCLICK_BASE_URL/authenticate" -H 'Content-Type: application/json' \
  -d "{\"secret_id\":\"$COCLICK_SECRET_ID\",\"secret_key\":\"$COCLICK_SECRET_KEY\"}" | jq -r .token)
page=1; n=0
while :; do
  c=$(curl -sf -H "Authorization: Bearer $token" -H "X-Page: $page" -H "X-Per: 100" "$COCLICK_BASE_URL/meetings" | jq length)
  n=$((n + c)); [ "$c" -lt 100 ] && break; page=$((page + 1))
done
echo "$n"
'''

EACH = "local n = 0 for m in coclick.meetings.each{per = 100} do n = n + 1 end print(n)"
EACH_FULL = "local n = 0 for m in coclick.meetings.each{per = 100, full = true} do n = n + 1 end print(n)"
GET_LOOP = """local ids = {}
for m in coclick.meetings.each{per = 100} do ids[#ids + 1] = m.id end
local n = 0
for _, id in ipairs(ids) do coclick.meetings.get(id) n = n + 1 end
print(n)"""


def environment(extra=None):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": HOME, "LANG": "C.UTF-8",
           "XDG_CONFIG_HOME": HOME + "/config", "XDG_CACHE_HOME": HOME + "/cache", "XDG_STATE_HOME": HOME + "/state"}
    env.update(extra or {})
    return env


def measure(argv, env=None, stdin=None, expect=None):
    """Runs argv; returns wall seconds, CPU seconds (user + sys), peak RSS in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env or environment(), stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if stdin:
        process.stdin.write(stdin.encode())
        process.stdin.close()
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    text = out.decode().strip()
    if process.returncode != 0 or (expect is not None and text != str(expect)):
        raise RuntimeError(f"{' '.join(argv[:3])}...: status {process.returncode}, stdout {text[:200]!r}, stderr {err.decode()[:400]!r}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


class Sandbox:
    """`coclick sandbox` on a free port, until stopped."""

    def __init__(self, meetings, faults=None):
        argv = [COCLICK, "sandbox", "--port", "0", "--meetings", str(meetings)]
        if faults:
            argv += ["--faults", faults]
        self.process = subprocess.Popen(argv, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.env = {}
        while len(self.env) < 3:
            line = self.process.stdout.readline().decode()
            if not line:
                raise RuntimeError("the sandbox did not start")
            match = re.match(r"export (\w+)=(\S+)", line)
            if match:
                self.env[match.group(1)] = match.group(2)
        self.base = self.env["COCLICK_BASE_URL"]
        self.meetings = meetings

    def token(self):
        host, port, prefix = self.parts()
        connection = http.client.HTTPConnection(host, port)
        body = json.dumps({"secret_id": self.env["COCLICK_SECRET_ID"], "secret_key": self.env["COCLICK_SECRET_KEY"]})
        connection.request("POST", prefix + "/authenticate", body, {"Content-Type": "application/json"})
        return json.loads(connection.getresponse().read())["token"]

    def parts(self):
        match = re.match(r"http://([^:/]+):(\d+)(/.*)", self.base)
        return match.group(1), int(match.group(2)), match.group(3)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def coclick_run(sandbox, code, extra_args=()):
    path = os.path.join(HOME, "script.lua")
    with open(path, "w") as f:
        f.write(code)
    return [COCLICK, *extra_args, "run", path], environment(sandbox.env)


def row(name, ours, peer, target, unit="s", note=""):
    """One result: `ours / peer` against `target` (a ratio, or an absolute bound when peer is None)."""
    value = ours / peer if peer else ours
    passed = value <= target
    ROWS.append((name, ours, peer, value, target, unit, passed, note))
    shown_peer = f"{peer:9.3f}" if peer else "        -"
    result = "info" if target == float("inf") else ("PASS" if passed else "FAIL")
    print(f"{name:<64} {ours:9.3f} {shown_peer} {value:8.3f}  <= {target:<6.3g} {result} {note}", flush=True)


def interleaved(runs, rounds):
    """Runs each (argv, env, expect) once per round, in turn; returns the samples of each."""
    samples = [[] for _ in runs]
    for _ in range(rounds):
        for i, (argv, env, expect) in enumerate(runs):
            samples[i].append(measure(argv, env, expect=expect))
    return samples


def median(samples, field):
    return statistics.median(s[field] for s in samples)


def startup():
    runs = [([COCLICK, "eval", "return 1"], environment(), 1), (["lua5.4", "-e", "print(1)"], environment(), 1)]
    ours, lua = interleaved(runs, 40)
    row("coclick eval 'return 1' / lua5.4 -e 'print(1)', wall", median(ours, 0), median(lua, 0), 3)
    row("  the same, CPU (less sensitive to a busy machine; no target)", median(ours, 1), median(lua, 1), float("inf"))


def listing_10k():
    with Sandbox(10_000, "latency=5ms") as sandbox:
        argv, env = coclick_run(sandbox, EACH)
        peer_env = environment(sandbox.env)
        runs = [(argv, env, 10_000), (["python3", "-c", PYTHON_LOOP], peer_env, 10_000),
                (["bash", "-c", CURL_JQ_LOOP], peer_env, 10_000)]
        limit = curl_parallel(sandbox, 8)
        ours, python, curl_jq = interleaved(runs, ROUNDS)
        limits = [measure(*limit) for _ in range(ROUNDS)]
        row("10,000 meetings, per=100, latency=5ms: each / Python requests loop, wall",
            median(ours, 0), median(python, 0), 1 / 3)
        row("  the same / curl --parallel-max 8 of the same pages (the limit), wall",
            median(ours, 0), median(limits, 0), 1.3)
        row("  the same / curl + jq shell loop, wall (no target)", median(ours, 0), median(curl_jq, 0), float("inf"))


def curl_parallel(sandbox, width):
    """curl fetching every page of `sandbox` (and the empty one after), `width` at a time."""
    token = sandbox.token()
    pages = sandbox.meetings // 100 + 1
    config = os.path.join(HOME, "curl.conf")
    with open(config, "w") as f:
        for page in range(1, pages + 1):
            f.write(f'url = "{sandbox.base}/meetings"\noutput = "/dev/null"\n'
                    f'header = "Authorization: Bearer {token}"\nheader = "X-Per: 100"\nheader = "X-Page: {page}"\n')
            if page < pages:
                f.write("next\n")
    return ["curl", "-sf", "--parallel", "--parallel-max", str(width), "-K", config], environment(), None


def cpu_100k():
    with Sandbox(100_000) as sandbox:
        argv, env = coclick_run(sandbox, EACH)
        runs = [(argv, env, 100_000), (["python3", "-c", PYTHON_LOOP], environment(sandbox.env), 100_000)]
        # Five rounds at least: the Python loop's own CPU moves by a third from run to run here.
        ours, python = interleaved(runs, max(5, ROUNDS))
        row("100,000 meetings: each / Python requests loop, CPU", median(ours, 1), median(python, 1), 1 / 5)


def server_time():
    """Median time of one page of 100 (random pages, one keep-alive connection), per sandbox size."""
    results = {}
    for meetings in (1_000, 1_000_000):
        with Sandbox(meetings) as sandbox:
            host, port, prefix = sandbox.parts()
            token = sandbox.token()
            connection = http.client.HTTPConnection(host, port)
            pages = meetings // 100
            rng = random.Random(7)
            times = []
            for i in range(600):
                page = rng.randint(1, pages)
                query = "" if i % 2 == 0 else "?q%5Bstatus%5D=closed"
                started = time.perf_counter()
                connection.request("GET", prefix + "/meetings" + query,
                                   headers={"Authorization": "Bearer " + token, "X-Per": "100", "X-Page": str(page)})
                body = connection.getresponse().read()
                times.append(time.perf_counter() - started)
                if not body.startswith(b"["):
                    raise RuntimeError("not a page: " + body[:100].decode())
            results[meetings] = statistics.median(times[100:])
    row("a page of 100 from 1,000,000 meetings / from 1,000 (server time)", results[1_000_000] * 1000,
        results[1_000] * 1000, 1.5, note="(ms, half of them q[status]=closed)")


def full_meetings():
    with Sandbox(1_000, "latency=5ms") as sandbox:
        full, env = coclick_run(sandbox, EACH_FULL)
        shutil.copy(full[-1], full[-1] + ".full")
        full[-1] += ".full"
        loop, _ = coclick_run(sandbox, GET_LOOP)
        ours, sequential = interleaved([(full, env, 1_000), (loop, env, 1_000)], max(3, ROUNDS // 2))
        row("1,000 meetings each{full=true} / a sequential get loop, latency=5ms, wall",
            median(ours, 0), median(sequential, 0), 1 / 6)


def deep_body():
    """A meeting whose custom_data holds ten 480-deep objects (28 KB): the time `get` takes on
    it, less the time it takes on a plain meeting."""
    with Sandbox(10) as sandbox:
        host, port, prefix = sandbox.parts()
        token = sandbox.token()
        deep = {f"k{i}": json.loads('{"a":' * 479 + '{"a":1' + "}" * 480) for i in range(10)}
        body = json.dumps({"user": "alice.martin@acme-demo.example", "starts_at": "2030-01-01T10:00:00Z",
                           "cobrowsing_url": "https://shop.example.com/", "custom_data": deep}, separators=(",", ":"))
        connection = http.client.HTTPConnection(host, port)
        connection.request("POST", prefix + "/meetings", body,
                           {"Content-Type": "application/json", "Authorization": "Bearer " + token})
        reply = connection.getresponse()
        created = json.loads(reply.read() or b"{}")
        if reply.status != 201:
            print(f"deep body: the sandbox refused it ({reply.status}); row skipped")
            return
        plain_id = json.loads(urlopen_page(sandbox, token))[0]["id"]
        env = environment(sandbox.env)
        get = lambda id: ([COCLICK, "--timeout", "60", "eval", f"return #coclick.meetings.get('{id}').id"], env, 64)
        try:
            deep_runs, plain_runs = interleaved([get(created["token"]), get(plain_id)], 3)
            extra = max(0.0, median(deep_runs, 0) - median(plain_runs, 0))
            row("a 28 KB body of ten 480-deep objects: decode (get, less a plain get)", extra * 1000, None, 10,
                note=f"(ms; body {len(body)} bytes)")
        except RuntimeError as error:
            row("a 28 KB body of ten 480-deep objects: decode (get, less a plain get)", 60_000, None, 10,
                note="(ms; did not finish within --timeout 60: " + str(error)[:80] + ")")


def urlopen_page(sandbox, token):
    host, port, prefix = sandbox.parts()
    connection = http.client.HTTPConnection(host, port)
    connection.request("GET", prefix + "/meetings", headers={"Authorization": "Bearer " + token})
    return connection.getresponse().read()


def rss_million():
    with Sandbox(1_000_000) as sandbox:
        argv, env = coclick_run(sandbox, EACH)
        wall, cpu, rss = measure(argv, env, expect=1_000_000)
        row("peak RSS iterating 1,000,000 meetings with each", rss, None, 64,
            note=f"(MiB; {wall:.0f} s wall, {cpu:.0f} s CPU)")


def lua_bridge():
    text = subprocess.run([os.path.join(BIN, "CoClickLuaBench")], capture_output=True, text=True, check=True).stdout
    numbers = lambda line: [float(x) for x in re.findall(r"(\d+) µs", line)]
    lines = text.splitlines()
    binding = next(l for l in lines if "Swift binding / C function" in l)
    ours, c = numbers(binding)[:2]
    row("1,000,000 calls: no-op binding / C function", ours / 1000, c / 1000, 1.3, note="(ms)")
    decode = lines[[i for i, l in enumerate(lines) if l.startswith("json.decode")][0] + 1]
    ours, cjson = numbers(decode)[:2]
    row("json.decode 1 MiB / lua-cjson", ours / 1000, cjson / 1000, 1.0, note="(ms)")


def main():
    try:
        import requests  # noqa: F401  (the peer loop runs in its own process; fail early here)
    except ImportError:
        sys.exit("scripts/bench: the Python peer needs requests: apt-get install python3-requests (or pip install requests)")
    for tool in ("curl", "jq", "lua5.4"):
        if not shutil.which(tool):
            sys.exit(f"scripts/bench: {tool} is missing: run scripts/bootstrap")
    print(f"coclick {COCLICK}; {os.cpu_count()} cores; rounds {ROUNDS}; medians of interleaved runs", flush=True)
    print(f"{'measure':<64} {'coclick':>9} {'peer':>9} {'ratio':>8}  target    result", flush=True)
    steps = [startup, listing_10k, cpu_100k, server_time, full_meetings, deep_body, lua_bridge]
    if not QUICK:
        steps.append(rss_million)
    for step in steps:
        try:
            step()
        except Exception as error:  # a failing row is reported, the others still run
            print(f"{step.__name__}: ERROR {error}", flush=True)
            ROWS.append((step.__name__, 0, None, 0, 0, "", False, f"ERROR {str(error)[:120]}"))
    print()
    print("| measure | coclick | peer | ratio (or value) | target | result |")
    print("|---|---|---|---|---|---|")
    for name, ours, peer, value, target, unit, passed, note in ROWS:
        peer_text = f"{peer:.3f}" if peer else "-"
        target_text = "-" if target == float("inf") else f"≤ {target:.3g}"
        result = "info" if target == float("inf") else ("PASS" if passed else "FAIL")
        print(f"| {name.strip()} {note} | {ours:.3f} | {peer_text} | {value:.3f} | {target_text} | {result} |")
    shutil.rmtree(HOME, ignore_errors=True)
    failed = [r for r in ROWS if not r[6] and r[4] != float("inf")]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
