#!/usr/bin/env python3
"""hc against a hostile server: nothing a server sends reaches the terminal
raw (control characters, bidirectional-text controls, invalid UTF-8), a
ping body is bounded by --max-bytes, a check without its required fields is
a malformed response, and --json keeps what the server sent.

Usage: test_cli_hostile.py HC_BINARY
The server is in this file, on 127.0.0.1, in a thread; it answers every
endpoint hc calls, choosing its answer by the check's UUID. Python standard
library only; every subprocess is bounded. Prints "N passed, N failed" last.
"""
import http.server
import json
import os
import pty
import re
import select
import subprocess
import sys
import threading
import tty
import unittest

HC = None
RUN_TIMEOUT = 20  # seconds any one hc process may take

# A server string that would retitle the window, clear the screen, return
# the cursor, forge a row, and reorder text, were it printed raw.
EVIL = "x\x1b]0;pwned\x07\x1b[2J\rforged\nrow\x7f\u0085\u202eevil\u2028end"
# The same as hc shows it on a terminal.
SHOWN = r"x\x1b]0;pwned\x07\x1b[2J\rforged\nrow\x7f\u0085\u202eevil\u2028end"

HOSTILE = "45c9d87e-c6e4-42c7-ba1e-921cfc827121"   # a check full of EVIL
EMPTY = "00000000-0000-4000-8000-000000000001"     # {}
NO_ID = "00000000-0000-4000-8000-000000000002"     # name and status, no identifier
ERROR = "00000000-0000-4000-8000-000000000003"     # 400 with an EVIL error text
KEY = "hcw_0123456789abcdef0123456789ab"

DATE = "2020-06-09T14:51:06.113073+00:00"
DURATION = 2.896736


def evil_check(uuid=HOSTILE):
    check = {f: EVIL for f in ("name", "slug", "tags", "desc", "methods", "subject",
                               "subject_fail", "start_kw", "success_kw", "failure_kw",
                               "badge_url", "channels", "schedule", "tz")}
    check.update(grace=60, n_pings=1, status="up", started=False, last_ping=None,
                 next_ping=None, uuid=uuid)
    return check


PINGS = [{"type": "success", "date": DATE, "n": 1, "scheme": EVIL, "remote_addr": EVIL,
          "method": EVIL, "ua": EVIL, "rid": None, "duration": DURATION, "body_url": None},
         {"type": "start", "date": "2020-06-09T14:51:03+00:00", "n": 2, "scheme": "http",
          "remote_addr": "192.0.2.1", "method": "GET", "ua": "", "rid": None, "duration": 3.5,
          "body_url": None}]
CHANNELS = [{"id": EVIL, "name": EVIL, "kind": EVIL}]
BADGES = {EVIL: {k: EVIL for k in ("svg", "svg3", "json", "json3", "shields", "shields3")}}
BODY = b"line one\n\x1b]0;pwned\x07\x1b[2J\rtab\there \xff\xfe \xe2\x82\xac\n"
BODY_SHOWN = (b"line one\n\\x1b]0;pwned\\x07\\x1b[2J\\rtab\there \xef\xbf\xbd\xef\xbf\xbd "
              b"\xe2\x82\xac\n")
