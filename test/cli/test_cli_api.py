#!/usr/bin/env python3
"""The hc CLI's management subcommands, run as a program against the test server.

Usage: test_cli_api.py [HC_BINARY [SERVER_SCRIPT]]
(or the environment: HC_BIN, HC_TEST_SERVER_PY). CTest passes both.

Every subcommand is run as a user would run it, and its stdout, stderr and
exit status are checked; what reached the server is checked through the
server's record of requests (GET /_test/requests). Python standard library
only; loopback only. The last line printed is "N passed, N failed"; the
exit status is non-zero when anything failed.
"""

import http.client
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
HC = None
SERVER_PY = None

# Seeded state of the test server (test/support/hc_test_server.h).
RW_KEY = "hcw_0123456789abcdef0123456789ab"
RO_KEY = "hcr_0123456789abcdef0123456789ab"
CHANNEL_EMAIL = "c586f7b2-14f5-457a-8712-3377b09aab32"
CHANNEL_SLACK = "51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c"
CHECK_BACKUP = "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
CHECK_BACKUP_UNIQUE_KEY = "df14bf3280973f9c90f7bffc8188edf411f57858"
CHECK_CRON = "d29deba8-39c6-497f-84ab-aae78a43cb90"
CHECK_DUP1 = "595dd31c-aff6-4f75-a6a8-444b3ca96fd2"
CHECK_DUP2 = "c4b9d3d7-dac7-4da6-9af9-2de46b5f036d"
CHECK_PAUSED = "3852da5a-8da3-42b9-a9a6-88eae1cabba1"
CHECK_OTHER = "2ae5287a-32c4-4280-9397-7ac0515bf82f"
UNKNOWN_UUID = "00000000-0000-0000-0000-000000000000"
SEEDED = ["Database Backup", "Nightly Report", "dup one", "dup two", "Paused Job"]

RUN_TIMEOUT = 60  # seconds any one hc run may take


class Server:
    """The test server as a child process on a free loopback port."""

    def __init__(self, *extra):
        self.dir = tempfile.mkdtemp(prefix="hc-cli-test-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER_PY, "--host", "127.0.0.1", "--port", "0",
             "--port-file", port_file, "--record-dir", os.path.join(self.dir, "rec"),
             "--exit-with-parent", *extra],
            stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read())
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, headers=None):
        """(status, body bytes) of one plain request to the server."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def api(self, path, key=RW_KEY, version=3):
        status, body = self.request("GET", f"/api/v{version}/{path}", headers={"X-Api-Key": key})
        assert status == 200, (path, status, body)
        return json.loads(body)

    def ping(self, uuid, suffix="", body=None, rid=None):
        path = f"/ping/{uuid}" + (f"/{suffix}" if suffix else "")
        if rid:
            path += "?rid=" + rid
        status, _ = self.request("POST" if body is not None else "GET", path, body=body)
        assert status == 200, status

    def reset(self):
        assert self.request("POST", "/_test/reset")[0] == 200

    def requests(self):
        """The requests hc made since the last reset (not the test's own)."""
        status, body = self.request("GET", "/_test/requests")
        assert status == 200
        return [r for r in json.loads(body)
                if any(k == "User-Agent" and v.startswith("hc/") for k, v in r["headers"])]


SERVER = None


def setUpModule():
    global SERVER
    SERVER = Server()


def tearDownModule():
    SERVER.stop()


def hc(*args, key=RW_KEY, server=None, env=None, preexec=None):
    """Run hc; returns (exit status, stdout bytes, stderr text)."""
    server = server or SERVER
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("HC_")}
    full_env.update(HC_API_URL=server.base + "/api", HC_PING_URL=server.base + "/ping")
    if key:
        full_env["HC_API_KEY"] = key
    full_env.update(env or {})
    try:
        proc = subprocess.run([HC, *args], capture_output=True, stdin=subprocess.DEVNULL,
                              env=full_env, timeout=RUN_TIMEOUT, preexec_fn=preexec)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"hc {' '.join(args)} did not finish in {RUN_TIMEOUT} s")
    return proc.returncode, proc.stdout, proc.stderr.decode()


def text(out):
    return out.decode()


