#!/usr/bin/env python3
"""Self-test of hc_test_server.py.

Starts the server in subprocesses on free loopback ports and checks it over
HTTP. FixtureReplay replays the calls recorded from a real Healthchecks
v3.0.1 (test/fixtures/healthchecks-3.0.1/INDEX.tsv) in their order against an
--old-server --empty server, and compares each answer with the recording:
status, header names in order, header values, and the body (JSON compared
field by field, in order, after mapping the server's own UUIDs, keys, URLs
and times onto the recording's). The Prometheus metrics call is left out:
the server does not imitate it.

Run: python3 test_hc_test_server.py   (prints "N passed, N failed" last)
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "hc_test_server.py")
FIXTURES = os.path.join(HERE, "..", "fixtures", "healthchecks-3.0.1")
sys.path.insert(0, HERE)

import hc_test_server as hts  # noqa: E402  (the seeded values, not the code under test)

RW, RO = hts.RW_KEY, hts.RO_KEY
BACKUP, CRON, PAUSED, OTHER = hts.CHECK_BACKUP, hts.CHECK_CRON, hts.CHECK_PAUSED, hts.CHECK_OTHER
WRONG_KEY = "hcw_ffffffffffffffffffffffffffff"
RID = "cabd8d03-d637-46e9-b652-805655b43815"
UA = "hcpeer-verify/1.0"  # the User-Agent of the recording
STARTUP_TIMEOUT = 10.0


def unique_key(code: str) -> str:
    return hashlib.sha1(uuid.UUID(code).hex[:16].encode()).hexdigest()


class Server:
    """One hc_test_server.py process on a free port of 127.0.0.1 (or ::1)."""

    def __init__(self, *args: str, host: str = "127.0.0.1"):
        self.host = host
        self.dir = tempfile.mkdtemp(prefix="hc-selftest-")
        self.record_dir = os.path.join(self.dir, "records")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--host", host, "--port", "0", "--port-file", port_file,
             "--record-dir", self.record_dir, "--exit-with-parent", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server did not start: {self.proc.stderr.read().decode()}")
            time.sleep(0.01)
        with open(port_file) as f:
            self.port = int(f.read())
        bracketed = f"[{host}]" if ":" in host else host
        self.site = f"http://{bracketed}:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc.stdout.close()
        self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method: str, path: str, body=None, key: str | None = None,
                headers: dict | None = None) -> tuple[int, list, bytes]:
        all_headers = {"User-Agent": UA}
        if key:
            all_headers["X-Api-Key"] = key
        all_headers.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body=None, key: str | None = RW) -> tuple[int, object]:
        status, _, data = self.request(method, path, body, key)
        return status, json.loads(data) if data else None

    def control(self, method: str, path: str, body=None) -> tuple[int, object]:
        return self.json(method, "/_test/" + path, body, key=None)

    def raw(self, data: bytes, read_timeout: float = 5.0) -> bytes:
        """Send bytes as they are; everything read until the server closes."""
        with socket.create_connection((self.host, self.port), timeout=read_timeout) as sock:
            sock.sendall(data)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)


def header(headers: list, name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


def split_response(raw: bytes) -> tuple[int, list, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    pairs = [tuple(line.split(": ", 1)) for line in lines[1:]]
    return int(lines[0].split(" ")[1]), pairs, body


def dechunk(body: bytes) -> tuple[bytes, list]:
    """The decoded body and the chunk-size lines as sent."""
    out, lines = b"", []
    while True:
        line, _, body = body.partition(b"\r\n")
        lines.append(line)
        size = int(line.split(b";")[0], 16)
        if size == 0:
            assert body == b"\r\n", body
            return out, lines
        out, body = out + body[:size], body[size:]
        assert body[:2] == b"\r\n"
        body = body[2:]


class TestCase(unittest.TestCase):
    def assertPlain(self, answer: tuple, status: int, body: bytes):
        """A (status, headers, body) answer has this status and body."""
        self.assertEqual((answer[0], answer[2]), (status, body))


class ServerTestCase(TestCase):
    """One server per class, seeded afresh before each test."""

    server_args: tuple = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(*cls.server_args)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        status, _ = self.server.control("POST", "reset")
        self.assertEqual(status, 200)

    def get_check(self, code: str = BACKUP, version: int = 3, key: str = RW) -> dict:
        status, check = self.server.json("GET", f"/api/v{version}/checks/{code}", key=key)
        self.assertEqual(status, 200)
        return check


# --------------------------------------------------------------------------
# Replay of the recording


def read_fixture(name: str) -> tuple[int, list, bytes]:
    with open(os.path.join(FIXTURES, name + ".http"), "rb") as f:
        return split_response(f.read())


def read_index() -> list[tuple[str, str, str, int]]:
    with open(os.path.join(FIXTURES, "INDEX.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    return [(name, method, url, int(status)) for name, method, url, status in rows]


NOT_IMITATED = {"prometheus_metrics_ro_key"}
FIXTURE_SITE = "http://127.0.0.1:8000"
FIXTURE_PING_KEY = "f0njwuup8fequhhx76sbqg"
BACKUPS = {"name": "Backups", "slug": "backups", "tags": "prod db", "desc": "nightly backup",
           "timeout": 3600, "grace": 120, "channels": "*"}

# What the recorder sent where INDEX.tsv does not say: (key, body).
# The key defaults to the read-write one for /api/ calls, none elsewhere.
REPLAY_REQUESTS = {
    "api_status": (None, None),
    "api_checks_no_key": (None, None),
    "api_checks_wrong_key": (WRONG_KEY, None),
    "api_checks_cors_preflight": (None, None),
    "api_checks_create": (RW, BACKUPS),
    "api_checks_create_unique_existing": (RW, dict(BACKUPS, unique=["name"])),
    "api_checks_create_cron": (RW, {"name": "Nightly", "slug": "nightly", "tags": "cron",
                                    "grace": 300, "schedule": "15 3 * * *", "tz": "Europe/Riga"}),
    "api_checks_create_api_key_in_body": (None, {"api_key": RW, "name": "Body key", "slug": "body-key"}),
    "api_checks_create_bad_timeout": (RW, {"name": "x", "timeout": 10}),
    "api_checks_create_bad_schedule": (RW, {"name": "x", "schedule": "not a schedule"}),
    "api_checks_create_bad_tz": (RW, {"name": "x", "schedule": "* * * * *", "tz": "Mars/Olympus"}),
    "api_checks_create_bad_type": (RW, {"name": 5}),
    "api_checks_create_bad_json": (RW, b"{not json"),
    "api_checks_create_bad_channel": (RW, {"name": "x", "channels": "nope"}),
    "api_checks_create_readonly_key": (RO, {"name": "x"}),
    "ping_uuid_success_post_body": (None, b"hello from a job"),
    "ping_uuid_exitstatus_1": (None, b"exit 1: it broke"),
    "ping_uuid_log": (None, b"a log line"),
    "ping_uuid_big_body_truncated": (None, b"x" * 20000),
    "ping_slug_log": (None, b"slug log"),
    "ping_slug_success_post": (None, b"slug body"),
    "api_checks_create_dup_slug": (RW, {"name": "dup1", "slug": "dup"}),
    "api_checks_create_dup_slug2": (RW, {"name": "dup2", "slug": "dup"}),
    "api_checks_list_readonly": (RO, None),
    "api_check_get_readonly": (RO, None),
    "api_check_get_by_unique_key": (RO, None),
    "api_check_pings_readonly": (RO, None),
    "api_check_flips_readonly_ukey": (RO, None),
    "api_channels_readonly": (RO, None),
    "api_badges_readonly": (RO, None),
    "api_check_update": (RW, {"tags": "prod db backup", "desc": "updated via API", "timeout": 7200}),
    "api_check_update_to_cron": (RW, {"schedule": "0 * * * *", "tz": "UTC"}),
    "api_check_update_channels_none": (RW, {"channels": ""}),
    "api_check_update_readonly": (RO, {"name": "x"}),
    "api_check_delete_readonly": (RO, None),
    "api_metrics_no_key": (None, None),
}

VOLATILE_TIMES = {"last_ping", "next_ping", "timestamp", "date"}
BADGE_PATH = re.compile(r"/badge/[^/]+/[-\w]{8}")
# Header values that do not depend on time or on the body.
STABLE_HEADERS = {"server", "connection", "content-type", "ping-body-limit", "cache-control",
                  "x-frame-options", "vary", "x-content-type-options", "referrer-policy",
                  "cross-origin-opener-policy", "access-control-allow-origin",
                  "access-control-allow-headers", "access-control-allow-methods",
                  "access-control-max-age"}


class FixtureReplay(unittest.TestCase):
    """Test methods are generated from INDEX.tsv below; they run in its
    order and share one server, since each call builds on the ones before."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--old-server", "--empty")
        cls.ours_by_theirs: dict[str, str] = {}  # recording's UUIDs and unique keys -> ours
        cls.badges: dict = {}

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    # -- translating between the recording and this server ------------------

    def learn_ids(self, theirs, ours) -> None:
        """Pair the recording's checks with ours, from two check bodies."""
        if isinstance(theirs, dict) and "checks" in theirs:
            for a, b in zip(theirs["checks"], ours["checks"]):
                self.learn_ids(a, b)
        elif isinstance(theirs, dict) and "ping_url" in theirs and "ping_url" in ours:
            a, b = theirs["ping_url"][-36:], ours["ping_url"][-36:]
            self.ours_by_theirs[a] = b
            self.ours_by_theirs[unique_key(a)] = unique_key(b)

    def translate_url(self, name: str, url: str) -> str:
        for theirs, ours in self.ours_by_theirs.items():
            url = url.replace(theirs, ours)
        url = url.replace(FIXTURE_PING_KEY, hts.PING_KEY)
        if name == "api_check_flips_start_end":
            now = int(time.time())
            url = re.sub(r"start=\d+&end=\d+", f"start={now - 3600}&end={now + 3600}", url)
        if name.startswith("badge_prod_"):
            fmt = name.rsplit("_", 1)[1]
            url = self.badges["badges"]["prod"][fmt][len(self.server.site):]
        return url

    def as_theirs(self, text: str) -> str:
        """Our values written as the recording's."""
        text = text.replace(self.server.site, FIXTURE_SITE)
        for theirs, ours in self.ours_by_theirs.items():
            text = text.replace(ours, theirs)
        return text

    def normalize(self, value, key: str = "", ours: bool = False):
        """Times, durations and badge signatures to placeholders; with
        ours=True also our IDs, URLs and second integration to theirs."""
        if isinstance(value, dict):
            items = value.items()
            if key == "badges":  # the server fills them from a set: any order
                items = sorted(items)
            return {k: self.normalize(v, k, ours) for k, v in items}
        if isinstance(value, list):
            items = [self.normalize(v, key, ours) for v in value]
            if ours and key == "channels":  # the recording's project had one integration
                items = [c for c in items if c["id"] != hts.CHANNEL_SLACK]
                items = [dict(c, name="hcpeer email") for c in items]
            return items
        if key in VOLATILE_TIMES and value is not None:
            return "<time>"
        if key == "duration":
            return "<seconds>"
        if isinstance(value, str):
            if ours:
                value = self.as_theirs(value)
                if key == "channels":
                    value = ",".join(c for c in value.split(",") if c and c != hts.CHANNEL_SLACK)
            return BADGE_PATH.sub("/badge/KEY/SIG", value)
        return value

    # -- one call -------------------------------------------------------------

    def replay(self, name: str, method: str, url: str, expected_status: int) -> None:
        key, body = REPLAY_REQUESTS.get(name, (RW if url.startswith("/api/") else None, None))
        status, headers, data = self.server.request(method, self.translate_url(name, url), body, key)
        fx_status, fx_headers, fx_body = read_fixture(name)
        self.assertEqual(fx_status, expected_status)
        self.assertEqual(status, fx_status, data[:300])
        self.assertEqual([k for k, _ in headers], [k for k, _ in fx_headers])
        for (k, v), (_, fx_v) in zip(headers, fx_headers):
            if k.lower() in STABLE_HEADERS:
                self.assertEqual(v, fx_v, k)
        if method != "HEAD":
            self.assertEqual(header(headers, "Content-Length"), str(len(data)))
        if header(fx_headers, "Content-Type") == "application/json":
            theirs, ours = json.loads(fx_body), json.loads(data)
            self.learn_ids(theirs, ours)
            if name.startswith("api_badges"):
                type(self).badges = ours
            # Compared as text so that field order counts too.
            self.assertEqual(json.dumps(self.normalize(ours, ours=True), indent=1),
                             json.dumps(self.normalize(theirs), indent=1))
        else:
            self.assertEqual(data, fx_body)