PING_TEXT = b"OK \xff\x1b]0;pwned\x07"
PING_TEXT_SHOWN = "OK \ufffd\\x1b]0;pwned\\x07"


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def endless(self):
        """A body that never ends (until the client goes)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"%x\r\n%s\r\n" % (65536, b"z" * 65536)
        try:
            for _ in range(200000):  # 13 GB: far more than any bound hc keeps
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?")[0]
        query = self.path.partition("?")[2]
        if path.startswith("/ping/"):
            return self.send(400 if ERROR in path else 200, PING_TEXT, "text/plain")
        m = re.fullmatch(r"/api/v3/checks/([^/]*)(?:/(pings|flips|pause|resume)/?)?"
                         r"(?:(\d+)/body)?/?", path)
        if not m:
            routes = {"/api/v3/channels/": {"channels": CHANNELS},
                      "/api/v3/badges/": {"badges": BADGES}}
            return self.send(200 if path in routes else 404, routes.get(path, {"error": EVIL}))
        uuid, what, n = m.groups()
        if uuid == ERROR:
            return self.send(400, {"error": EVIL})
        if not uuid:  # the list, or create
            if self.command == "POST":
                return self.send(201, evil_check())
            checks = {"slug=empty": [{}], "slug=no-id": [{"name": "n", "status": "up"}]}
            return self.send(200, {"checks": checks.get(query, [evil_check(),
                                                                evil_check(EVIL)])})
        if what == "pings" and n:
            if n == "2":
                return self.endless()
            return self.send(200, {"1": BODY, "3": b"12345"}[n], "text/plain")
        if what == "pings":
            return self.send(200, {"pings": PINGS})
        one = {EMPTY: {}, NO_ID: {"name": "n", "status": "up"}}.get(uuid, evil_check())
        return self.send(200, one)

    do_GET = do_POST = do_DELETE = answer


def setUpModule():
    global SERVER, URL
    SERVER = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    SERVER.daemon_threads = True
    threading.Thread(target=SERVER.serve_forever, daemon=True).start()
    URL = f"http://127.0.0.1:{SERVER.server_address[1]}"


def tearDownModule():
    SERVER.shutdown()
    SERVER.server_close()


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith(("HC_", "CHECK_"))}
    e.update(HC_API_URL=URL + "/api", HC_PING_URL=URL + "/ping", HC_API_KEY=KEY)
    return e


def hc(*args, **popen):
    """(exit status, stdout, stderr) of hc; stdout and stderr as bytes."""
    popen.setdefault("stdout", subprocess.PIPE)
    try:
        p = subprocess.run([HC, *args], stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                           env=env(), timeout=RUN_TIMEOUT, **popen)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"hc {' '.join(args)} did not end within {RUN_TIMEOUT} s")
    return p.returncode, p.stdout, p.stderr


def on_terminal(*args):
    """(exit status, what a raw terminal received) of hc with stdout on a pty."""
    master, slave = pty.openpty()
    tty.setraw(slave)  # no newline translation: the bytes as hc wrote them
    try:
        p = subprocess.Popen([HC, *args], stdout=slave, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, env=env())
        os.close(slave)
        data = b""
        while select.select([master], [], [], RUN_TIMEOUT)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: hc has closed its side
                break
            if not chunk:
                break
            data += chunk
        return p.wait(RUN_TIMEOUT), data
    finally:
        os.close(master)


def unsafe(ch):
    o = ord(ch)
    return (o < 0x20 or 0x7F <= o <= 0x9F or o in (0x200E, 0x200F) or 0x2028 <= o <= 0x202E
            or 0x2066 <= o <= 0x2069)


class CliTest(unittest.TestCase):
    def assertSafe(self, data, lines=None, keep=""):
        """@p data is UTF-8 with no unsafe character but line ends (and
        @p keep), in exactly @p lines lines when given."""
        text = data.decode("utf-8")  # strict: invalid UTF-8 fails here
        bad = sorted({c for c in text if unsafe(c) and c not in "\n" + keep})
        self.assertEqual(bad, [], text)
        if lines is not None:
            self.assertEqual(text.count("\n"), lines, text)
        return text


class TerminalSafety(CliTest):
    def test_checks_list(self):
        rc, out, err = hc("checks", "list")
        self.assertEqual(rc, 0, err)
        rows = self.assertSafe(out, lines=3).splitlines()
        self.assertEqual(rows[1][:24], SHOWN[:23] + "\u2026")
        self.assertTrue(rows[1].endswith(HOSTILE), rows[1])
        self.assertTrue(rows[2].rsplit("  ", 1)[1].startswith(SHOWN[:40]), rows[2])  # the ID

    def test_checks_get_and_its_kin(self):
        fields = len(evil_check())
        for args, first in ((("get", HOSTILE), None),
                            (("create", "--name", "x"), f"created check '{SHOWN}' ({HOSTILE}), HTTP 201"),
                            (("update", HOSTILE, "--name", "x"),
                             f"updated check '{SHOWN}' ({HOSTILE}), HTTP 200"),
                            (("pause", HOSTILE), f"paused check '{SHOWN}' ({HOSTILE}), status up"),
                            (("resume", HOSTILE), f"resumed check '{SHOWN}' ({HOSTILE}), status up"),
                            (("delete", HOSTILE), f"deleted check '{SHOWN}' ({HOSTILE})")):
            with self.subTest(args=args):
                rc, out, err = hc("checks", *args)
                self.assertEqual(rc, 0, err)
                lines = 1 if args[0] in ("pause", "resume", "delete") else fields + (first is not None)
                text = self.assertSafe(out, lines=lines)
                if first:
                    self.assertEqual(text.splitlines()[0], first)
                if args[0] in ("get", "create", "update"):
                    self.assertIn(f"\nname                 {SHOWN}\n", "\n" + text)

    def test_json_is_escaped_and_lossless(self):
        for args, pick in ((("checks", "list"), lambda j: j[0]["name"]),
                           (("checks", "get", HOSTILE), lambda j: j["name"]),
                           (("pings", HOSTILE), lambda j: j[0]["ua"]),
                           (("channels",), lambda j: j[0]["name"]),
                           (("badges",), lambda j: j[0]["tag"])):
            with self.subTest(args=args):
                rc, out, err = hc(*args, "--json")
                self.assertEqual(rc, 0, err)
                self.assertSafe(out)
                self.assertEqual(pick(json.loads(out)), EVIL)

    def test_pings_channels_badges(self):
        for args, lines, shown_in in ((("pings", HOSTILE), 3, 1), (("channels",), 2, 1),
                                      (("badges",), 2, 1)):
            with self.subTest(args=args):
                rc, out, err = hc(*args)
                self.assertEqual(rc, 0, err)
                row = self.assertSafe(out, lines=lines).splitlines()[shown_in]
                self.assertIn("\\x1b]0;", row)

    def test_error_texts(self):
        rc, out, err = hc("checks", "get", ERROR)
        self.assertEqual((rc, out), (1, b""))
        text = self.assertSafe(err, lines=1)
        self.assertIn(f': "{SHOWN}"', text)
        rc, out, err = hc("ping", "fail", "--uuid", ERROR, "--retries", "0")
        self.assertEqual(rc, 1)
        self.assertIn(f'(HTTP 400: "{PING_TEXT_SHOWN}")', self.assertSafe(err, lines=1))
        rc, out, err = hc("run", "--uuid", ERROR, "--retries", "0", "--", "true")
        self.assertEqual(rc, 0)
        self.assertIn(f'(HTTP 400: "{PING_TEXT_SHOWN}")', self.assertSafe(err, lines=2))

    def test_ping_response_text(self):
        rc, out, err = hc("ping", "--uuid", HOSTILE, "-v")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.assertSafe(out, lines=1),
                         f'delivered: HTTP 200 "{PING_TEXT_SHOWN}"\n')

    def test_ping_body_raw_to_a_pipe_escaped_on_a_terminal(self):
        rc, out, err = hc("ping-body", HOSTILE, "1")
        self.assertEqual((rc, out), (0, BODY), err)
        rc, shown = on_terminal("ping-body", HOSTILE, "1")
        self.assertEqual((rc, shown), (0, BODY_SHOWN))
        self.assertSafe(shown, keep="\t")


class Bounds(CliTest):
    def test_ping_body_stops_at_max_bytes(self):
        rc, out, err = hc("ping-body", HOSTILE, "2", "--max-bytes", "100000")
        self.assertEqual((rc, len(out), out[:3]), (1, 100000, b"zzz"))
        self.assertEqual(err, b"hc: ping-body: the body is longer than --max-bytes 100000; "
                              b"cut there\n")

    def test_ping_body_default_bound(self):
        rc, out, err = hc("ping-body", HOSTILE, "2")
        self.assertEqual((rc, len(out)), (1, 10000000), err)
        self.assertIn(b"longer than --max-bytes 10000000", err)

    def test_a_body_of_exactly_max_bytes_is_whole(self):
        self.assertEqual(hc("ping-body", HOSTILE, "3", "--max-bytes", "5"), (0, b"12345", b""))
        rc, out, err = hc("ping-body", HOSTILE, "3", "--max-bytes", "4")
        self.assertEqual((rc, out), (1, b"1234"))
        rc, out, err = hc("ping-body", HOSTILE, "3", "--max-bytes", "0")
        self.assertEqual((rc, out), (2, b""))
        self.assertIn(b"--max-bytes: '0' is not a number of bytes", err)

    def test_check_without_its_required_fields_is_malformed(self):
        for args, missing in ((("get", EMPTY), "a check without its name"),
                              (("get", NO_ID), "a check without its uuid or unique_key"),
                              (("pause", EMPTY), "a check without its name"),
                              (("list", "--slug", "empty"), "an item without its name"),
                              (("list", "--slug", "no-id"),
                               "an item without its uuid or unique_key")):
            with self.subTest(args=args):
                rc, out, err = hc("checks", *args)
                self.assertEqual((rc, out), (1, b""), err)
                self.assertEqual(err.decode(), f"hc: checks {args[0]}: malformed response: "
                                               f"{missing}\n")


class LosslessJson(CliTest):
    def test_pings_keep_microseconds(self):
        rc, out, err = hc("pings", HOSTILE, "--json")
        self.assertEqual(rc, 0, err)
        got = json.loads(out)
        self.assertEqual([(p["date"], p["duration"]) for p in got],
                         [(DATE, DURATION), ("2020-06-09T14:51:03+00:00", 3.5)])
        self.assertIn(b'"duration":2.896736', out)


def main():
    global HC
    HC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("HC_BIN", "hc"))
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