def table(out):
    """Rows of a table: lists of cells split on runs of 2+ spaces."""
    return [re.split(r"  +", line.rstrip()) for line in text(out).splitlines()]


class CliTest(unittest.TestCase):
    def setUp(self):
        SERVER.reset()

    def assertUsage(self, result, *fragments):
        rc, out, err = result
        self.assertEqual(rc, 2, err)
        self.assertEqual(out, b"")
        self.assertEqual(err.count("\n"), 1, err)
        self.assertTrue(err.startswith("hc: "), err)
        for fragment in fragments:
            self.assertIn(fragment, err)

    def assertFails(self, result, *fragments):
        rc, out, err = result
        self.assertEqual(rc, 1, err)
        self.assertEqual(err.count("\n"), 1, err)
        self.assertTrue(err.startswith("hc: "), err)
        for fragment in fragments:
            self.assertIn(fragment, err)

    def assertOk(self, result):
        rc, out, err = result
        self.assertEqual(rc, 0, err)
        return out


class Status(CliTest):
    def test_ok_without_a_key(self):
        self.assertEqual(self.assertOk(hc("status", key=None)), b"OK\n")
        self.assertEqual(json.loads(self.assertOk(hc("status", "--json", key=None))),
                         {"status": "OK"})
        self.assertEqual(SERVER.requests()[-1]["path"], "/api/v3/status/")

    def test_unreachable_server(self):
        dead = Server()
        dead.stop()  # its port is now closed
        self.assertFails(hc("status", "--retries", "0", server=dead), "hc: status: connection")


