#!/usr/bin/env python3
"""`hc run` end to end, against the local test server.

Runs the built `hc` binary (path as the first argument, or $HC_BIN) and
checks the exact pings it sends (paths, run ids, bodies, headers), the exit
status it returns, what it passes through, how it passes signals on, and
that a failed, slow or absent server never stops the command nor delays it
beyond a ping's deadline. Python 3 standard library only; every subprocess
has a timeout; only 127.0.0.1 is contacted.

Run: python3 test_cli_run.py path/to/hc   (prints "N passed, N failed" last)
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "..", "server", "hc_test_server.py")
HC = ""  # set by main()

UUID = "45c9d87e-c6e4-42c7-ba1e-921cfc827121"  # "Database Backup", slug database-backup
PING_KEY = "pingkey0123456789abcde"
RID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
MARKER_RE = re.compile(rb"\[hc: (\d+) bytes cut\]\n")
RUN_TIMEOUT = 60  # seconds any one hc process may take before the test fails
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
FIGURES: list[str] = []  # measured timings, printed before the summary

# A command that reports the signals it receives (mode "record"), dies of
# them (mode "die"), or reports its SIGHUP disposition ("disposition").
CHILD = r"""
import os, signal, sys, time
mode = sys.argv[1]
got = []
if mode == "count":  # takes each SIGINT the moment it is sent
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
    print("ready", flush=True)
    if signal.sigtimedwait([signal.SIGINT], 20):
        got.append(signal.SIGINT)
        while signal.sigtimedwait([signal.SIGINT], 0.3):
            got.append(signal.SIGINT)
    print("got", " ".join(signal.Signals(n).name for n in got), flush=True)
    sys.exit(40 + len(got))
if mode == "disposition":
    ign = signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    print("SIGHUP ignored" if ign else "SIGHUP default", flush=True)
    sys.exit(0)
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    if mode == "record":
        signal.signal(s, lambda n, f: got.append(n))
    elif s == signal.SIGINT:
        signal.signal(s, signal.SIG_DFL)
print("ready", flush=True)
end = time.monotonic() + 20
while not got and time.monotonic() < end:
    time.sleep(0.01)
time.sleep(0.3)  # room for a second copy of the signal to arrive
print("got", " ".join(signal.Signals(n).name for n in got), flush=True)
sys.exit(40 + len(got))
"""

# 5000 numbered lines of 32 bytes: 160000 bytes.
BIG = "for i in range(5000): print(f'line {i:05d} ' + 'x' * 20)"
BIG_OUTPUT = b"".join(f"line {i:05d} {'x' * 20}\n".encode() for i in range(5000))


def default_signals() -> None:
    """In a child: the forwarded signals at their defaults, whatever the
    test runner was started with (a background job ignores SIGINT)."""
    for s in FORWARDED:
        signal.signal(s, signal.SIG_DFL)


class Server:
    """One hc_test_server.py on a free port of 127.0.0.1."""

    def __init__(self, *args: str):
        self.dir = tempfile.mkdtemp(prefix="hc-run-test-")
        port_file = os.path.join(self.dir, "port")
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file,
             "--exit-with-parent", *args], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        with open(port_file) as f:
            self.port = int(f.read())
        self.site = f"http://127.0.0.1:{self.port}"
        self.ping_url = self.site + "/ping"

    def control(self, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.site + path, data=data,
                                     method="POST" if data is not None or path != "/_test/requests" else "GET")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def reset(self) -> None:
        self.control("/_test/reset", {})

    def config(self, **changes) -> None:
        self.control("/_test/config", changes)

    def requests(self) -> list[dict]:
        return self.control("/_test/requests")

    def wait_for_requests(self, n: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests()) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not see {n} requests")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


SERVER_PROC: Server | None = None


def setUpModule() -> None:
    global SERVER_PROC
    SERVER_PROC = Server()


def tearDownModule() -> None:
    if SERVER_PROC:
        SERVER_PROC.stop()


def clean_env(server: Server | None, extra: dict | None = None) -> dict:
    """The environment without the caller's HC_* and CHECK_* settings,
    pointed at @p server, plus @p extra (a None value removes a name)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HC_", "CHECK_"))}
    if server:
        env["HC_PING_URL"] = server.ping_url
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


class Result:
    def __init__(self, code: int, out: bytes, err: bytes, elapsed: float):
        self.code, self.out, self.err, self.elapsed = code, out, err, elapsed


def run_hc(args: list[str], server: Server | None = None, env: dict | None = None,
           stdin: bytes | None = None, timeout: float = RUN_TIMEOUT) -> Result:
    t0 = time.monotonic()
    p = subprocess.run([HC, "run", *args], input=stdin,
                       stdin=None if stdin is not None else subprocess.DEVNULL,
                       capture_output=True, env=clean_env(server or SERVER_PROC, env),
                       timeout=timeout, preexec_fn=default_signals)
    return Result(p.returncode, p.stdout, p.stderr, time.monotonic() - t0)


