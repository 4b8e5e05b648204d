"""hc over https: the CLI picks the mbedTLS transport for https:// URLs,
verifies the server against --cacert, and says why when it does not; a
plain-http ping or run never reads the CA bundle, and an unusable bundle
fails an https ping within its deadline but never stops hc run's command.
--tls-session FILE: the second run resumes the first run's session (as
stunnel's log says), FILE is mode 0600, and a stale, foreign, damaged or
unreadable FILE costs one warning line and a full handshake, never the ping.

Usage: test_cli_tls.py HC_BINARY SERVER_PY GEN_CERTS_SH
A throwaway PKI (test/tls/gen-certs.sh) and stunnel in front of the test
server, all on 127.0.0.1; every wait and subprocess is bounded.
"""
import os
import shutil
import stat
import struct
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

HC, SERVER, GEN_CERTS = sys.argv[1:4]
UUID = "45c9d87e-c6e4-42c7-ba1e-921cfc827121"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(path_or_port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if isinstance(path_or_port, str):
            if os.path.exists(path_or_port) and os.path.getsize(path_or_port) > 0:
                return True
        else:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", path_or_port)) == 0:
                    return True
        time.sleep(0.05)
    return False


class CliTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="hc-cli-tls-")
        subprocess.run(["sh", GEN_CERTS, cls.dir], check=True, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(cls.dir, "port")
        cls.records = os.path.join(cls.dir, "records")
        cls.server = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file,
             "--record-dir", cls.records],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(port_file), "the test server did not start"
        with open(port_file) as f:
            backend = int(f.read())
        cls.http_url = f"http://127.0.0.1:{backend}/ping"
        cls.ports = {name: free_port() for name in ("valid", "wronghost", "valid2")}
        cls.certs = {"valid": "valid", "wronghost": "wronghost", "valid2": "valid"}
        conf = os.path.join(cls.dir, "stunnel.conf")
        cls.stunnel_log = os.path.join(cls.dir, "stunnel.log")
        with open(conf, "w") as f:
            f.write(f"foreground = yes\npid =\nsyslog = no\ndebug = info\n"
                    f"output = {cls.stunnel_log}\n")
            for name, port in cls.ports.items():
                f.write(f"[{name}]\naccept = 127.0.0.1:{port}\n"
                        f"cert = {cls.dir}/{cls.certs[name]}.pem\nkey = {cls.dir}/leaf.key\n"
                        f"connect = 127.0.0.1:{backend}\n")
        cls.stunnel = subprocess.Popen(["stunnel4", conf], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        for port in cls.ports.values():
            assert wait_for(port), "stunnel did not listen"

    @classmethod
    def tearDownClass(cls):
        for proc in (cls.stunnel, cls.server):
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def hc(self, service, *extra):
        url = f"https://localhost:{self.ports[service]}/ping"
        return subprocess.run([HC, "ping", "--uuid", UUID, "--ping-url", url,
                               "--timeout", "5", "--retries", "0", "-v", *extra],
                              capture_output=True, text=True, timeout=30)

    def bounded(self, *args):
        """hc with args; a hang (a FIFO opened for reading blocks) fails the test."""
        try:
            return subprocess.run([HC, *args], capture_output=True, text=True, timeout=15,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            self.fail(f"hc {' '.join(args)} did not end within 15 s")

    def unusable_bundles(self):
        """A missing file, a file that is no bundle, and a FIFO nobody writes."""
        garbage = os.path.join(self.dir, "garbage.pem")
        with open(garbage, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
        fifo = os.path.join(self.dir, "bundle.fifo")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
        return {"missing": os.path.join(self.dir, "no-such-bundle.pem"), "garbage": garbage,
                "fifo": fifo}

    def test_plain_http_never_reads_the_bundle(self):
        for name, bundle in self.unusable_bundles().items():
            with self.subTest(bundle=name):
                before = self.recorded()
                common = ["--uuid", UUID, "--ping-url", self.http_url, "--cacert", bundle,
                          "--timeout", "3", "--retries", "0"]
                r = self.bounded("ping", *common)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
                r = self.bounded("run", *common, "--", "sh", "-c", "echo job ran")
                self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "job ran\n", ""))
                self.assertEqual(self.recorded(), before + 3)

    def test_unusable_bundle_fails_the_https_ping_never_the_job(self):
        url = f"https://localhost:{self.ports['valid']}/ping"
        for name, bundle in self.unusable_bundles().items():
            with self.subTest(bundle=name):
                before = self.recorded()
                common = ["--uuid", UUID, "--ping-url", url, "--cacert", bundle,
                          "--timeout", "3", "--retries", "0"]
                r = self.bounded("ping", *common)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn(f"hc: ping not delivered: TLS could not be set up (CA bundle {bundle}: ",
                              r.stderr)
                r = self.bounded("run", *common, "--", "sh", "-c", "echo job ran; exit 3")
                self.assertEqual((r.returncode, r.stdout), (3, "job ran\n"), r.stderr)
                self.assertIn("hc: start ping not delivered (running the command anyway): "
                              "TLS could not be set up", r.stderr)
                self.assertIn("hc: finish ping not delivered: TLS could not be set up", r.stderr)
                self.assertEqual(self.recorded(), before)

    def recorded(self):
        return len(os.listdir(self.records)) if os.path.isdir(self.records) else 0

    def test_verified_ping_is_delivered(self):
        before = self.recorded()
        r = self.hc("valid", "--cacert", os.path.join(self.dir, "trust.pem"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('delivered: HTTP 200 "OK"', r.stdout)
        self.assertEqual(self.recorded(), before + 1)

    def test_wrong_host_name_is_refused_before_any_http(self):
        before = self.recorded()
        r = self.hc("wronghost", "--cacert", os.path.join(self.dir, "trust.pem"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("server certificate did not verify", r.stderr)
        self.assertIn("CN", r.stderr)  # mbedTLS's reason: the name does not match
        self.assertEqual(self.recorded(), before)

    def test_untrusted_by_default_bundle(self):
        # The system's roots do not include the test CA.
        r = self.hc("valid")
        self.assertEqual(r.returncode, 1)
        self.assertIn("did not verify", r.stderr)

    def test_insecure_is_loud(self):
        r = self.hc("wronghost", "--insecure")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("WARNING", r.stderr)


    # ---- --tls-session FILE ----

    def sessions_logged(self, at_least=0):
        """(new, reused) TLS sessions stunnel has logged so far, waiting (at
        most 2 s) until there are at_least of them: its log lags a little."""
        deadline = time.monotonic() + 2.0
        while True:
            with open(self.stunnel_log, errors="replace") as f:
                log = f.read()
            counts = (log.count("new session negotiated"), log.count("previous session reused"))
            if sum(counts) >= at_least or time.monotonic() >= deadline:
                return counts
            time.sleep(0.05)

    def ping_with_session(self, path, service="valid"):
        """One https ping keeping its session in path: (result, new, reused)."""
        new0, reused0 = self.sessions_logged()
        before = self.recorded()
        r = self.hc(service, "--cacert", os.path.join(self.dir, "trust.pem"),
                    "--tls-session", path)
        self.assertEqual(r.returncode, 0, r.stderr)  # the file never fails the ping
        self.assertEqual(self.recorded(), before + 1)
        new1, reused1 = self.sessions_logged(new0 + reused0 + 1)
        return r, new1 - new0, reused1 - reused0

    def session_path(self, name):
        path = os.path.join(self.dir, name)
        if os.path.lexists(path):
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        return path

    def test_second_run_resumes_the_first_runs_session(self):
        path = self.session_path("first-second.session")
        r, new, reused = self.ping_with_session(path)
        self.assertEqual((r.stderr, new, reused), ("", 1, 0))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, "rb") as f:
            self.assertEqual(f.read(4), b"HCTS")
        r, new, reused = self.ping_with_session(path)
        self.assertEqual((r.stderr, new, reused), ("", 0, 1))
        os.chmod(path, 0o644)  # rewritten, mode 0600 again
        r, new, reused = self.ping_with_session(path)
        self.assertEqual((new, reused), (0, 1))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def resealed(self, data, **fields):
        """data with header fields changed and its CRC-32 made right again."""
        data = bytearray(data)
        if "received" in fields:
            struct.pack_into("<q", data, 8, fields["received"])
        if "flip" in fields:
            data[fields["flip"]] ^= 0x01
        struct.pack_into("<I", data, len(data) - 4, zlib.crc32(bytes(data[:-4])))
        return bytes(data)

    def check_ignored(self, path, content, warning, replaced, service="valid"):
        if content is not None:
            with open(path, "wb") as f:
                f.write(content)
        r, new, reused = self.ping_with_session(path, service)
        self.assertEqual((new, reused), (1, 0))  # a full handshake, delivered
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertEqual(lines[0], f"hc: warning: --tls-session {path}: {warning}")
        if content is None:
            return
        with open(path, "rb") as f:
            now = f.read()
        if replaced:  # a new session the next run resumes
            self.assertNotEqual(now, content)
            self.assertEqual(now[:4], b"HCTS")
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            r, new, reused = self.ping_with_session(path, service)
            self.assertEqual((r.stderr, new, reused), ("", 0, 1))
        else:
            self.assertEqual(now, content)

    def test_stale_foreign_damaged_or_unreadable_files_cost_a_warning(self):
        path = self.session_path("kept.session")
        self.ping_with_session(path)
        with open(path, "rb") as f:
            good = f.read()
        replaced = "a full handshake, and the file is replaced"
        left = "not used, left as it is"
        self.check_ignored(path, self.resealed(good, received=0),
                           f"saved TLS session expired; {replaced}", True)
        self.check_ignored(path, good[:-1] + bytes([good[-1] ^ 1]),
                           f"saved TLS session damaged or of another build; {replaced}", True)
        # another mbedTLS: the version byte behind the host name "localhost"
        self.check_ignored(path, self.resealed(good, flip=24 + 9),
                           f"saved TLS session damaged or of another build; {replaced}", True)
        self.check_ignored(path, good, f"saved TLS session is for another server; {replaced}",
                           True, service="valid2")
        self.check_ignored(path, b"# my notes, not a session\n",
                           f"not a TLS session file; {left}", False)
        os.remove(path)
        os.mkdir(path)
        self.check_ignored(path, None, f"not a regular file; {left}", False)
        self.assertTrue(os.path.isdir(path))
        os.rmdir(path)


if __name__ == "__main__":
    result = unittest.main(argv=sys.argv[:1], exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