class ChecksList(CliTest):
    def test_table(self):
        out = self.assertOk(hc("checks", "list"))
        lines = text(out).splitlines()
        self.assertEqual(table(out)[0], ["NAME", "SLUG", "STATUS", "LAST PING", "ID"])
        self.assertEqual(len(lines), 6)
        self.assertEqual(table(out)[1],
                         ["Database Backup", "database-backup", "new", "never", CHECK_BACKUP])
        self.assertEqual(table(out)[5],
                         ["Paused Job", "paused-job", "paused", "never", CHECK_PAUSED])
        self.assertEqual([r[0] for r in table(out)[1:]], SEEDED)
        # Fixed column widths: every column starts where its heading does.
        for heading in ("SLUG", "STATUS", "LAST PING", "ID"):
            col = lines[0].index(heading)
            for line in lines[1:]:
                self.assertEqual(line[col - 2:col], "  ", (heading, line))
                self.assertNotEqual(line[col], " ", (heading, line))

    def test_last_ping_and_started(self):
        SERVER.ping(CHECK_BACKUP)
        SERVER.ping(CHECK_CRON, "start")
        rows = table(self.assertOk(hc("checks", "list")))
        last = SERVER.api(f"checks/{CHECK_BACKUP}")["last_ping"]
        self.assertEqual(rows[1][2:4], ["up", last.replace("+00:00", "Z")])
        self.assertRegex(rows[1][3], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(rows[2][2:4], ["new (started)", "never"])
        v1 = table(self.assertOk(hc("checks", "list", "--api-version", "1")))
        self.assertEqual(v1[2][2], "started")

    def test_json_is_what_the_server_sent(self):
        SERVER.ping(CHECK_BACKUP)
        got = json.loads(self.assertOk(hc("checks", "list", "--json")))
        self.assertEqual(got, SERVER.api("checks/")["checks"])
        ro = json.loads(self.assertOk(hc("checks", "list", "--json", key=RO_KEY)))
        self.assertEqual(ro, SERVER.api("checks/", key=RO_KEY)["checks"])
        self.assertNotIn("uuid", ro[0])
        self.assertEqual(ro[0]["unique_key"], CHECK_BACKUP_UNIQUE_KEY)

    def test_read_only_key_shows_unique_keys(self):
        rows = table(self.assertOk(hc("checks", "list", key=RO_KEY)))
        self.assertEqual(rows[1][4], CHECK_BACKUP_UNIQUE_KEY)

    def test_filters(self):
        rows = table(self.assertOk(hc("checks", "list", "--tag", "production")))
        self.assertEqual([r[0] for r in rows[1:]], ["Database Backup", "Paused Job"])
        rows = table(self.assertOk(hc("checks", "list", "--tag", "production", "--tag", "db")))
        self.assertEqual([r[0] for r in rows[1:]], ["Database Backup"])
        rows = table(self.assertOk(hc("checks", "list", "--slug", "dup")))
        self.assertEqual([r[0] for r in rows[1:]], ["dup one", "dup two"])
        out = self.assertOk(hc("checks", "list", "--tag", "a b&c"))
        self.assertEqual(table(out), [["NAME", "SLUG", "STATUS", "LAST PING", "ID"]])
        self.assertEqual(self.assertOk(hc("checks", "list", "--tag", "none", "--json")), b"[]\n")
        queries = [r["query"] for r in SERVER.requests()]
        self.assertEqual(queries, ["tag=production", "tag=production&tag=db", "slug=dup",
                                   "tag=a%20b%26c", "tag=none"])

    def test_errors(self):
        self.assertFails(hc("checks", "list", key="hcw_" + "x" * 28),
                         "hc: checks list: ", "(401)", '"wrong api key"')
        self.assertUsage(hc("checks", "list", key=None), "needs an API key", "HC_API_KEY")
        self.assertUsage(hc("checks", "list", "--bogus"), "--bogus", "hc checks list --help")
        self.assertUsage(hc("checks", "list", "extra"), "unexpected argument")
        self.assertUsage(hc("checks", "list", "--tag"), "--tag needs a value")
        self.assertUsage(hc("checks", "list", "--api-version", "4"), "1, 2 or 3")
        self.assertEqual(len(SERVER.requests()), 1)  # only the one with the wrong key

    def test_api_version(self):
        for version in ("1", "2", "3"):
            got = json.loads(self.assertOk(hc("checks", "list", "--json",
                                              "--api-version", version)))
            self.assertIn(f"/api/v{version}/checks/", got[0]["update_url"])
        self.assertEqual([r["path"] for r in SERVER.requests()],
                         ["/api/v1/checks/", "/api/v2/checks/", "/api/v3/checks/"])


DATA_LIMIT = 512 * 1024  # bytes: hc's heap, data and anonymous mappings together


def limit_data():
    resource.setrlimit(resource.RLIMIT_DATA, (DATA_LIMIT, DATA_LIMIT))


def sanitized():
    """An AddressSanitizer build reserves terabytes of shadow memory: no data limit fits it."""
    with open(HC, "rb") as f:
        return b"__asan_init" in f.read()


class ThousandChecks(unittest.TestCase):
    """A list is streamed row by row: 2,005 checks (1.7 MB of JSON) fit in
    a data limit of 512 KB, as 5 checks do."""

    def test_streamed_in_constant_memory(self):
        limit = None if sanitized() else limit_data
        big_server = Server("--generate", "2000")
        try:
            rc, out, err = hc("checks", "list", server=big_server, preexec=limit)
            rc_json, out_json, err_json = hc("checks", "list", "--json", server=big_server,
                                             preexec=limit)
        finally:
            big_server.stop()
        self.assertEqual(rc, 0, err)
        rows = table(out)
        self.assertEqual(len(rows), 1 + 2005)
        self.assertEqual(rows[1][0], "Database Backup")
        self.assertEqual(rows[-1][0], "gen-2000")
        self.assertEqual(len({r[4] for r in rows[1:]}), 2005)
        self.assertEqual(rc_json, 0, err_json)
        self.assertGreater(len(out_json), 3 * DATA_LIMIT)
        listed = json.loads(out_json)
        self.assertEqual(len(listed), 2005)
        self.assertEqual(listed[-1]["slug"], "gen-2000")

    def test_the_limit_applies_to_hc(self):
        if sanitized():
            self.skipTest("AddressSanitizer build")
        def tiny():
            resource.setrlimit(resource.RLIMIT_DATA, (32 * 1024, 32 * 1024))
        self.assertNotEqual(hc("status", preexec=tiny)[0], 0)
        self.assertEqual(hc("status", preexec=limit_data)[0], 0)


class ChecksGet(CliTest):
    def test_fields(self):
        out = text(self.assertOk(hc("checks", "get", CHECK_BACKUP)))
        lines = dict(re.split(r" +", line, maxsplit=1) if " " in line else (line, "")
                     for line in out.splitlines())
        self.assertEqual(lines["name"], "Database Backup")
        self.assertEqual(lines["tags"], "production db")
        self.assertEqual(lines["grace"], "1200")
        self.assertEqual(lines["timeout"], "86400")
        self.assertEqual(lines["last_ping"], "-")
        self.assertEqual(lines["methods"], "")
        self.assertEqual(lines["channels"], f"{CHANNEL_SLACK},{CHANNEL_EMAIL}")
        self.assertEqual(list(lines), list(SERVER.api(f"checks/{CHECK_BACKUP}")))

    def test_json(self):
        SERVER.ping(CHECK_CRON)
        for ident, key in ((CHECK_CRON, RW_KEY), ("93479b778f23d6627611c26d6b15d865b0351431", RO_KEY)):
            got = json.loads(self.assertOk(hc("checks", "get", ident, "--json", key=key)))
            self.assertEqual(got, SERVER.api(f"checks/{ident}", key=key))
            self.assertEqual(got["schedule"], "15 5 * * *")

    def test_errors(self):
        self.assertFails(hc("checks", "get", UNKNOWN_UUID), "check not found", "HTTP 404")
        self.assertFails(hc("checks", "get", CHECK_OTHER), "forbidden (403)")
        self.assertUsage(hc("checks", "get", "nope"), "'nope' is not a check UUID or unique key")
        self.assertUsage(hc("checks", "get", CHECK_BACKUP.upper()), "not a check UUID")
        self.assertUsage(hc("checks", "get"), "missing argument", "usage: hc checks get ID")
        self.assertUsage(hc("checks", "get", CHECK_BACKUP, CHECK_CRON), "unexpected argument")


EVERY_FIELD = [
    "--name", "Every Field", "--slug", "every-field", "--tags", "x y", "--desc", "all \"of\" them",
    "--timeout", "3600", "--grace", "120", "--schedule", "*/5 * * * *", "--tz", "Europe/Riga",
    "--manual-resume", "true", "--methods", "POST", "--channels", "*",
    "--subject", "s", "--subject-fail", "sf", "--start-kw", "START", "--success-kw", "OK",
    "--failure-kw", "ERR", "--filter-subject", "true", "--filter-body", "false",
    "--filter-http-body", "true", "--filter-default-fail", "false",
]
EVERY_FIELD_JSON = {
    "name": "Every Field", "slug": "every-field", "tags": "x y", "desc": "all \"of\" them",
    "timeout": 3600, "grace": 120, "schedule": "*/5 * * * *", "tz": "Europe/Riga",
    "manual_resume": True, "methods": "POST", "channels": "*", "subject": "s",
    "subject_fail": "sf", "start_kw": "START", "success_kw": "OK", "failure_kw": "ERR",
    "filter_subject": True, "filter_body": False, "filter_http_body": True,
    "filter_default_fail": False,
}


class ChecksCreate(CliTest):
    def body(self, n=-1):
        return json.loads(SERVER.requests()[n]["body"])

    def test_every_field_is_sent(self):
        out = text(self.assertOk(hc("checks", "create", *EVERY_FIELD, "--unique", "name",
                                    "--unique", "slug")))
        first = out.splitlines()[0]
        self.assertRegex(first, r"^created check 'Every Field' \([0-9a-f-]{36}\), HTTP 201$")
        self.assertEqual(self.body(), dict(EVERY_FIELD_JSON, unique=["name", "slug"]))
        uuid = re.search(r"\(([0-9a-f-]{36})\)", first)[1]
        server = SERVER.api(f"checks/{uuid}")
        for field in ("name", "slug", "tags", "desc", "grace", "schedule", "tz", "manual_resume",
                      "methods", "start_kw", "filter_http_body"):
            self.assertEqual(server[field], EVERY_FIELD_JSON[field])
        self.assertEqual(server["channels"], f"{CHANNEL_SLACK},{CHANNEL_EMAIL}")
        self.assertRegex(out, r"(?m)^schedule +\*/5 \* \* \* \*$")

    def test_created_then_updated(self):
        args = ("checks", "create", "--name", "Upsert", "--slug", "upsert", "--unique", "slug")
        out = text(self.assertOk(hc(*args)))
        self.assertTrue(out.startswith("created check 'Upsert' ("), out)
        self.assertIn("HTTP 201", out.splitlines()[0])
        out = text(self.assertOk(hc(*args[:3], "Upsert 2", *args[4:])))
        self.assertRegex(out.splitlines()[0], r"^updated existing check 'Upsert 2' .*HTTP 200$")
        self.assertEqual(sum(c["slug"] == "upsert" for c in SERVER.api("checks/")["checks"]), 1)

    def test_minimal_and_json(self):
        rc, out, err = hc("checks", "create", "--json")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.body(), {})
        got = json.loads(out)
        self.assertRegex(err, r"^created check '' \([0-9a-f-]{36}\), HTTP 201\n$")
        self.assertEqual(got, SERVER.api(f"checks/{got['uuid']}"))
        self.assertEqual((got["timeout"], got["grace"]), (86400, 3600))

    def test_refused_locally(self):
        self.assertUsage(hc("checks", "create", "--slug", "Bad Slug"), "--slug 'Bad Slug'",
                         "a-z 0-9")
        self.assertUsage(hc("checks", "create", "--name", "n" * 101), "--name", "too long")
        self.assertUsage(hc("checks", "create", "--timeout", "59"), "--timeout", "60..31536000")
        self.assertUsage(hc("checks", "create", "--grace", "1.5"), "--grace")
        self.assertUsage(hc("checks", "create", "--manual-resume", "yes"), "true or false")
        self.assertUsage(hc("checks", "create", "--methods", "GET"), "--methods 'GET'")
        self.assertUsage(hc("checks", "create", "--unique", "desc"), "--unique takes name")
        self.assertUsage(hc("checks", "create", "--name", "a", "--name", "b"), "given twice")
        self.assertUsage(hc("checks", "create", "--name"), "--name needs a value")
        self.assertUsage(hc("checks", "create", "--subject", "s" * 201), "--subject", "too long")
        self.assertEqual(SERVER.requests(), [])

    def test_refused_by_the_server(self):
        self.assertFails(hc("checks", "create", "--tz", "Mars/Base"), "hc: checks create: ",
                         "(400)", '"json validation error: tz is not a valid timezone"')
        self.assertFails(hc("checks", "create", "--schedule", "not cron"),
                         "schedule is not a valid cron")
        self.assertFails(hc("checks", "create", "--channels", "nope"),
                         "invalid channel identifier")
        self.assertFails(hc("checks", "create", "--name", "x", key=RO_KEY), "(401)")
        self.assertEqual(len(SERVER.requests()), 4)

    def test_request_timeout_is_not_the_checks_timeout(self):
        self.assertOk(hc("checks", "create", "--timeout", "600", "--request-timeout", "20"))
        self.assertEqual(self.body(), {"timeout": 600})
        self.assertUsage(hc("checks", "create", "--request-timeout", "x"), "--timeout")