def read_until(stream, needle: bytes, timeout: float = 20) -> bytes:
    """Read from a pipe or pty until @p needle shows up (or fail)."""
    fd = stream if isinstance(stream, int) else stream.fileno()
    data = b""
    deadline = time.monotonic() + timeout
    while needle not in data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise AssertionError(f"{needle!r} did not appear; got {data!r}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # a pty whose other side has closed
            chunk = b""
        if not chunk:
            raise AssertionError(f"output ended before {needle!r}; got {data!r}")
        data += chunk
    return data


def read_to_end(fd: int, timeout: float = RUN_TIMEOUT) -> bytes:
    """Everything a pty's other side writes until it closes."""
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other side has closed
            return data
        if not chunk:
            return data
        data += chunk
    raise AssertionError(f"the pty did not close; got {data!r}")


def header(req: dict, name: str) -> str | None:
    return next((v for k, v in req["headers"] if k.lower() == name.lower()), None)


def rid_of(req: dict) -> str | None:
    m = re.fullmatch(r"rid=(.*)", req["query"]) or re.search(r"(?:^|&)rid=([^&]*)", req["query"])
    return m.group(1) if m else None


class RunCase(unittest.TestCase):
    server: Server

    def setUp(self) -> None:
        self.server = SERVER_PROC
        self.server.reset()

    def pings(self) -> list[dict]:
        return self.server.requests()

    def assert_run(self, reqs: list[dict], final: str | None, body: bytes | None = None,
                   start: bool = True, rid: bool = True, check: str = UUID) -> str | None:
        """Exactly a start ping (GET, no body) and a final ping to
        /ping/<check><final> (POST with @p body, or GET when there is none),
        both with one run id, or both without."""
        expect = (["start"] if start else []) + (["final"] if final is not None else [])
        self.assertEqual(len(reqs), len(expect), [(r["method"], r["path"], r["query"]) for r in reqs])
        rids = {rid_of(r) for r in reqs}
        self.assertEqual(len(rids), 1, "one run id for the whole run")
        run_id = rids.pop() if reqs else None
        if rid and reqs:
            self.assertRegex(run_id or "", RID_RE)
        elif reqs:
            self.assertIsNone(run_id)
        if start:
            self.assertEqual((reqs[0]["method"], reqs[0]["path"], reqs[0]["body"]),
                             ("GET", f"/ping/{check}/start", ""))
        if final is not None:
            last = reqs[-1]
            self.assertEqual(last["path"], f"/ping/{check}{final}")
            if body:
                self.assertEqual(last["method"], "POST")
                self.assertEqual(last["body"].encode("latin-1"), body)
                self.assertEqual(header(last, "Content-Length"), str(len(body)))
            else:
                self.assertEqual((last["method"], last["body"]), ("GET", ""))
        return run_id


class Outcomes(RunCase):
    def test_success(self):
        r = run_hc(["--uuid", UUID, "--", "sh", "-c", "echo out; echo err >&2"])
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.out, b"out\n")
        self.assertEqual(r.err, b"err\n")
        reqs = self.pings()
        self.assert_run(reqs, "", b"out\nerr\n")
        self.assertEqual(header(reqs[1], "Content-Type"), "text/plain; charset=utf-8")

    def test_success_without_output_is_a_get(self):
        r = run_hc(["--uuid", UUID, "--", "true"])
        self.assertEqual(r.code, 0)
        self.assert_run(self.pings(), "", None)

    def test_nonzero_exit(self):
        r = run_hc(["--uuid", UUID, "--", "sh", "-c", "echo failing; exit 3"])
        self.assertEqual(r.code, 3)
        self.assert_run(self.pings(), "/3", b"failing\n")

    def test_exit_255(self):
        r = run_hc(["--uuid", UUID, "--", "sh", "-c", "exit 255"])
        self.assertEqual(r.code, 255)
        self.assert_run(self.pings(), "/255")

    def test_command_not_found(self):
        r = run_hc(["--uuid", UUID, "--", "hc-no-such-command-here", "arg"])
        self.assertEqual(r.code, 127)
        msg = b"hc: cannot run hc-no-such-command-here: No such file or directory\n"
        self.assertEqual(r.err, msg)
        self.assert_run(self.pings(), "/fail", msg)

    def test_command_not_executable(self):
        with tempfile.NamedTemporaryFile(suffix=".sh") as f:  # mode 0600: not executable
            r = run_hc(["--uuid", UUID, "--", f.name])
        self.assertEqual(r.code, 127)
        self.assertIn(b"Permission denied", r.err)
        self.assert_run(self.pings(), "/fail", r.err)

    def test_stdin_reaches_the_command(self):
        r = run_hc(["--uuid", UUID, "--", "cat"], stdin=b"from stdin\n")
        self.assertEqual((r.code, r.out), (0, b"from stdin\n"))
        self.assert_run(self.pings(), "", b"from stdin\n")

    def test_command_without_double_dash(self):
        """As with runitor, the first argument that is not an option starts
        the command; options after it are the command's."""
        r = run_hc(["--uuid", UUID, "sh", "-c", "echo $0 $1; exit 3", "--quiet", "x"])
        self.assertEqual((r.code, r.out), (3, b"--quiet x\n"))
        self.assert_run(self.pings(), "/3", b"--quiet x\n")

    def test_arguments_reach_the_command_untouched(self):
        args = ["a b", "--", "-x", "--uuid", "$HOME", ""]
        r = run_hc(["--uuid", UUID, "--", sys.executable, "-c",
                    "import sys; print(repr(sys.argv[1:]))", *args])
        self.assertEqual(r.code, 0)
        self.assertEqual(r.out.decode().strip(), repr(args))


