"""hc ping against the test server: what reaches the server, exit statuses,
usage errors, bodies from --data, files and stdin, the environment.

Usage: test_cli_ping.py HC_BINARY SERVER_PY
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HC, SERVER = sys.argv[1:3]
UUID = "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
RID = "cabd8d03-d637-46e9-b652-805655b43815"
PING_KEY = "pingkey0123456789abcde"


class CliPing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="hc-cli-ping-")
        port_file = os.path.join(cls.dir, "port")
        cls.records = os.path.join(cls.dir, "records")
        cls.server = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file,
             "--record-dir", cls.records, "--ping-body-limit", "100"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not (os.path.exists(port_file) and os.path.getsize(port_file)):
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.05)
        with open(port_file) as f:
            cls.url = f"http://127.0.0.1:{int(f.read())}/ping"

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        try:
            cls.server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            cls.server.kill()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def hc(self, *args, env=None, stdin=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("HC_")}
        e.update(env if env is not None else {"HC_PING_URL": self.url, "HC_PING_KEY": PING_KEY})
        return subprocess.run([HC, "ping", *args], capture_output=True, env=e,
                              input=stdin, timeout=30)

    def last_request(self):
        names = sorted(os.listdir(self.records)) if os.path.isdir(self.records) else []
        if not names:
            return None, b""
        with open(os.path.join(self.records, names[-1]), "rb") as f:
            raw = f.read()
        head, _, body = raw.partition(b"\r\n\r\n")
        return head.split(b"\r\n")[0].decode(), body

    def count(self):
        return len(os.listdir(self.records)) if os.path.isdir(self.records) else 0

    def test_signals_reach_the_server(self):
        cases = [
            ((), f"GET /ping/{UUID} HTTP/1.1"),
            (("start", "--rid", RID), f"GET /ping/{UUID}/start?rid={RID} HTTP/1.1"),
            (("fail",), f"GET /ping/{UUID}/fail HTTP/1.1"),
            (("log", "--method", "POST"), f"POST /ping/{UUID}/log HTTP/1.1"),
            (("7", "--method", "HEAD"), f"HEAD /ping/{UUID}/7 HTTP/1.1"),
        ]
        for args, line in cases:
            r = self.hc(*args, "--uuid", UUID)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.last_request()[0], line)

    def test_slug_create_and_new_rid(self):
        r = self.hc("start", "--slug", "cli-made", "--create", "--new-rid", "-v")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        rid = out.split()[1]
        self.assertIn("(check created)", out)
        self.assertEqual(self.last_request()[0],
                         f"GET /ping/{PING_KEY}/cli-made/start?rid={rid}&create=1 HTTP/1.1")

    def test_bodies_from_data_file_and_stdin(self):
        r = self.hc("--uuid", UUID, "--data", "from argv")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.last_request(), (f"POST /ping/{UUID} HTTP/1.1", b"from argv"))
        path = os.path.join(self.dir, "log.txt")
        with open(path, "wb") as f:
            f.write(b"line\n" * 50)           # 250 bytes
        r = self.hc("log", "--uuid", UUID, "--data-file", path, "--body-limit", "12")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.last_request()[1], b"e\nline\nline\n")
        r = self.hc("fail", "--uuid", UUID, "--data-file", "-", stdin=b"from stdin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.last_request()[1], b"from stdin")

    def test_not_delivered_exits_1_with_reason(self):
        r = self.hc("--uuid", "00000000-0000-4000-8000-000000000000")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"check not found", r.stderr)
        r = self.hc("--slug", "dup")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"ambiguous slug", r.stderr)

    def test_unreachable_server_exits_1(self):
        r = self.hc("--uuid", UUID, "--retries", "0", "--timeout", "2",
                    env={"HC_PING_URL": "http://127.0.0.1:1/ping"})
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"connection refused", r.stderr)

    def test_usage_errors_exit_2_and_send_nothing(self):
        before = self.count()
        for args in (("256", "--uuid", UUID), ("--uuid", "not-a-uuid"),
                     ("--slug", "Bad Slug"), ("--uuid", UUID, "--slug", "x"),
                     ("--uuid", UUID, "--method", "PUT"), ("--uuid", UUID, "--rid", "x"),
                     ("--uuid", UUID, "--data", "a", "--data-file", "-"),
                     ("--uuid", UUID, "--bogus"), ("--uuid",)):
            r = self.hc(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.startswith(b"hc: "), r.stderr)
        r = self.hc("--slug", "x", env={"HC_PING_URL": self.url})  # no ping key
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(self.count(), before)

    def test_each_refusal_names_the_option_and_its_rule(self):
        before = self.count()
        slug101 = "s" * 101
        cases = [
            (("--uuid", "not-a-uuid"), "--uuid 'not-a-uuid' is not a check UUID "
                                       "(8-4-4-4-12 lowercase hex digits, as in its ping URL)"),
            (("--uuid", UUID.upper()), f"--uuid '{UUID.upper()}' is not a check UUID"),
            (("--uuid", UUID, "--slug", "x"), "give --uuid or --slug, not both"),
            ((), "which check? give --uuid or --slug"),
            (("--uuid", UUID, "--create"), "--create works with --slug only"),
            (("--slug", "Bad Slug"), "--slug 'Bad Slug' is not a slug (1 to 100 of a-z 0-9 - _)"),
            (("--slug", slug101), "--slug is longer than 100 characters (1 to 100 of a-z 0-9 - _)"),
            (("--slug", ""), "--slug is empty"),
            (("--slug", "x", "--ping-key", "key\rX-Evil: 1"),
             "--ping-key holds a control character (CR, LF, ...)"),
            (("--uuid", UUID, "--rid", "x"), "--rid 'x' is not a run id (a UUID: 8-4-4-4-12 hex"),
            (("--uuid", UUID, "--method", "HEAD", "--data", "x"),
             "--method HEAD sends no body: drop --data/--data-file, or use POST"),
            (("--uuid", UUID, "--method", "HEAD", "--data-file", "-"), "--method HEAD sends no body"),
            (("256", "--uuid", UUID), "exit status 256 is out of range 0..255"),
            (("4097", "--uuid", UUID), "exit status 4097 is out of range 0..255"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = self.hc(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.decode().startswith(f"hc: {message}"), r.stderr)
                self.assertEqual(r.stderr.count(b"\n"), 1, r.stderr)
        r = self.hc("--slug", "x", env={"HC_PING_URL": self.url})  # no ping key
        self.assertEqual(r.stderr, b"hc: --slug needs the project's ping key "
                                   b"(--ping-key or HC_PING_KEY)\n")
        self.assertEqual(self.count(), before)

    def test_flags_override_environment(self):
        r = self.hc("--uuid", UUID, "--ping-url", self.url,
                    env={"HC_PING_URL": "http://127.0.0.1:1/ping"})
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_help(self):
        r = self.hc("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"usage: hc ping", r.stdout)


if __name__ == "__main__":
    result = unittest.main(argv=sys.argv[:1], exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