class ChecksUpdate(CliTest):
    def test_only_the_given_fields(self):
        out = text(self.assertOk(hc("checks", "update", CHECK_BACKUP, "--desc", "héllo ☃",
                                    "--grace", "120")))
        self.assertEqual(out.splitlines()[0],
                         f"updated check 'Database Backup' ({CHECK_BACKUP}), HTTP 200")
        req = SERVER.requests()[-1]
        self.assertEqual((req["method"], req["path"]), ("POST", f"/api/v3/checks/{CHECK_BACKUP}"))
        self.assertEqual(json.loads(req["body"].encode("latin-1")),
                         {"desc": "héllo ☃", "grace": 120})
        server = SERVER.api(f"checks/{CHECK_BACKUP}")
        self.assertEqual((server["desc"], server["grace"], server["tags"]),
                         ("héllo ☃", 120, "production db"))

    def test_every_field(self):
        self.assertOk(hc("checks", "update", CHECK_CRON, *EVERY_FIELD, "--json"))
        self.assertEqual(json.loads(SERVER.requests()[-1]["body"]), EVERY_FIELD_JSON)

    def test_errors(self):
        self.assertUsage(hc("checks", "update", CHECK_BACKUP, "--unique", "name"),
                         "--unique is for hc checks create only")
        self.assertUsage(hc("checks", "update", CHECK_BACKUP), "nothing to change")
        self.assertUsage(hc("checks", "update", "--name", "x"), "missing argument")
        self.assertUsage(hc("checks", "update", CHECK_BACKUP_UNIQUE_KEY, "--name", "x"),
                         "is not a check UUID")
        self.assertEqual(SERVER.requests(), [])
        self.assertFails(hc("checks", "update", UNKNOWN_UUID, "--name", "x"), "not found")
        self.assertFails(hc("checks", "update", CHECK_OTHER, "--name", "x"), "forbidden")