class Mappings(RunCase):
    CASES = [  # option, value, command exit (None: cannot run), final path (None: no final ping)
        ("--on-success", "success", 0, ""), ("--on-success", "fail", 0, "/fail"),
        ("--on-success", "log", 0, "/log"), ("--on-success", "exit-code", 0, "/0"),
        ("--on-success", "none", 0, None),
        ("--on-nonzero-exit", "exit-code", 3, "/3"), ("--on-nonzero-exit", "success", 3, ""),
        ("--on-nonzero-exit", "fail", 3, "/fail"), ("--on-nonzero-exit", "log", 3, "/log"),
        ("--on-nonzero-exit", "none", 3, None),
        ("--on-exec-fail", "fail", None, "/fail"), ("--on-exec-fail", "exit-code", None, "/127"),
        ("--on-exec-fail", "log", None, "/log"), ("--on-exec-fail", "success", None, ""),
        ("--on-exec-fail", "none", None, None),
    ]

    def test_every_mapping(self):
        for option, value, code, final in self.CASES:
            with self.subTest(option=option, value=value):
                self.server.reset()
                cmd = ["hc-no-such-command"] if code is None else ["sh", "-c", f"echo x; exit {code}"]
                r = run_hc(["--uuid", UUID, option, value, "--", *cmd])
                self.assertEqual(r.code, 127 if code is None else code)
                body = r.err if code is None else b"x\n"
                self.assert_run(self.pings(), final, body)

    def test_mapping_applies_to_its_outcome_only(self):
        r = run_hc(["--uuid", UUID, "--on-nonzero-exit", "log", "--", "true"])
        self.assertEqual(r.code, 0)
        self.assert_run(self.pings(), "")

    def test_bad_mapping_value_is_a_usage_error(self):
        r = run_hc(["--uuid", UUID, "--on-success", "exit", "--", "true"])
        self.assertEqual(r.code, 2)
        self.assertIn(b"--on-success: exit is not success, fail, log, exit-code or none", r.err)
        self.assertEqual(self.pings(), [])


class Signals(RunCase):
    def start(self, args: list[str], **popen) -> subprocess.Popen:
        popen.setdefault("preexec_fn", default_signals)
        return subprocess.Popen([HC, "run", *args], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=clean_env(self.server), **popen)

    def finish(self, p: subprocess.Popen) -> tuple[int, bytes, bytes]:
        try:
            out, err = p.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise
        return p.returncode, out, err

    def test_signal_kills_the_command_128_plus_n(self):
        for sig in FORWARDED:
            with self.subTest(signal=sig.name):
                self.server.reset()
                p = self.start(["--uuid", UUID, "--", sys.executable, "-c", CHILD, "die"])
                seen = read_until(p.stdout, b"ready\n")
                os.kill(p.pid, sig)  # to hc only: the command gets it from hc
                code, out, err = self.finish(p)
                self.assertEqual(code, 128 + sig, err)
                note = f"hc: {sys.executable} was killed by signal {int(sig)} ({signal.strsignal(sig)})\n"
                self.assertEqual(err.decode(), note)
                self.assert_run(self.pings(), f"/{128 + sig}", seen + out + note.encode())

    def test_command_gets_each_signal_once(self):
        for sig in FORWARDED:
            with self.subTest(signal=sig.name):
                self.server.reset()
                p = self.start(["--uuid", UUID, "--", sys.executable, "-c", CHILD, "record"])
                read_until(p.stdout, b"ready\n")
                os.kill(p.pid, sig)
                code, out, _ = self.finish(p)
                self.assertEqual(out, f"got {sig.name}\n".encode())
                self.assertEqual(code, 41)  # the command's own status, not hc's
                self.assert_run(self.pings(), "/41", b"ready\n" + out)

    def test_terminal_ctrl_c_reaches_the_command_once(self):
        """Ctrl-C on a terminal signals the whole foreground group, hc and
        the command: hc survives it to report the run and adds no second
        copy. (Two copies can merge while pending, so a hc that did add one
        is caught most of the time, not always; a correct hc always passes.)"""
        pid, fd = pty.fork()
        if pid == 0:  # the child: hc on a new terminal, in its foreground group
            try:
                default_signals()
                os.execve(HC, [HC, "run", "--uuid", UUID, "--", sys.executable, "-c", CHILD, "count"],
                          clean_env(self.server))
            finally:
                os._exit(126)
        try:
            read_until(fd, b"ready")
            os.write(fd, b"\x03")  # Ctrl-C
            out = read_to_end(fd)
        finally:
            deadline = time.monotonic() + RUN_TIMEOUT
            while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            if done[0] == 0:
                os.kill(pid, signal.SIGKILL)
                done = os.waitpid(pid, 0)
            os.close(fd)
        self.assertIn(b"got SIGINT\r\n", out)
        self.assertEqual(os.waitstatus_to_exitcode(done[1]), 41)
        self.assert_run(self.pings(), "/41", b"ready\ngot SIGINT\n")

    def test_signal_before_the_command_starts(self):
        """A signal during the start ping: the command is not run, and the
        run is reported as killed by it."""
        self.server.config(delay_ms=1000)
        marker = os.path.join(self.server.dir, "ran")
        p = self.start(["--uuid", UUID, "--", "touch", marker])
        self.server.wait_for_requests(1)  # hc is in its start ping now
        os.kill(p.pid, signal.SIGTERM)
        code, _, err = self.finish(p)
        self.assertEqual(code, 143)
        self.assertFalse(os.path.exists(marker), "the command must not run")
        msg = b"hc: signal 15 arrived before touch started; not running it\n"
        self.assertIn(msg, err)
        self.assert_run(self.pings(), "/143", msg)

    def test_ignored_sighup_stays_ignored(self):
        """nohup hc run -- cmd: the command ignores SIGHUP too."""
        def nohup():
            default_signals()
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
        for setup, expect in ((default_signals, b"SIGHUP default\n"), (nohup, b"SIGHUP ignored\n")):
            with self.subTest(expect=expect):
                p = self.start(["--uuid", UUID, "--", sys.executable, "-c", CHILD, "disposition"],
                               preexec_fn=setup)
                code, out, _ = self.finish(p)
                self.assertEqual((code, out), (0, expect))

    def test_closed_stdout_reaches_the_command_and_the_report_goes_out(self):
        p = self.start(["--uuid", UUID, "--", sys.executable, "-c", BIG])
        p.stdout.close()  # hc's writes now fail with EPIPE, and so do the command's
        try:
            _, err = p.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            raise
        self.assertNotEqual(p.returncode, 0, err)  # Python: BrokenPipeError
        self.assertIn(b"BrokenPipeError", err)
        reqs = self.pings()
        self.assertEqual(len(reqs), 2)
        self.assertEqual(reqs[1]["path"], f"/ping/{UUID}/{p.returncode}")
        self.assertIn("BrokenPipeError", reqs[1]["body"])