def _add_replay_tests() -> None:
    for i, (name, method, url, status) in enumerate(read_index()):
        if name in NOT_IMITATED:
            continue

        def test(self, name=name, method=method, url=url, status=status):
            self.replay(name, method, url, status)

        test.__doc__ = f"{method} {url} -> {status} as recorded ({name})"
        setattr(FixtureReplay, f"test_{i:03d}_{name}", test)


_add_replay_tests()


# --------------------------------------------------------------------------
# Pinging API


class PingApi(ServerTestCase):
    def ping(self, path: str, method: str = "GET", body: bytes | None = None):
        return self.server.request(method, "/ping/" + path, body)

    def test_every_uuid_form_answers_ok_with_the_ping_headers(self):
        for suffix in ("", "/", "/start", "/fail", "/log", "/0", "/1", "/255"):
            for method in ("GET", "POST", "HEAD"):
                status, headers, body = self.ping(BACKUP + suffix, method, b"x" if method == "POST" else None)
                self.assertEqual(status, 200, (suffix, method))
                self.assertEqual(body, b"" if method == "HEAD" else b"OK")
                self.assertEqual(header(headers, "Ping-Body-Limit"), "10000")
                self.assertEqual(header(headers, "Access-Control-Allow-Origin"), "*")
        self.assertEqual(self.get_check()["n_pings"], 24)

    def test_every_slug_form_answers_ok(self):
        for suffix in ("", "/", "/start", "/fail", "/log", "/0", "/7"):
            answer = self.ping(f"{hts.PING_KEY}/database-backup{suffix}")
            self.assertPlain(answer, 200, b"OK")
        self.assertEqual(self.get_check()["n_pings"], 7)

    def test_ping_errors_have_the_servers_texts(self):
        unknown = "00000000-0000-0000-0000-000000000000"
        self.assertPlain(self.ping(BACKUP + "/256"), 400, b"invalid url format")
        self.assertPlain(self.ping(BACKUP + "?rid=not-a-uuid"), 400, b"invalid uuid format")
        self.assertPlain(self.ping(unknown), 404, b"not found")
        self.assertPlain(self.ping(unknown + "/256"), 404, b"not found")  # lookup comes first
        self.assertPlain(self.ping(f"{hts.PING_KEY}/no-such-check"), 404, b"not found")
        self.assertPlain(self.ping("wrongpingkey000000000/database-backup"), 404, b"not found")
        self.assertPlain(self.ping("wrongpingkey000000000/x?create=1"), 404, b"not found")
        self.assertPlain(self.ping(f"{hts.PING_KEY}/dup"), 409, b"ambiguous slug")
        self.assertPlain(self.ping(f"{hts.PING_KEY}/dup?create=1"), 409, b"ambiguous slug")
        self.assertPlain(self.ping(f"{hts.PING_KEY}/Database-Backup"), 400, b"invalid url format")
        self.assertPlain(self.ping(BACKUP + "/start/"), 404, b"not found")  # no such route form
        status, headers, body = self.ping("not-a-uuid-at-all")
        self.assertEqual((status, body), (404, hts.NOT_FOUND_PAGE))
        self.assertIsNone(header(self.ping(unknown)[1], "Ping-Body-Limit"))
        self.assertEqual(self.get_check()["n_pings"], 0)

    def test_create_makes_a_check_named_after_the_slug(self):
        self.assertPlain(self.ping(f"{hts.PING_KEY}/new-job/start?create=1"), 201, b"Created")
        self.assertPlain(self.ping(f"{hts.PING_KEY}/new-job?create=1"), 200, b"OK")
        status, listed = self.server.json("GET", "/api/v3/checks/?slug=new-job")
        check = listed["checks"][0]
        self.assertEqual((check["name"], check["timeout"], check["grace"], check["n_pings"]),
                         ("new-job", 86400, 3600, 2))
        self.assertEqual(check["channels"], ",".join(sorted([hts.CHANNEL_EMAIL, hts.CHANNEL_SLACK])))
        self.assertPlain(self.ping(f"{hts.PING_KEY}/other-job"), 404, b"not found")

    def test_the_body_is_stored_cut_to_the_limit(self):
        body = bytes(range(256)) * 50  # 12800 bytes, not text
        self.assertPlain(self.ping(BACKUP + "/log", "POST", body), 200, b"OK")
        status, _, stored = self.server.request("GET", f"/api/v3/checks/{BACKUP}/pings/1/body", key=RW)
        self.assertEqual((status, stored), (200, body[:10000]))

    def test_a_run_is_measured_from_start_to_finish_with_the_same_rid(self):
        other_rid = "11111111-2222-4333-8444-555555555555"
        self.ping(f"{BACKUP}/start?rid={RID}")
        self.ping(f"{BACKUP}/start?rid={other_rid}")
        started = self.get_check()
        self.assertEqual((started["started"], started["status"]), (True, "new"))
        self.assertEqual(self.get_check(version=1)["status"], "started")
        time.sleep(0.05)
        self.ping(f"{BACKUP}?rid={other_rid}")
        self.ping(f"{BACKUP}/log")
        status, pings = self.server.json("GET", f"/api/v3/checks/{BACKUP}/pings/")
        self.assertEqual(status, 200)
        newest = pings["pings"]
        self.assertEqual([p["type"] for p in newest], ["log", "success", "start", "start"])
        self.assertEqual([p["n"] for p in newest], [4, 3, 2, 1])
        self.assertEqual(newest[1]["rid"], other_rid)
        self.assertGreaterEqual(newest[1]["duration"], 0.05)
        self.assertNotIn("duration", newest[0])
        self.assertNotIn("duration", newest[2])
        self.assertEqual(list(newest[1]), ["type", "date", "n", "scheme", "remote_addr", "method",
                                           "ua", "rid", "body_url", "duration"])
        self.assertEqual((newest[1]["ua"], newest[1]["remote_addr"], newest[1]["scheme"]),
                         (UA, "127.0.0.1", "http"))
        check = self.get_check()
        self.assertEqual((check["status"], check["n_pings"]), ("up", 4))
        self.assertFalse(check["started"])  # closed by the ping with the run's rid
        self.assertIsNotNone(check["last_ping"])
        self.assertEqual(check["last_duration"], 0)

    def test_flips_follow_the_status(self):
        for suffix in ("", "/fail", "/1", "/0", "/log", "/start"):
            self.ping(BACKUP + suffix)
        status, flips = self.server.json("GET", f"/api/v3/checks/{BACKUP}/flips/")
        self.assertEqual([f["up"] for f in flips["flips"]], [1, 0, 1])
        self.assertEqual(list(flips["flips"][0]), ["timestamp", "up"])
        self.assertEqual(self.get_check()["status"], "up")

    def test_a_ping_resumes_a_paused_check(self):
        self.assertEqual(self.get_check(PAUSED)["status"], "paused")
        self.ping(PAUSED)
        self.assertEqual(self.get_check(PAUSED)["status"], "up")

    def test_manual_resume_and_post_only_make_pings_ignored(self):
        self.server.json("POST", f"/api/v3/checks/{PAUSED}", {"manual_resume": True})
        self.assertPlain(self.ping(PAUSED), 200, b"OK")
        self.assertEqual(self.get_check(PAUSED)["status"], "paused")
        self.server.json("POST", f"/api/v3/checks/{BACKUP}", {"methods": "POST"})
        self.ping(BACKUP)
        self.ping(BACKUP, "POST", b"")
        _, pings = self.server.json("GET", f"/api/v3/checks/{BACKUP}/pings/")
        self.assertEqual([p["type"] for p in pings["pings"]], ["success", "ign"])
        _, pings = self.server.json("GET", f"/api/v3/checks/{PAUSED}/pings/")
        self.assertEqual([p["type"] for p in pings["pings"]], ["ign"])

    def test_remote_address_and_scheme_come_from_the_proxy_headers(self):
        self.server.request("GET", "/ping/" + BACKUP, headers={
            "X-Forwarded-For": "192.0.2.7, 10.0.0.1", "X-Forwarded-Proto": "https"})
        _, pings = self.server.json("GET", f"/api/v3/checks/{BACKUP}/pings/")
        self.assertEqual((pings["pings"][0]["remote_addr"], pings["pings"][0]["scheme"]),
                         ("192.0.2.7", "https"))

    def test_the_ping_log_keeps_the_newest(self):
        for _ in range(105):
            self.ping(BACKUP)
        _, pings = self.server.json("GET", f"/api/v3/checks/{BACKUP}/pings/")
        self.assertEqual([p["n"] for p in pings["pings"]][:1], [105])
        self.assertEqual(len(pings["pings"]), 100)

    def test_the_header_block_is_as_large_as_the_real_servers(self):
        raw = self.server.raw(f"GET /ping/{BACKUP} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        with open(os.path.join(FIXTURES, "ping_uuid_success_get.http"), "rb") as f:
            recorded = f.read()
        ours, theirs = raw.index(b"\r\n\r\n"), recorded.index(b"\r\n\r\n")
        self.assertLessEqual(abs(ours - theirs), 8)  # only "Connection: close" differs
        self.assertGreater(ours, 440)


# --------------------------------------------------------------------------
# Management API


class ManagementApi(ServerTestCase):
    def test_authentication_errors(self):
        cases = [
            ("GET", "/api/v3/checks/", None, None, 401, {"error": "missing api key"}),
            ("GET", "/api/v3/checks/", "short", None, 401, {"error": "missing api key"}),
            ("GET", "/api/v3/checks/", WRONG_KEY, None, 401, {"error": "wrong api key"}),
            ("POST", "/api/v3/checks/", RO, {"name": "x"}, 401, {"error": "wrong api key"}),
            ("POST", "/api/v3/checks/", None, {"api_key": WRONG_KEY}, 401, {"error": "wrong api key"}),
            ("POST", f"/api/v3/checks/{BACKUP}/pause", RO, None, 401, {"error": "wrong api key"}),
            ("DELETE", f"/api/v3/checks/{BACKUP}", RO, None, 401, {"error": "wrong api key"}),
            ("GET", f"/api/v3/checks/{BACKUP}/pings/", RO, None, 401, {"error": "wrong api key"}),
            ("GET", "/api/v3/channels/", RO, None, 401, {"error": "wrong api key"}),
            ("POST", "/api/v3/checks/", RW, b"[1, 2]", 400,
             {"error": "json validation error: value is not an object"}),
        ]
        for method, path, key, body, status, error in cases:
            with self.subTest(method=method, path=path, key=key):
                self.assertEqual(self.server.json(method, path, body, key), (status, error))

    def test_another_projects_check_is_forbidden(self):
        for method, path in (("GET", OTHER), ("POST", OTHER), ("DELETE", OTHER),
                             ("POST", OTHER + "/pause"), ("POST", OTHER + "/resume"),
                             ("GET", OTHER + "/pings/"), ("GET", OTHER + "/flips/"),
                             ("GET", OTHER + "/pings/1/body")):
            with self.subTest(method=method, path=path):
                status, headers, body = self.server.request(method, "/api/v3/checks/" + path, key=RW)
                self.assertEqual((status, body), (403, b""))
        self.assertEqual(self.server.json("GET", f"/api/v3/checks/{OTHER}", key=hts.OTHER_RW_KEY)[0], 200)

    def test_read_only_views_hide_the_write_urls(self):
        check = self.get_check(key=RO)
        for gone in ("uuid", "ping_url", "update_url", "pause_url", "resume_url", "channels"):
            self.assertNotIn(gone, check)
        self.assertEqual(check["unique_key"], unique_key(BACKUP))
        self.assertEqual(list(check)[-3:], ["badge_url", "unique_key", "timeout"])
        self.assertEqual(self.get_check(unique_key(BACKUP), key=RO), check)
        self.assertEqual(self.get_check(unique_key(BACKUP), key=RW)["uuid"], BACKUP)
        status, flips = self.server.json("GET", f"/api/v3/checks/{unique_key(BACKUP)}/flips/", key=RO)
        self.assertEqual((status, flips), (200, {"flips": []}))
        status, _, body = self.server.request("GET", f"/api/v3/checks/{'0' * 40}", key=RO)
        self.assertEqual((status, body), (404, b""))
        _, listed = self.server.json("GET", "/api/v3/checks/", key=RO)
        self.assertTrue(all("unique_key" in c and "ping_url" not in c for c in listed["checks"]))

    def test_the_check_object_has_the_newer_servers_fields_in_order(self):
        check = self.get_check()
        self.assertEqual(list(check), [
            "name", "slug", "tags", "desc", "grace", "n_pings", "status", "started", "last_ping",
            "next_ping", "manual_resume", "methods", "subject", "subject_fail", "start_kw",
            "success_kw", "failure_kw", "filter_subject", "filter_body", "filter_http_body",
            "filter_default_fail", "badge_url", "uuid", "ping_url", "update_url", "pause_url",
            "resume_url", "channels", "timeout"])
        self.assertEqual((check["name"], check["slug"], check["tags"], check["uuid"]),
                         ("Database Backup", "database-backup", "production db", BACKUP))
        self.assertEqual(check["ping_url"], f"{self.server.site}/ping/{BACKUP}")
        self.assertEqual(check["update_url"], f"{self.server.site}/api/v3/checks/{BACKUP}")
        cron = self.get_check(CRON)
        self.assertEqual((cron["schedule"], cron["tz"]), ("15 5 * * *", "UTC"))
        self.assertNotIn("timeout", cron)

    def test_badge_urls_answer(self):
        check = self.get_check()
        status, _, svg = self.server.request("GET", check["badge_url"][len(self.server.site):])
        self.assertEqual(status, 200)
        self.assertIn(b">Database Backup</text>", svg)
        _, badges = self.server.json("GET", "/api/v3/badges/", key=RO)
        self.assertEqual(list(badges["badges"]), ["*", "production", "db", "cron", "reports"])
        self.assertEqual(list(badges["badges"]["db"]), ["svg", "svg3", "json", "json3", "shields", "shields3"])
        status, summary = self.server.json("GET", badges["badges"]["production"]["json"][len(self.server.site):])
        self.assertEqual((status, summary), (200, {"status": "up", "total": 2, "grace": 0, "down": 0}))
        self.server.request("GET", f"/ping/{BACKUP}/fail")
        status, shield = self.server.json("GET", badges["badges"]["db"]["shields"][len(self.server.site):])
        self.assertEqual(shield, {"schemaVersion": 1, "label": "db", "message": "down", "color": "critical"})
        forged = badges["badges"]["db"]["json"][len(self.server.site):].replace("/db.json", "/cron.json")
        self.assertEqual(self.server.request("GET", forged)[0], 404)

    def test_list_filters_by_every_tag_and_by_slug(self):
        def names(query):
            status, listed = self.server.json("GET", "/api/v3/checks/" + query)
            self.assertEqual(status, 200)
            return [c["name"] for c in listed["checks"]]

        self.assertEqual(names(""), ["Database Backup", "Nightly Report", "dup one", "dup two", "Paused Job"])
        self.assertEqual(names("?tag=production"), ["Database Backup", "Paused Job"])
        self.assertEqual(names("?tag=production&tag=db"), ["Database Backup"])
        self.assertEqual(names("?tag=prod"), [])  # whole tags only
        self.assertEqual(names("?slug=dup"), ["dup one", "dup two"])
        self.assertEqual(names("?slug=dup&tag=db"), [])

    def test_create_then_upsert(self):
        spec = {"name": "Job", "slug": "job", "tags": "a b", "timeout": 600, "grace": 60,
                "channels": hts.CHANNEL_SLACK, "unique": ["name", "timeout"]}
        status, created = self.server.json("POST", "/api/v3/checks/", spec)
        self.assertEqual(status, 201)
        self.assertEqual((created["slug"], created["tags"], created["timeout"], created["channels"]),
                         ("job", "a b", 600, hts.CHANNEL_SLACK))
        status, same = self.server.json("POST", "/api/v3/checks/", dict(spec, desc="again"))
        self.assertEqual((status, same["uuid"], same["desc"]), (200, created["uuid"], "again"))
        status, other = self.server.json("POST", "/api/v3/checks/", dict(spec, timeout=700))
        self.assertEqual(status, 201)
        self.assertNotEqual(other["uuid"], created["uuid"])
        status, bare = self.server.json("POST", "/api/v3/checks/", {})
        self.assertEqual(status, 201)
        self.assertEqual((bare["name"], bare["slug"], bare["timeout"], bare["grace"], bare["channels"]),
                         ("", "", 86400, 3600, ""))
        status, cal = self.server.json("POST", "/api/v3/checks/", {"schedule": "Mon..Fri *-*-* 09:30",
                                                                   "tz": "Europe/Riga"})
        self.assertEqual((status, cal["schedule"], cal["tz"]), (201, "Mon..Fri *-*-* 09:30", "Europe/Riga"))
        status, by_name = self.server.json("POST", "/api/v3/checks/", {"channels": "Ops email"})
        self.assertEqual(by_name["channels"], hts.CHANNEL_EMAIL)

    def test_update_changes_only_the_fields_sent(self):
        before = self.get_check()
        status, after = self.server.json("POST", f"/api/v3/checks/{BACKUP}", {"desc": "new text", "grace": 120})
        self.assertEqual(status, 200)
        changed = {k for k in before if before[k] != after[k]}
        self.assertEqual(changed, {"desc", "grace"})
        status, cron = self.server.json("POST", f"/api/v3/checks/{BACKUP}", {"schedule": "0 * * * *"})
        self.assertEqual((cron["schedule"], cron["tz"]), ("0 * * * *", "UTC"))
        self.assertNotIn("timeout", cron)
        status, simple = self.server.json("POST", f"/api/v3/checks/{BACKUP}", {"timeout": 120})
        self.assertEqual(simple["timeout"], 120)
        status, channels = self.server.json("POST", f"/api/v3/checks/{BACKUP}", {"channels": ""})
        self.assertEqual(channels["channels"], "")

    def test_validation_errors(self):
        cases = {
            "name is not a string": {"name": 5},
            "name is too long": {"name": "x" * 101},
            "slug does not match pattern": {"slug": "Not OK"},
            "timeout is too small": {"timeout": 59},
            "timeout is too large": {"timeout": 31536001},
            "timeout is not a number": {"timeout": 60.5},
            "grace is not a number": {"grace": None},
            "manual_resume is not a boolean": {"manual_resume": 1},
            "methods has unexpected value": {"methods": "GET"},
            "unique is not an array": {"unique": "name"},
            "an item in 'unique' has unexpected value": {"unique": ["desc"]},
            "tz is not a valid timezone": {"tz": "Mars/Olympus"},
            "schedule is not a valid cron or OnCalendar expression": {"schedule": "61 * * * *"},
            "desc is not a string": {"desc": None},
            "start_kw is too long": {"start_kw": "k" * 201},
            "filter_body is not a boolean": {"filter_body": "yes"},
        }
        for message, spec in cases.items():
            with self.subTest(message):
                self.assertEqual(self.server.json("POST", "/api/v3/checks/", spec),
                                 (400, {"error": "json validation error: " + message}))
                self.assertEqual(self.server.json("POST", f"/api/v3/checks/{BACKUP}", spec),
                                 (400, {"error": "json validation error: " + message}))
        self.assertEqual(len(self.server.json("GET", "/api/v3/checks/")[1]["checks"]), 5)
        for schedule in ("0 0 30 2 *", "* * * *", "*/0 * * * *", "5-1 * * * *", "0 0 * * 8"):
            with self.subTest(schedule):
                self.assertEqual(self.server.json("POST", "/api/v3/checks/", {"schedule": schedule})[0], 400)
        for schedule in ("*/5 1-3,7 * jan-mar mon-fri", "0 0 29 2 *", "daily", "Sat,Sun 10:00"):
            with self.subTest(schedule):
                self.assertEqual(self.server.json("POST", "/api/v3/checks/", {"schedule": schedule})[0], 201)
        self.assertEqual(self.server.json("POST", "/api/v3/checks/", {"channels": "nope,"}),
                         (400, {"error": "invalid channel identifier: nope"}))
        self.assertEqual(self.server.json("POST", "/api/v3/checks/", {"channels": f"{hts.CHANNEL_EMAIL},"}),
                         (400, {"error": "empty channel identifier"}))
        self.assertEqual(self.server.json("POST", "/api/v3/checks/", b"{", RW),
                         (400, {"error": "could not parse request body"}))
        self.assertEqual(self.server.json("POST", "/api/v3/checks/", b"\xff", RW),
                         (400, {"error": "could not parse request body"}))

    def test_versions_differ_as_documented(self):
        self.server.request("GET", f"/ping/{BACKUP}/start")
        self.assertEqual(self.get_check(version=1)["status"], "started")
        self.assertEqual(self.get_check(version=2)["status"], "new")
        self.assertEqual(self.get_check(version=2)["update_url"], f"{self.server.site}/api/v2/checks/{BACKUP}")
        for version, slug in ((1, "renamed-job"), (2, "renamed-job"), (3, "database-backup")):
            self.server.control("POST", "reset")
            status, check = self.server.json("POST", f"/api/v{version}/checks/{BACKUP}", {"name": "Renamed Job!"})
            self.assertEqual((status, check["name"], check["slug"]), (200, "Renamed Job!", slug))
        status, check = self.server.json("POST", f"/api/v3/checks/{BACKUP}", {"name": "N", "slug": "s-1"})
        self.assertEqual((check["name"], check["slug"]), ("N", "s-1"))
        self.assertEqual(self.server.json("POST", "/api/v1/checks/", {"name": "Über Job"})[1]["slug"], "uber-job")

    def test_pause_resume_delete(self):
        status, paused = self.server.json("POST", f"/api/v3/checks/{BACKUP}/pause")
        self.assertEqual((status, paused["status"], paused["next_ping"]), (200, "paused", None))
        self.assertEqual(self.server.json("POST", f"/api/v3/checks/{BACKUP}/pause")[0], 200)
        status, resumed = self.server.json("POST", f"/api/v3/checks/{BACKUP}/resume")
        self.assertEqual((status, resumed["status"], resumed["last_ping"]), (200, "new", None))
        status, headers, body = self.server.request("POST", f"/api/v3/checks/{BACKUP}/resume", key=RW)
        self.assertEqual((status, body, header(headers, "Content-Type")),
                         (409, b"check is not paused", "text/html; charset=utf-8"))
        status, headers, body = self.server.request("GET", f"/api/v3/checks/{BACKUP}/pause", key=RW)
        self.assertEqual((status, body, header(headers, "Access-Control-Allow-Methods")),
                         (405, b"", "OPTIONS, POST"))
        status, flips = self.server.json("GET", f"/api/v3/checks/{BACKUP}/flips/")
        self.assertEqual([f["up"] for f in flips["flips"]], [0, 0, 0])
        status, deleted = self.server.json("DELETE", f"/api/v3/checks/{BACKUP}")
        self.assertEqual((status, deleted["name"]), (200, "Database Backup"))
        status, _, body = self.server.request("GET", f"/api/v3/checks/{BACKUP}", key=RW)
        self.assertEqual((status, body), (404, hts.NOT_FOUND_PAGE))
        self.assertPlain(self.server.request("GET", f"/ping/{BACKUP}"), 404, b"not found")

    def test_ping_bodies(self):
        self.server.request("POST", f"/ping/{BACKUP}", b"job output\n")
        self.server.request("GET", f"/ping/{BACKUP}")
        _, pings = self.server.json("GET", f"/api/v3/checks/{BACKUP}/pings/")
        self.assertEqual([p["body_url"] for p in pings["pings"]],
                         [None, f"{self.server.site}/api/v3/checks/{BACKUP}/pings/1/body"])
        status, headers, body = self.server.request("GET", f"/api/v3/checks/{BACKUP}/pings/1/body", key=RW)
        self.assertEqual((status, body, header(headers, "Content-Type")), (200, b"job output\n", "text/plain"))
        for n in (2, 3):
            status, _, body = self.server.request("GET", f"/api/v3/checks/{BACKUP}/pings/{n}/body", key=RW)
            self.assertEqual((status, body), (404, hts.NOT_FOUND_PAGE))

    def test_flips_filters(self):
        self.server.request("GET", f"/ping/{BACKUP}")
        now = int(time.time())
        for query, count in ((f"?seconds=60", 1), (f"?start={now + 5}", 0), (f"?end={now - 5}", 0),
                             (f"?start={now - 5}&end={now + 5}", 1), ("?seconds=0", 1)):
            with self.subTest(query):
                status, flips = self.server.json("GET", f"/api/v3/checks/{BACKUP}/flips/{query}")
                self.assertEqual((status, len(flips["flips"])), (200, count))
        for query in ("?seconds=abc", "?seconds=-1", "?seconds=31536001", "?start=10000000001", "?end=x"):
            with self.subTest(query):
                status, _, body = self.server.request("GET", f"/api/v3/checks/{BACKUP}/flips/{query}", key=RW)
                self.assertEqual((status, body), (400, b""))

    def test_channels_status_cors_and_unknown_paths(self):
        status, channels = self.server.json("GET", "/api/v3/channels/")
        self.assertEqual(channels, {"channels": [
            {"id": hts.CHANNEL_EMAIL, "name": "Ops email", "kind": "email"},
            {"id": hts.CHANNEL_SLACK, "name": "Slack alerts", "kind": "slack"}]})
        self.assertPlain(self.server.request("GET", "/api/v3/status/"), 200, b"OK")
        status, headers, body = self.server.request("OPTIONS", "/api/v3/checks/")
        self.assertEqual((status, body, header(headers, "Access-Control-Allow-Methods")),
                         (204, b"", "GET, OPTIONS, POST"))
        for path in ("/api/v4/checks/", "/api/v3/checks", "/api/v3/nothing/", "/", "/ping/"):
            with self.subTest(path):
                self.assertPlain(self.server.request("GET", path, key=RW), 404, hts.NOT_FOUND_PAGE)


# --------------------------------------------------------------------------
# Response framing, hosted mode, the control API, recording


class Framing(TestCase):
    def check_framing(self, server: Server, framing: str) -> None:
        request = f"GET /ping/{BACKUP} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        status, headers, body = split_response(server.raw(request))
        self.assertEqual(status, 200)
        names = [k for k, _ in headers]
        if framing == "chunked":
            self.assertEqual(names[2:4], ["Connection", "Transfer-Encoding"])
            self.assertNotIn("Content-Length", names)
            decoded, lines = dechunk(body)
            self.assertEqual((decoded, lines), (b"OK", [b"1", b"1;hc-test=1", b"0"]))
        elif framing == "close":
            self.assertEqual(header(headers, "Connection"), "close")
            self.assertNotIn("Content-Length", names)
            self.assertNotIn("Transfer-Encoding", names)
            self.assertEqual(body, b"OK")
        else:
            self.assertEqual((header(headers, "Content-Length"), body), ("2", b"OK"))
        # http.client reads every framing, and a large list survives it.
        status, listed = server.json("GET", "/api/v3/checks/")
        self.assertEqual((status, len(listed["checks"])), (200, 5))

    def test_each_framing_from_the_command_line_and_at_runtime(self):
        for framing in hts.FRAMINGS:
            with self.subTest(framing=framing):
                server = Server("--framing", framing)
                try:
                    self.check_framing(server, framing)
                    other = "chunked" if framing != "chunked" else "close"
                    self.assertEqual(server.control("POST", "config", {"framing": other})[0], 200)
                    self.check_framing(server, other)
                finally:
                    server.stop()

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        server = Server()
        try:
            conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
            for _ in range(3):
                conn.request("GET", f"/ping/{BACKUP}")
                response = conn.getresponse()
                self.assertEqual((response.status, response.read()), (200, b"OK"))
                self.assertEqual(response.getheader("Connection"), "keep-alive")
            conn.close()
            self.assertEqual(len(os.listdir(server.record_dir)), 3)
        finally:
            server.stop()

    def test_large_lists_in_every_framing(self):
        server = Server("--generate", "1000", "--framing", "chunked")
        try:
            for framing in hts.FRAMINGS:
                server.control("POST", "config", {"framing": framing})
                status, headers, body = server.request("GET", "/api/v3/checks/", key=RW)
                listed = json.loads(body)["checks"]
                self.assertEqual((status, len(listed)), (200, 1005))
                self.assertEqual((listed[5]["name"], listed[-1]["slug"]), ("gen-0001", "gen-1000"))
                self.assertGreater(len(body), 900000)
            status, headers, body = split_response(server.raw(
                f"GET /api/v3/checks/?tag=generated HTTP/1.1\r\nX-Api-Key: {RW}\r\n"
                "Connection: close\r\n\r\n".encode()))
            self.assertEqual(header(headers, "Connection"), "close")
            self.assertEqual(len(json.loads(body)["checks"]), 1000)
        finally:
            server.stop()


class Hosted(ServerTestCase):
    server_args = ("--hosted", "--rate-limit", "2")

    def test_unknown_uuid_is_ok_not_found(self):
        status, headers, body = self.server.request("GET", "/ping/00000000-0000-0000-0000-000000000000")
        self.assertEqual((status, body), (200, b"OK (not found)"))
        self.assertEqual(header(headers, "Ping-Body-Limit"), "10000")
        self.assertPlain(self.server.request("GET", f"/ping/{hts.PING_KEY}/nope"), 404, b"not found")

    def test_rate_limit(self):
        for _ in range(2):
            self.assertPlain(self.server.request("GET", f"/ping/{BACKUP}"), 200, b"OK")
        self.assertPlain(self.server.request("GET", f"/ping/{BACKUP}"), 200, b"OK (rate-limited)")
        self.assertPlain(self.server.request("GET", f"/ping/{hts.PING_KEY}/database-backup"), 429, b"")
        self.assertEqual(self.get_check()["n_pings"], 2)
        self.server.control("POST", "config", {"hosted": False})
        self.assertPlain(self.server.request("GET", f"/ping/{BACKUP}"), 429, b"")
        self.assertPlain(self.server.request("GET", f"/ping/{CRON}"), 200, b"OK")

    def test_too_large_a_body_is_refused(self):
        self.assertEqual(self.server.request("POST", f"/ping/{BACKUP}", b"x" * (1048576 + 1))[0], 413)


class ControlAndRecording(ServerTestCase):
    def test_the_record_dir_holds_the_bytes_received(self):
        chunked = (f"POST /ping/{BACKUP}/log?x=1 HTTP/1.1\r\nHost: here\r\nX-Odd-CASE: v\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").encode()
        plain = f"GET /ping/{BACKUP} HTTP/1.1\r\nHost: here\r\nConnection: close\r\n\r\n".encode()
        with socket.create_connection((self.server.host, self.server.port), timeout=5) as sock:
            sock.sendall(chunked + plain)
            while sock.recv(65536):
                pass
        self.assertEqual(sorted(os.listdir(self.server.record_dir)), ["0001.http", "0002.http"])
        for name, sent in (("0001.http", chunked), ("0002.http", plain)):
            with open(os.path.join(self.server.record_dir, name), "rb") as f:
                self.assertEqual(f.read(), sent)
        status, requests = self.server.control("GET", "requests")
        self.assertEqual(status, 200)
        self.assertEqual(requests[0], {
            "n": 1, "method": "POST", "path": f"/ping/{BACKUP}/log", "query": "x=1",
            "version": "HTTP/1.1", "headers": [["Host", "here"], ["X-Odd-CASE", "v"],
                                               ["Transfer-Encoding", "chunked"]],
            "body": "abcde"})
        self.assertPlain(self.server.request("GET", f"/api/v3/checks/{BACKUP}/pings/1/body", key=RW),
                         200, b"abcde")
        self.server.control("POST", "reset")
        self.assertEqual(os.listdir(self.server.record_dir), [])
        self.assertEqual(self.server.control("GET", "requests"), (200, []))
        self.assertEqual(self.get_check()["n_pings"], 0)

    def test_bodies_are_kept_as_latin1(self):
        self.server.request("POST", f"/ping/{BACKUP}", b"\xff\x00\xe9")
        requests = self.server.control("GET", "requests")[1]
        self.assertEqual(requests[0]["body"].encode("latin-1"), b"\xff\x00\xe9")

    def test_config_is_validated_and_reported(self):
        status, config = self.server.control("POST", "config", {"delay_ms": 5, "ping_body_limit": 0})
        self.assertEqual((status, config["delay_ms"], config["ping_body_limit"]), (200, 5, 0))
        for bad in ({"framing": "smoke"}, {"nope": 1}, {"delay_ms": "5"}, {"hosted": 1},
                    {"fail_next": -1}, {"fail_mode": "explode"}, [1]):
            with self.subTest(bad):
                self.assertEqual(self.server.control("POST", "config", bad)[0], 400)
        self.assertEqual(self.server.control("GET", "config")[1]["delay_ms"], 5)
        self.assertEqual(self.server.control("GET", "nothing")[0], 404)
        self.assertEqual(self.server.control("POST", "config", b"{")[0], 400)

    def test_no_ping_body_limit(self):
        self.server.control("POST", "config", {"ping_body_limit": 0})
        status, headers, _ = self.server.request("POST", f"/ping/{BACKUP}", b"y" * 20000)
        self.assertIsNone(header(headers, "Ping-Body-Limit"))
        status, _, body = self.server.request("GET", f"/api/v3/checks/{BACKUP}/pings/1/body", key=RW)
        self.assertEqual(len(body), 20000)

    def test_delay(self):
        self.server.control("POST", "config", {"delay_ms": 300})
        started = time.monotonic()
        self.assertEqual(self.server.request("GET", "/api/v3/status/")[0], 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)

    def test_fail_next_500_then_recover(self):
        self.server.control("POST", "config", {"fail_next": 2, "fail_mode": "500"})
        for _ in range(2):
            status, _, body = self.server.request("GET", f"/ping/{BACKUP}")
            self.assertEqual((status, body), (500, hts.SERVER_ERROR_PAGE))
        self.assertPlain(self.server.request("GET", f"/ping/{BACKUP}"), 200, b"OK")
        self.assertEqual(self.get_check()["n_pings"], 1)
        self.assertEqual(len(os.listdir(self.server.record_dir)), 4)  # the failed ones too

    def test_fail_next_without_an_answer(self):
        request = f"GET /ping/{BACKUP} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        self.server.control("POST", "config", {"fail_next": 1, "fail_mode": "drop"})
        self.assertEqual(self.server.raw(request), b"")
        self.server.control("POST", "config", {"fail_next": 1, "fail_mode": "reset"})
        with self.assertRaises(ConnectionResetError):
            self.server.raw(request)
        self.server.control("POST", "config", {"fail_next": 1, "fail_mode": "silent"})
        with self.assertRaises(socket.timeout):
            self.server.raw(request, read_timeout=0.5)
        self.assertEqual(self.get_check()["n_pings"], 0)

    def test_malformed_requests_get_400(self):
        for raw in (b"NONSENSE\r\n\r\n", b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
                    b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
            with self.subTest(raw):
                self.assertTrue(self.server.raw(raw).startswith(b"HTTP/1.1 400 Bad Request\r\n"))

    def test_expect_100_continue(self):
        with socket.create_connection((self.server.host, self.server.port), timeout=5) as sock:
            sock.sendall(f"POST /ping/{BACKUP} HTTP/1.1\r\nContent-Length: 2\r\n"
                         "Expect: 100-continue\r\nConnection: close\r\n\r\n".encode())
            self.assertEqual(sock.recv(25), b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.sendall(b"hi")
            self.assertTrue(sock.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n"))


# --------------------------------------------------------------------------
# Command-line variants


class CommandLine(TestCase):
    def test_old_server_answers_like_the_recording(self):
        server = Server("--old-server", "--ping-body-limit", "0")
        try:
            _, fx_headers, fx_body = read_fixture("api_check_get")
            status, check = server.json("GET", f"/api/v3/checks/{BACKUP}")
            self.assertEqual(list(check), list(json.loads(fx_body)))
            self.assertEqual(server.json("POST", "/api/v3/checks/", {"schedule": "daily"}),
                             (400, {"error": "json validation error: schedule is not a valid cron expression"}))
            self.assertPlain(server.request("GET", f"/ping/{hts.PING_KEY}/UPPER?create=1"), 201, b"Created")
            status, headers, _ = server.request("GET", f"/ping/{BACKUP}")
            self.assertIsNone(header(headers, "Ping-Body-Limit"))
        finally:
            server.stop()

    def test_api_versions_and_demo_output(self):
        server = Server("--api-versions", "3", "--demo")
        try:
            self.assertPlain(server.request("GET", "/api/v1/checks/", key=RW), 404, hts.NOT_FOUND_PAGE)
            self.assertEqual(server.json("GET", "/api/v3/checks/")[0], 200)
            server.request("POST", f"/ping/{BACKUP}/start", b"12345")
        finally:
            server.proc.terminate()
            output = server.proc.communicate(timeout=5)[0].decode()
            server.stop()
        self.assertIn(f"POST /ping/{BACKUP}/start  body 5 bytes  -> 200 OK", output)
        self.assertIn(f"{server.site}/ping/{hts.PING_KEY}/database-backup", output)

    def test_ipv6_loopback(self):
        try:
            with socket.socket(socket.AF_INET6) as probe:
                probe.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback here")
        server = Server(host="::1")
        try:
            self.assertTrue(server.site.startswith("http://[::1]:"))
            check = server.json("GET", f"/api/v3/checks/{BACKUP}")[1]
            self.assertEqual(check["ping_url"], f"{server.site}/ping/{BACKUP}")
            server.request("GET", f"/ping/{BACKUP}")
            pings = server.json("GET", f"/api/v3/checks/{BACKUP}/pings/")[1]["pings"]
            self.assertEqual(pings[0]["remote_addr"], "::1")
        finally:
            server.stop()

    def test_bad_arguments_exit_with_an_error(self):
        for args in (["--framing", "smoke"], ["--api-versions", "x"], ["--delay-ms", "-1"],
                     ["--host", "example.invalid"]):
            with self.subTest(args):
                done = subprocess.run([sys.executable, SERVER, *args], capture_output=True, timeout=10)
                self.assertEqual(done.returncode, 2)
                self.assertIn(b"error", done.stderr)

    def test_sigterm_stops_it(self):
        server = Server()
        try:
            server.proc.terminate()
            self.assertEqual(server.proc.wait(5), 0)
        finally:
            server.stop()


def main() -> int:
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not result.testsRun else 0


if __name__ == "__main__":
    sys.exit(main())