class PauseResumeDelete(CliTest):
    def test_cycle(self):
        self.assertEqual(text(self.assertOk(hc("checks", "pause", CHECK_BACKUP))),
                         f"paused check 'Database Backup' ({CHECK_BACKUP}), status paused\n")
        self.assertEqual(SERVER.api(f"checks/{CHECK_BACKUP}")["status"], "paused")
        self.assertEqual(text(self.assertOk(hc("checks", "resume", CHECK_BACKUP))),
                         f"resumed check 'Database Backup' ({CHECK_BACKUP}), status new\n")
        self.assertFails(hc("checks", "resume", CHECK_BACKUP),
                         "hc: checks resume: conflict (409): \"check is not paused\"")
        got = json.loads(self.assertOk(hc("checks", "pause", CHECK_CRON, "--json")))
        self.assertEqual(got["status"], "paused")
        self.assertEqual(text(self.assertOk(hc("checks", "delete", CHECK_DUP1))),
                         f"deleted check 'dup one' ({CHECK_DUP1})\n")
        self.assertFails(hc("checks", "get", CHECK_DUP1), "not found")
        got = json.loads(self.assertOk(hc("checks", "delete", CHECK_DUP2, "--json")))
        self.assertEqual(got["name"], "dup two")
        self.assertEqual([(r["method"], r["path"]) for r in SERVER.requests()], [
            ("POST", f"/api/v3/checks/{CHECK_BACKUP}/pause"),
            ("POST", f"/api/v3/checks/{CHECK_BACKUP}/resume"),
            ("POST", f"/api/v3/checks/{CHECK_BACKUP}/resume"),
            ("POST", f"/api/v3/checks/{CHECK_CRON}/pause"),
            ("DELETE", f"/api/v3/checks/{CHECK_DUP1}"),
            ("GET", f"/api/v3/checks/{CHECK_DUP1}"),
            ("DELETE", f"/api/v3/checks/{CHECK_DUP2}"),
        ])

    def test_errors(self):
        for sub in ("pause", "resume", "delete"):
            self.assertUsage(hc("checks", sub, CHECK_BACKUP_UNIQUE_KEY), "is not a check UUID")
            self.assertUsage(hc("checks", sub), "missing argument", f"usage: hc checks {sub}")
            self.assertFails(hc("checks", sub, CHECK_BACKUP, key=RO_KEY), f"hc: checks {sub}: ",
                             "(401)")
            self.assertFails(hc("checks", sub, UNKNOWN_UUID), "not found")
        self.assertEqual(len(SERVER.requests()), 6)  # none for the usage errors