# Reports, on both of its descriptors, whether stdout and stderr are open.
PROBE = r"""
import os
report = b"".join(b"fd %d %s\n" % (fd, b"open" if os.path.exists(f"/proc/self/fd/{fd}")
                                     else b"closed") for fd in (1, 2))
for fd in (1, 2):
    try:
        os.write(fd, report)
    except OSError:
        pass
"""


class Pipelines(RunCase):
    """When hc's own stdout or stderr goes away, the command sees what it
    would have seen without hc, and the report with the tail still goes out."""

    def bounded(self, argv: list[str], **popen) -> tuple[subprocess.Popen, bytes, bytes]:
        """Run argv in a session of its own, killed whole after 20 s."""
        p = subprocess.Popen(argv, start_new_session=True, env=clean_env(self.server),
                             stdin=subprocess.DEVNULL, **popen)
        return p, *self.wait_bounded(p)

    def wait_bounded(self, p: subprocess.Popen) -> tuple[bytes, bytes]:
        try:
            return p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            self.fail(f"{p.args} did not end within 20 s")

    def assert_killed_by_sigpipe(self, command: str) -> None:
        reqs = self.pings()
        self.assertEqual([r["path"] for r in reqs], [f"/ping/{UUID}/start", f"/ping/{UUID}/141"])
        body = reqs[1]["body"].encode("latin-1")
        note = f"hc: {command} was killed by signal 13 (Broken pipe)\n".encode()
        self.assertTrue(body.endswith(note), body[-200:])
        output = body[:-len(note)]
        m = MARKER_RE.match(output)
        output = output[m.end():] if m else output
        self.assertIn(b"y\ny\n", output)
        self.assertEqual(output.strip(b"y\n"), b"")

    def test_yes_into_head(self):
        p, out, err = self.bounded(["sh", "-c", '"$0" run --uuid "$1" -- yes | head -1', HC, UUID],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual((p.returncode, out), (0, b"y\n"), err)
        self.assert_killed_by_sigpipe("yes")

    def test_stderr_reader_gone(self):
        p = subprocess.Popen([HC, "run", "--uuid", UUID, "--", "sh", "-c", "exec yes >&2"],
                             start_new_session=True, env=clean_env(self.server),
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        read_until(p.stderr, b"y\n")
        p.stderr.close()
        self.wait_bounded(p)
        self.assertEqual(p.returncode, 141)
        self.assert_killed_by_sigpipe("sh")

    def test_closed_descriptor_stays_closed_for_the_command(self):
        for fd in (1, 2):
            with self.subTest(closed=fd):
                self.server.reset()
                p, out, err = self.bounded([HC, "run", "--uuid", UUID, "--", sys.executable,
                                            "-c", PROBE], stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE,
                                           preexec_fn=lambda: os.close(fd))
                report = b"fd 1 %s\nfd 2 %s\n" % ((b"closed", b"open") if fd == 1
                                                  else (b"open", b"closed"))
                self.assertEqual(p.returncode, 0, err)
                self.assertEqual(err if fd == 1 else out, report)
                self.assert_run(self.pings(), "", report)


class Output(RunCase):
    def big_run(self, *args: str, limit: int | None, start: bool = True) -> None:
        """The tail of BIG_OUTPUT arrives, cut to @p limit bytes with the
        marker (or whole when @p limit is None); stdout gets everything."""
        r = run_hc(["--uuid", UUID, *args, "--", sys.executable, "-c", BIG])
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.out, BIG_OUTPUT)
        reqs = self.pings()
        self.assertEqual(len(reqs), 2 if start else 1)
        body = reqs[-1]["body"].encode("latin-1")
        if limit is None:
            self.assertEqual(body, BIG_OUTPUT)
            return
        self.assertEqual(len(body), limit)
        m = MARKER_RE.match(body)
        self.assertIsNotNone(m, body[:40])
        kept = limit - m.end()
        self.assertEqual(int(m.group(1)), len(BIG_OUTPUT) - kept)
        self.assertEqual(body[m.end():], BIG_OUTPUT[-kept:])

    def test_tail_kept_under_the_server_limit(self):
        self.big_run(limit=10000)  # the server's Ping-Body-Limit: 10000

    def test_server_limit_larger_than_the_default(self):
        self.server.config(ping_body_limit=20000)
        self.big_run(limit=20000)

    def test_unknown_limit_falls_back_to_10000(self):
        """With no start ping the server's limit is unknown: 10000, which any
        server keeps whole (one that keeps less cuts the end, not the head)."""
        self.server.config(ping_body_limit=20000)
        self.big_run("--no-start-ping", limit=10000, start=False)

    def test_server_without_a_limit_header(self):
        self.server.config(ping_body_limit=0)
        self.big_run(limit=10000)

    def test_explicit_limit_lowers_it(self):
        self.big_run("--body-limit", "300", limit=300)

    def test_explicit_limit_never_raises_the_servers(self):
        self.server.config(ping_body_limit=20000)
        self.big_run("--body-limit", "50000", limit=20000)

    def test_limit_zero_means_the_servers(self):
        self.server.config(ping_body_limit=20000)
        self.big_run("--body-limit", "0", limit=20000)

    def test_limit_zero_without_a_known_limit_sends_everything(self):
        self.server.config(ping_body_limit=0)
        self.big_run("--body-limit", "0", "--no-start-ping", limit=None, start=False)

    def test_no_output_in_ping(self):
        r = run_hc(["--uuid", UUID, "--no-output-in-ping", "--", "sh", "-c", "echo secret; exit 1"])
        self.assertEqual((r.code, r.out), (1, b"secret\n"))
        self.assert_run(self.pings(), "/1", None)

    def test_quiet_hides_stdout_only(self):
        r = run_hc(["--uuid", UUID, "--quiet", "--", "sh", "-c", "echo out; echo err >&2"])
        self.assertEqual((r.code, r.out, r.err), (0, b"", b"err\n"))
        self.assert_run(self.pings(), "", b"out\nerr\n")
        r = run_hc(["--uuid", UUID, "-q", "--", "echo", "short"])
        self.assertEqual(r.out, b"")

    def test_silent_hides_both(self):
        r = run_hc(["--uuid", UUID, "--silent", "--", "sh", "-c", "echo out; echo err >&2; exit 2"])
        self.assertEqual((r.code, r.out, r.err), (2, b"", b""))
        self.assert_run(self.pings(), "/2", b"out\nerr\n")

    def test_background_process_holding_the_pipes(self):
        """The command exits but leaves a process holding its stdout: hc
        reports the command's end instead of waiting for that process."""
        r = run_hc(["--uuid", UUID, "--", "sh", "-c", "sleep 30 & echo $!; exit 6"], timeout=20)
        try:
            self.assertEqual(r.code, 6)
            self.assertLess(r.elapsed, 5)
            self.assert_run(self.pings(), "/6", r.out)
        finally:
            os.kill(int(r.out), signal.SIGKILL)
        FIGURES.append(f"command leaving a background process: hc done in {r.elapsed:.2f} s")


class Options(RunCase):
    def test_no_start_ping(self):
        r = run_hc(["--uuid", UUID, "--no-start-ping", "--", "echo", "hi"])
        self.assertEqual(r.code, 0)
        self.assert_run(self.pings(), "", b"hi\n", start=False)

    def test_no_rid(self):
        r = run_hc(["--uuid", UUID, "--no-rid", "--", "sh", "-c", "exit 9"])
        self.assertEqual(r.code, 9)
        self.assert_run(self.pings(), "/9", rid=False)

    def test_each_run_has_its_own_rid(self):
        rids = set()
        for _ in range(3):
            self.server.reset()
            run_hc(["--uuid", UUID, "--", "true"])
            rids.add(self.assert_run(self.pings(), ""))
        self.assertEqual(len(rids), 3)

    def test_extra_headers_reach_the_server(self):
        r = run_hc(["--uuid", UUID, "--header", "X-Job: backup", "--header", "X-Env:prod",
                    "--", "true"])
        self.assertEqual(r.code, 0)
        reqs = self.pings()
        self.assertEqual(len(reqs), 2)
        for req in reqs:
            self.assertEqual(header(req, "X-Job"), "backup")
            self.assertEqual(header(req, "X-Env"), "prod")

    def test_bad_headers_are_usage_errors(self):
        """Each message names the header and what is wrong with it; the
        command does not run and nothing is sent."""
        marker = os.path.join(tempfile.mkdtemp(prefix="hc-run-test-"), "ran")
        cases = (("no colon", b"'no colon' is not 'Name: value'"),
                 (": empty name", b"'' is not a header name"),
                 ("Bad Name: x", b"'Bad Name' is not a header name"),
                 ("X-Ok: line\nbreak", b"the value of X-Ok holds a line break"),
                 ("X-Ok: bell\a", b"the value of X-Ok holds a line break"))
        for bad, message in cases:
            with self.subTest(header=bad):
                r = run_hc(["--uuid", UUID, "--header", bad, "--", "touch", marker])
                self.assertEqual(r.code, 2)
                self.assertIn(b"--header: " + message, r.err)
        nine = sum((["--header", f"X-{i}: v"] for i in range(9)), [])
        r = run_hc(["--uuid", UUID, *nine, "--", "touch", marker])
        self.assertEqual(r.code, 2)
        self.assertIn(b"--header: at most 8", r.err)
        self.assertFalse(os.path.exists(marker))
        self.assertEqual(self.pings(), [])

    def test_reserved_headers_are_usage_errors(self):
        """Headers hc writes itself cannot be given twice, in any case:
        two Content-Lengths, or one with Transfer-Encoding, would change
        the request's framing."""
        marker = os.path.join(tempfile.mkdtemp(prefix="hc-run-test-"), "ran")
        for name in ("Content-Length", "content-length", "TRANSFER-ENCODING", "Host",
                     "connection", "Te", "Trailer", "Upgrade", "Expect", "Keep-Alive",
                     "Proxy-Connection", "X-Api-Key", "content-type", "User-Agent"):
            with self.subTest(header=name):
                r = run_hc(["--uuid", UUID, "--header", "X-Ok: 1", "--header", f"{name}: 5",
                            "--", "touch", marker])
                self.assertEqual(r.code, 2)
                self.assertIn(f"--header: {name} is reserved: hc writes it itself".encode(), r.err)
                if name == "User-Agent":
                    self.assertIn(b"(use --user-agent)", r.err)
        self.assertFalse(os.path.exists(marker))
        self.assertEqual(self.pings(), [])
        # a name that only starts like a reserved one is the caller's
        r = run_hc(["--uuid", UUID, "--header", "Content-Length-Hint: 5", "--", "true"])
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual([header(q, "Content-Length-Hint") for q in self.pings()], ["5"] * 2)

    def test_user_agent(self):
        run_hc(["--uuid", UUID, "--", "true"])
        for req in self.pings():
            self.assertRegex(header(req, "User-Agent"), r"^hc/\d+\.\d+\.\d+$")
        self.server.reset()
        run_hc(["--uuid", UUID, "--user-agent", "nightly-backup/2.1 (db1)", "--", "true"])
        self.assertEqual([header(r, "User-Agent") for r in self.pings()],
                         ["nightly-backup/2.1 (db1)"] * 2)

    def test_slug_and_create(self):
        r = run_hc(["--slug", "database-backup", "--ping-key", PING_KEY, "--", "true"])
        self.assertEqual(r.code, 0, r.err)
        self.assert_run(self.pings(), "", check=f"{PING_KEY}/database-backup")
        self.server.reset()
        r = run_hc(["--slug", "brand-new", "--ping-key", PING_KEY, "--create", "--", "true"])
        self.assertEqual((r.code, r.err), (0, b""))
        reqs = self.pings()
        self.assertEqual([(q["path"], q["query"].split("&")[-1]) for q in reqs],
                         [(f"/ping/{PING_KEY}/brand-new/start", "create=1"),
                          (f"/ping/{PING_KEY}/brand-new", "create=1")])

    def test_create_after_a_lost_start_ping(self):
        """The start ping never arrives, so the finish ping creates the check."""
        self.server.config(fail_next=3, fail_mode="reset")
        r = run_hc(["--slug", "made-late", "--ping-key", PING_KEY, "--create", "--retries", "2",
                    "--", "true"])
        self.assertEqual(r.code, 0)
        self.assertIn(b"start ping not delivered", r.err)
        self.assertNotIn(b"finish ping not delivered", r.err)
        reqs = self.pings()
        self.assertEqual([q["path"] for q in reqs],
                         [f"/ping/{PING_KEY}/made-late/start"] * 3 + [f"/ping/{PING_KEY}/made-late"])
        self.assertEqual(len({rid_of(q) for q in reqs}), 1)

    def test_usage_errors_send_nothing(self):
        cases = [
            (["--uuid", UUID], b"no command to run"),
            (["--uuid", UUID, "--"], b"no command to run"),
            (["--", "true"], b"which check?"),
            (["--slug", "database-backup", "--", "true"], b"--slug needs the project's ping key"),
            (["--uuid", UUID, "--create", "--", "true"], b"--create works with --slug only"),
            (["--uuid", UUID.upper(), "--", "true"],
             b"--uuid '" + UUID.upper().encode() + b"' is not a check UUID (8-4-4-4-12 lowercase"),
            (["--slug", "Bad Slug", "--ping-key", PING_KEY, "--", "true"],
             b"--slug 'Bad Slug' is not a slug (1 to 100 of a-z 0-9 - _)"),
            (["--uuid", UUID, "--bogus", "--", "true"], b"unknown option --bogus"),
            (["--uuid", UUID, "--body-limit", "-5", "--", "true"], b"--body-limit: -5 is not"),
            (["--uuid", UUID, "--request-timeout", "5x", "--", "true"], b"is not a duration"),
            (["--uuid", UUID, "--quiet=yes", "--", "true"], b"--quiet takes no value"),
            (["--uuid"], b"--uuid needs a value"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = run_hc(args)
                self.assertEqual(r.code, 2, r.err)
                self.assertIn(message, r.err)
        self.assertEqual(self.pings(), [])

    def test_help(self):
        r = run_hc(["--help"])
        self.assertEqual(r.code, 0)
        for option in (b"--uuid", b"--slug", b"--create", b"--no-start-ping", b"--no-rid",
                       b"--no-output-in-ping", b"--body-limit", b"--on-success", b"--on-nonzero-exit",
                       b"--on-exec-fail", b"--header", b"--request-timeout", b"--quiet", b"--silent",
                       b"CHECK_UUID", b"CHECK_SLUG", b"HC_API_URL"):
            self.assertIn(option, r.out)


class RunitorCompatibility(RunCase):
    def test_runitor_command_line(self):
        """A runitor command line, single dashes and name=value included."""
        r = run_hc(["-uuid", UUID, f"-api-url={self.server.ping_url}", "-api-retries", "0",
                    "-api-timeout", "2s", "-ping-body-limit=100", "-no-run-id",
                    "-req-header", "X-From: runitor", "-quiet", "--", sys.executable, "-c", BIG],
                   env={"HC_PING_URL": None})
        self.assertEqual((r.code, r.out), (0, b""), r.err)
        reqs = self.pings()
        self.assert_run(reqs, "", reqs[-1]["body"].encode("latin-1"), rid=False)
        self.assertEqual(len(reqs[-1]["body"]), 100)
        self.assertEqual([header(q, "X-From") for q in reqs], ["runitor"] * 2)

    def test_runitor_environment(self):
        """CHECK_UUID, CHECK_SLUG, HC_PING_KEY and HC_API_URL as runitor reads them."""
        site = self.server.ping_url
        envs = [
            ({"CHECK_UUID": UUID, "HC_API_URL": site, "HC_PING_URL": None}, UUID),
            ({"CHECK_SLUG": "database-backup", "HC_PING_KEY": PING_KEY}, f"{PING_KEY}/database-backup"),
            ({"CHECK_UUID": UUID, "CHECK_SLUG": "database-backup", "HC_PING_KEY": PING_KEY}, UUID),
            # hc's HC_PING_URL beats runitor's HC_API_URL
            ({"CHECK_UUID": UUID, "HC_API_URL": "http://127.0.0.1:9/ping"}, UUID),
        ]
        for env, check in envs:
            with self.subTest(env=env):
                self.server.reset()
                r = run_hc(["--", "true"], env=env)
                self.assertEqual((r.code, r.err), (0, b""))
                self.assert_run(self.pings(), "", check=check)

    def test_flags_beat_the_environment(self):
        r = run_hc(["--slug", "database-backup", "--", "true"],
                   env={"CHECK_UUID": UUID, "HC_PING_KEY": PING_KEY})
        self.assertEqual(r.code, 0, r.err)
        self.assert_run(self.pings(), "", check=f"{PING_KEY}/database-backup")
        self.server.reset()
        r = run_hc(["--ping-url", self.server.ping_url, "--uuid", UUID, "--", "true"],
                   env={"HC_API_URL": "http://127.0.0.1:9/ping", "HC_PING_URL": None})
        self.assertEqual(r.code, 0, r.err)
        self.assert_run(self.pings(), "")

    def test_values_from_files(self):
        with tempfile.TemporaryDirectory() as d:
            for name, value in (("uuid", UUID), ("key", PING_KEY), ("empty", "  \n")):
                with open(os.path.join(d, name), "w") as f:
                    f.write(f"  {value}\n")
            r = run_hc(["--uuid", f"file:{d}/uuid", "--", "true"])
            self.assertEqual(r.code, 0, r.err)
            self.assert_run(self.pings(), "")
            self.server.reset()
            r = run_hc(["--slug", "database-backup", "--", "true"],
                       env={"HC_PING_KEY": f"file:{d}/key"})
            self.assertEqual(r.code, 0, r.err)
            self.assert_run(self.pings(), "", check=f"{PING_KEY}/database-backup")
            for bad in (f"file:{d}/empty", f"file:{d}/missing"):
                r = run_hc(["--uuid", bad, "--", "true"])
                self.assertEqual(r.code, 2)
                self.assertIn(b"--uuid: cannot read it from", r.err)


class Failures(RunCase):
    def test_server_down(self):
        """No server at all: the command runs, its status comes back, and
        both pings give up within their deadlines."""
        gone = Server()
        gone.stop()  # its port now refuses
        r = run_hc(["--uuid", UUID, "--timeout", "2", "--", "sh", "-c", "echo ran; exit 5"], server=gone)
        self.assertEqual((r.code, r.out), (5, b"ran\n"))
        self.assertIn(b"start ping not delivered (running the command anyway)", r.err)
        self.assertIn(b"finish ping not delivered", r.err)
        self.assertLess(r.elapsed, 2 * 2 + 3)
        FIGURES.append(f"server down (connection refused), --timeout 2: run took {r.elapsed:.2f} s")

    def test_dropped_start_ping_is_retried(self):
        self.server.config(fail_next=1, fail_mode="drop")
        r = run_hc(["--uuid", UUID, "--", "echo", "ok"])
        self.assertEqual((r.code, r.err), (0, b""))
        reqs = self.pings()
        self.assertEqual([q["path"] for q in reqs], [f"/ping/{UUID}/start"] * 2 + [f"/ping/{UUID}"])
        self.assertEqual(len({rid_of(q) for q in reqs}), 1)

    def test_final_ping_is_retried(self):
        p = subprocess.Popen([HC, "run", "--uuid", UUID, "--", "sh", "-c",
                              "echo waiting; read x; echo done"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=clean_env(self.server), preexec_fn=default_signals)
        try:
            read_until(p.stdout, b"waiting\n")  # the start ping is through
            self.server.config(fail_next=2, fail_mode="500")
            out, err = p.communicate(b"go\n", timeout=RUN_TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertEqual((p.returncode, out, err), (0, b"done\n", b""))
        reqs = self.pings()
        self.assertEqual([q["path"] for q in reqs], [f"/ping/{UUID}/start"] + [f"/ping/{UUID}"] * 3)
        self.assertEqual({q["body"] for q in reqs[1:]}, {"waiting\ndone\n"})

    def test_silent_server_during_start_ping(self):
        """The server takes the start ping and never answers: the command
        starts once the start ping's deadline (--timeout 1) has passed."""
        self.server.config(fail_next=1, fail_mode="silent")
        t0 = time.monotonic()
        p = subprocess.Popen([HC, "run", "--uuid", UUID, "--timeout", "1", "--", "sh", "-c",
                              "echo started; exit 4"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=clean_env(self.server), preexec_fn=default_signals)
        read_until(p.stdout, b"started")
        started = time.monotonic() - t0
        out, err = p.communicate(timeout=RUN_TIMEOUT)
        total = time.monotonic() - t0
        self.assertEqual(p.returncode, 4)
        self.assertIn(b"start ping not delivered", err)
        self.assertGreater(started, 0.9)   # it did wait for the start ping...
        self.assertLess(started, 1 + 2.0)  # ...but not beyond its deadline
        reqs = self.pings()
        self.assertEqual([q["path"] for q in reqs], [f"/ping/{UUID}/start", f"/ping/{UUID}/4"])
        self.assertEqual(len({rid_of(q) for q in reqs}), 1)
        FIGURES.append(f"silent server, --timeout 1: command started after {started:.2f} s, "
                       f"run done after {total:.2f} s")

    def test_slow_server(self):
        """Every answer takes 3 s, the deadline is 1 s: both pings give up on
        time and the command's status is kept."""
        self.server.config(delay_ms=3000)
        r = run_hc(["--uuid", UUID, "--timeout", "1", "--", "sh", "-c", "exit 4"])
        self.assertEqual(r.code, 4)
        self.assertIn(b"start ping not delivered", r.err)
        self.assertIn(b"finish ping not delivered", r.err)
        self.assertGreater(r.elapsed, 1.8)
        self.assertLess(r.elapsed, 2 * 1 + 3)
        self.assertEqual([q["path"] for q in self.pings()], [f"/ping/{UUID}/start", f"/ping/{UUID}/4"])
        FIGURES.append(f"slow server (3 s per answer), --timeout 1: run took {r.elapsed:.2f} s")

    def test_request_timeout_with_retries(self):
        """runitor's -api-timeout: each attempt gets 500 ms, then a retry."""
        self.server.config(delay_ms=1500)
        r = run_hc(["--uuid", UUID, "--api-timeout", "500ms", "--api-retries", "1", "--",
                    "sh", "-c", "exit 0"])
        self.assertEqual(r.code, 0)
        self.assertEqual([q["path"] for q in self.pings()],
                         [f"/ping/{UUID}/start"] * 2 + [f"/ping/{UUID}"] * 2)
        self.assertLess(r.elapsed, 2 * (2 * 0.5 + 1.5) + 3)
        FIGURES.append(f"slow server (1.5 s), --api-timeout 500ms --api-retries 1: "
                       f"run took {r.elapsed:.2f} s (4 attempts)")

    def test_wrapper_overhead(self):
        runs = []
        for _ in range(20):
            r = run_hc(["--uuid", UUID, "--", "true"])
            self.assertEqual(r.code, 0)
            runs.append(r.elapsed)
        median = statistics.median(runs)
        self.assertLess(median, 1.0)
        FIGURES.append(f"hc run -- true against the local server: median {median * 1000:.1f} ms, "
                       f"max {max(runs) * 1000:.1f} ms over 20 runs (two pings each)")


def main() -> int:
    global HC
    HC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("HC_BIN", ""))
    if not os.access(HC, os.X_OK):
        print(f"usage: {sys.argv[0]} path/to/hc (or set HC_BIN)", file=sys.stderr)
        return 2
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    for line in FIGURES:
        print(f"figure: {line}")
    print(f"{result.testsRun - failed - len(result.skipped)} passed, {failed} failed")
    return 1 if failed or not result.testsRun else 0


if __name__ == "__main__":
    sys.exit(main())