RID = "cabd8d03-d637-46e9-b652-805655b43815"


class Pings(CliTest):
    def setUp(self):
        super().setUp()
        SERVER.ping(CHECK_BACKUP, "start", rid=RID)
        time.sleep(0.3)
        SERVER.ping(CHECK_BACKUP, body=b"42 files backed up\n", rid=RID)
        SERVER.ping(CHECK_BACKUP, "fail")

    def test_table(self):
        rows = table(self.assertOk(hc("pings", CHECK_BACKUP)))
        self.assertEqual(rows[0], ["N", "TYPE", "DATE", "METHOD", "REMOTE ADDR", "DURATION"])
        self.assertEqual([r[:2] for r in rows[1:]], [["3", "fail"], ["2", "success"],
                                                     ["1", "start"]])
        self.assertEqual([r[3:5] for r in rows[1:]], [["GET", "127.0.0.1"], ["POST", "127.0.0.1"],
                                                      ["GET", "127.0.0.1"]])
        self.assertRegex(rows[2][5], r"^0\.[3-9]\d\d s$")
        self.assertEqual(len(rows[1]), 5)  # no duration
        self.assertRegex(rows[1][2], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_json_is_what_the_server_sent(self):
        """Dates to the microsecond and durations in full: --json is for scripts."""
        got = json.loads(self.assertOk(hc("pings", CHECK_BACKUP, "--json")))
        want = SERVER.api(f"checks/{CHECK_BACKUP}/pings/")["pings"]
        self.assertEqual(got, want)
        self.assertRegex(got[0]["date"], r"\.\d{6}\+00:00$")
        self.assertIn("duration", got[1])

    def test_body(self):
        self.assertEqual(self.assertOk(hc("ping-body", CHECK_BACKUP, "2")), b"42 files backed up\n")
        blob = bytes(random.Random(7).randrange(256) for _ in range(9000))
        SERVER.ping(CHECK_BACKUP, "log", body=blob)
        self.assertEqual(self.assertOk(hc("ping-body", CHECK_BACKUP, "4", "--json")), blob)
        self.assertFails(hc("ping-body", CHECK_BACKUP, "1"), "hc: ping-body: ", "HTTP 404",
                         "has no body")
        self.assertFails(hc("ping-body", CHECK_BACKUP, "99"), "HTTP 404")
        self.assertUsage(hc("ping-body", CHECK_BACKUP, "x"), "'x' is not a ping number")
        self.assertUsage(hc("ping-body", CHECK_BACKUP), "missing argument")
        self.assertUsage(hc("ping-body", "nope", "1"), "not a check UUID")

    def test_errors(self):
        self.assertFails(hc("pings", CHECK_BACKUP, key=RO_KEY), "(401)")
        self.assertFails(hc("pings", CHECK_OTHER), "forbidden")
        self.assertUsage(hc("pings", CHECK_BACKUP_UNIQUE_KEY), "not a check UUID")
        self.assertUsage(hc("pings"), "missing argument")


class Flips(CliTest):
    def setUp(self):
        super().setUp()
        SERVER.ping(CHECK_BACKUP)
        SERVER.ping(CHECK_BACKUP, "fail")

    def test_table_and_json(self):
        rows = table(self.assertOk(hc("flips", CHECK_BACKUP)))
        self.assertEqual(rows[0], ["TIMESTAMP", "STATUS"])
        self.assertEqual([r[1] for r in rows[1:]], ["down", "up"])
        got = json.loads(self.assertOk(hc("flips", CHECK_BACKUP, "--json")))
        self.assertEqual(got, SERVER.api(f"checks/{CHECK_BACKUP}/flips/")["flips"])
        self.assertEqual([f["up"] for f in got], [0, 1])
        rows = table(self.assertOk(hc("flips", CHECK_BACKUP_UNIQUE_KEY, key=RO_KEY)))
        self.assertEqual(len(rows), 3)
        self.assertEqual(table(self.assertOk(hc("flips", CHECK_CRON))), [["TIMESTAMP", "STATUS"]])

    def test_queries(self):
        self.assertOk(hc("flips", CHECK_BACKUP, "--seconds", "3600"))
        self.assertOk(hc("flips", CHECK_BACKUP, "--start", "2020-01-01T00:00:00Z",
                         "--end", "9999999999"))
        out = self.assertOk(hc("flips", CHECK_BACKUP, "--end", "1000000000"))
        self.assertEqual(len(table(out)), 1)
        self.assertEqual([r["query"] for r in SERVER.requests()],
                         ["seconds=3600", "start=1577836800&end=9999999999", "end=1000000000"])

    def test_errors(self):
        self.assertUsage(hc("flips", CHECK_BACKUP, "--seconds", "1", "--start", "1"), "not both")
        self.assertUsage(hc("flips", CHECK_BACKUP, "--seconds", "31536001"), "0..31536000")
        self.assertUsage(hc("flips", CHECK_BACKUP, "--start", "2020-01-01T00:00:00"),
                         "ISO 8601 time with an offset")
        self.assertUsage(hc("flips", "nope"), "not a check UUID or unique key")
        self.assertEqual(SERVER.requests(), [])
        self.assertFails(hc("flips", UNKNOWN_UUID), "not found")


class ChannelsAndBadges(CliTest):
    def test_channels(self):
        out = self.assertOk(hc("channels"))
        self.assertEqual(table(out), [["ID", "NAME", "KIND"],
                                      [CHANNEL_EMAIL, "Ops email", "email"],
                                      [CHANNEL_SLACK, "Slack alerts", "slack"]])
        got = json.loads(self.assertOk(hc("channels", "--json")))
        self.assertEqual(got, SERVER.api("channels/")["channels"])
        self.assertFails(hc("channels", key=RO_KEY), "hc: channels: ", "(401)")
        self.assertUsage(hc("channels", "x"), "unexpected argument")

    def test_badges(self):
        server = SERVER.api("badges/")["badges"]
        rows = table(self.assertOk(hc("badges")))
        self.assertEqual(rows[0], ["TAG", "SVG"])
        self.assertEqual(rows[1:], [[tag, urls["svg"]] for tag, urls in server.items()])
        self.assertEqual([r[0] for r in rows[1:]], ["*", "production", "db", "cron", "reports"])
        got = json.loads(self.assertOk(hc("badges", "--json", key=RO_KEY)))
        self.assertEqual(got, [dict(tag=tag, **urls) for tag, urls in server.items()])


class Output(CliTest):
    def test_long_and_wide_values(self):
        name = "Résumé ☃ " + "n" * 30
        desc = "d" * 300
        out = text(self.assertOk(hc("checks", "create", "--name", name, "--desc", desc)))
        self.assertIn(f"name                 {name}\n", out)
        self.assertIn(f"desc                 {desc[:255]}\u2026\n", out)  # cut by HC_DESC_MAX
        rows = text(self.assertOk(hc("checks", "list"))).splitlines()
        self.assertEqual(rows[-1][:26], name[:23] + "\u2026  ")  # 24 characters, then the gap
        self.assertEqual(rows[0].index("SLUG"), 26)
        rc, out, err = hc("checks", "list", "--json")
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out)[-1]["desc"], desc[:255])
        self.assertEqual(err, "hc: warning: 1 value was longer than this build of hc keeps "
                              "(limits in hc_config.h) and was cut\n")

    def test_json_escapes(self):
        name = 'quote " backslash \\ tab \t nl \n é'
        self.assertOk(hc("checks", "create", "--name", name, "--slug", "esc"))
        got = json.loads(self.assertOk(hc("checks", "list", "--slug", "esc", "--json")))
        self.assertEqual(got[0]["name"], name)
        self.assertEqual(got, SERVER.api("checks/?slug=esc")["checks"])


class Help(CliTest):
    def test_every_subcommand(self):
        for args in (["checks"], ["checks", "list"], ["checks", "get"], ["checks", "create"],
                     ["checks", "update"], ["checks", "pause"], ["checks", "resume"],
                     ["checks", "delete"], ["pings"], ["ping-body"], ["flips"], ["channels"],
                     ["badges"], ["status"]):
            out = text(self.assertOk(hc(*args, "--help", key=None)))
            self.assertTrue(out.startswith(f"usage: hc {' '.join(args)}"), out)
            if args != ["checks"]:
                self.assertIn("--api-version", out)
                self.assertIn("--json", out)
        out = text(self.assertOk(hc("checks", "create", "--help")))
        for option in EVERY_FIELD[::2] + ["--unique"]:
            self.assertIn(option, out)
        out = text(self.assertOk(hc("--help")))
        for command in ("checks", "pings", "ping-body", "flips", "channels", "badges", "status"):
            self.assertIn(f"\n  {command} ", out)
        self.assertEqual(SERVER.requests(), [])

    def test_unknown_subcommands(self):
        self.assertUsage(hc("checks"), "needs a subcommand", "hc checks --help")
        self.assertUsage(hc("checks", "frob"), "unknown subcommand 'checks frob'")


def main():
    global HC, SERVER_PY
    args = sys.argv[1:]
    HC = os.path.abspath(args[0] if args else os.environ.get("HC_BIN", "hc"))
    SERVER_PY = (args[1] if len(args) > 1 else
                 os.environ.get("HC_TEST_SERVER_PY",
                                os.path.join(HERE, "..", "server", "hc_test_server.py")))
    if not os.access(HC, os.X_OK):
        print(f"no hc binary at {HC}\n0 passed, 1 failed")
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print(f"{result.testsRun - failed - len(result.skipped)} passed, {failed} failed")
    return 1 if failed or not result.wasSuccessful() else 0


if __name__ == "__main__":
    sys.exit(main())
