"""hc ping --queue and hc flush against the test server: pings kept while
the server is unreachable and delivered in order once it is back, each
with its late line; the queue file's layout (checked against zlib's CRC);
refusals, drops and foreign files said in messages and exit statuses; a
bounded wait for the lock; and 20 concurrent processes that lose nothing.

Usage: test_cli_queue.py HC_BINARY SERVER_PY
"""
import fcntl
import os
import re
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import uuid
import zlib

HC, SERVER = sys.argv[1:3]
UUID = "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
RID = "cabd8d03-d637-46e9-b652-805655b43815"
QUEUED = 75  # exit status: not delivered, kept in the queue file
LATE = re.compile(rb"late: happened (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ), (\d+) s ago(;[^\n]*)?\n")


def closed_port():
    """A loopback port nobody listens on: the server is down."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def parse_queue(raw):
    """The queue file as the documented little-endian layout; checks its CRC."""
    magic, version, target_max, body_max, length, count, zero, dropped = \
        struct.unpack_from("<4sBBHIHHI", raw, 0)
    assert magic == b"HCOB" and version == 1 and zero == 0, raw[:16]
    assert length == len(raw), (length, len(raw))
    (crc,) = struct.unpack_from("<I", raw, length - 4)
    assert crc == zlib.crc32(raw[:length - 4]), "CRC"
    entries, pos = [], 20
    for _ in range(count):
        signal, exit_status, flags, tlen, merged, blen, cut, wall = \
            struct.unpack_from("<BBBBHHIq", raw, pos)
        rid = uuid.UUID(bytes=raw[pos + 20:pos + 36]) if flags & 4 else None
        target = raw[pos + 36:pos + 36 + tlen].decode()
        body = raw[pos + 36 + tlen:pos + 36 + tlen + blen]
        entries.append(dict(signal=signal, exit_status=exit_status, flags=flags, target=target,
                            merged=merged, cut=cut, wall=wall if flags & 8 else None,
                            rid=str(rid) if rid else None, body=body))
        pos += 36 + tlen + blen
    assert pos == length - 4
    return dict(target_max=target_max, body_max=body_max, dropped=dropped, entries=entries)


class CliQueue(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hc-cli-queue-")
        self.queue = os.path.join(self.dir, "queue")
        self.records = os.path.join(self.dir, "records")
        self.down_url = f"http://127.0.0.1:{closed_port()}/ping"
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.terminate()
            try:
                self.server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start_server(self):
        port_file = os.path.join(self.dir, "port")
        self.server = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file,
             "--record-dir", self.records],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not (os.path.exists(port_file) and os.path.getsize(port_file)):
            self.assertLess(time.monotonic(), deadline, "the test server did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.up_url = f"http://127.0.0.1:{int(f.read())}/ping"

    def hc(self, *args, url=None, timeout=30):
        env = {k: v for k, v in os.environ.items() if not k.startswith("HC_")}
        env["HC_PING_URL"] = url or self.down_url
        return subprocess.run([HC, *args], capture_output=True, env=env, timeout=timeout)

    def ping(self, *args, url=None):
        return self.hc("ping", *args, "--queue", self.queue, "--retries", "0", url=url)

    def requests(self):
        """(request line, body) of every request the server recorded, in order."""
        out = []
        names = sorted(os.listdir(self.records)) if os.path.isdir(self.records) else []
        for name in names:
            with open(os.path.join(self.records, name), "rb") as f:
                head, _, body = f.read().partition(b"\r\n\r\n")
            out.append((head.split(b"\r\n")[0].decode(), body))
        return out

    def read_queue(self):
        with open(self.queue, "rb") as f:
            return parse_queue(f.read())

    # ------------------------------------------------------------ tests

    def test_outage_then_delivery_in_order(self):
        r = self.ping("--uuid", UUID)
        self.assertEqual(r.returncode, QUEUED, r.stderr)
        self.assertIn(b"hc: ping not delivered: connection refused", r.stderr)
        self.assertIn(f"hc: kept in {self.queue} (1 waiting)".encode(), r.stderr)
        r = self.ping("start", "--uuid", UUID, "--rid", RID)
        self.assertEqual(r.returncode, QUEUED, r.stderr)
        r = self.ping("log", "--uuid", UUID, "--data", "disk 91% full")
        self.assertEqual(r.returncode, QUEUED, r.stderr)
        self.assertIn(b"(3 waiting)", r.stderr)
        q = self.read_queue()
        self.assertEqual([e["signal"] for e in q["entries"]], [0, 1, 3])
        self.assertEqual(q["entries"][1]["rid"], RID)

        self.start_server()
        time.sleep(1.1)  # a second later: the late lines say so
        r = self.ping("fail", "--uuid", UUID, "--data", "now", "-v", url=self.up_url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"delivered 3 queued signals from {self.queue}".encode(), r.stdout)
        got = self.requests()
        self.assertEqual([line for line, _ in got], [
            f"POST /ping/{UUID} HTTP/1.1",
            f"POST /ping/{UUID}/start?rid={RID} HTTP/1.1",
            f"POST /ping/{UUID}/log HTTP/1.1",
            f"POST /ping/{UUID}/fail HTTP/1.1",
        ])
        for _, body in got[:3]:
            m = LATE.match(body)
            self.assertIsNotNone(m, body)
            self.assertGreaterEqual(int(m.group(2)), 1)
        self.assertTrue(got[2][1].endswith(b"\ndisk 91% full"))
        self.assertEqual(got[3][1], b"now")  # on time: no late line
        self.assertEqual(self.read_queue()["entries"], [])

    def test_queue_file_is_the_documented_image(self):
        r = self.ping("7", "--uuid", UUID, "--rid", RID, "--data", "x" * 100)
        self.assertEqual(r.returncode, QUEUED, r.stderr)
        q = self.read_queue()
        self.assertEqual((q["target_max"], q["body_max"], q["dropped"]), (48, 64, 0))
        (e,) = q["entries"]
        self.assertEqual((e["signal"], e["exit_status"], e["target"], e["rid"]), (4, 7, UUID, RID))
        self.assertEqual((e["body"], e["cut"]), (b"x" * 64, 36))
        self.assertLess(abs(e["wall"] - time.time()), 60)
        for path in (self.queue, self.queue + ".lock"):
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
        self.assertEqual(sorted(os.listdir(self.dir)), ["queue", "queue.lock"])  # no temporary file

    def test_refused_queued_ping_is_removed_and_reported(self):
        self.assertEqual(self.ping("--uuid", UNKNOWN).returncode, QUEUED)
        self.assertEqual(self.ping("--uuid", UUID).returncode, QUEUED)
        self.start_server()
        r = self.hc("flush", "--queue", self.queue, url=self.up_url)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout.decode(), f"{self.queue}: delivered 1, refused 1, 0 waiting\n")
        self.assertIn(f"hc: 1 queued signal refused by the server and removed from {self.queue} "
                      "(the latest: check not found)".encode(), r.stderr)
        r = self.hc("flush", "--queue", self.queue, url=self.up_url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), f"{self.queue}: delivered 0, refused 0, 0 waiting\n")

    def test_flush_while_down_keeps_everything(self):
        self.assertEqual(self.ping("--uuid", UUID).returncode, QUEUED)
        before = open(self.queue, "rb").read()
        r = self.hc("flush", "--queue", self.queue, "--retries", "0")
        self.assertEqual(r.returncode, QUEUED, r.stderr)
        self.assertEqual(r.stdout.decode(), f"{self.queue}: delivered 0, refused 0, 1 waiting\n")
        self.assertIn(b"hc: delivery stopped: connection refused", r.stderr)
        self.assertEqual(open(self.queue, "rb").read(), before)
        # a missing queue file is an empty queue
        r = self.hc("flush", "--queue", os.path.join(self.dir, "none"))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_full_queue_drops_heartbeats_first_and_says_so(self):
        for args in (("--uuid", UUID), ("log", "--uuid", UUID, "--data", "a"),
                     ("log", "--uuid", UUID, "--data", "b")):
            r = self.ping(*args, "--queue-max", "2")
            self.assertEqual(r.returncode, QUEUED, r.stderr)
        self.assertIn(f"hc: {self.queue} was full: dropped 1 queued signal to make room, "
                      "heartbeats first".encode(), r.stderr)
        self.assertEqual(self.read_queue()["dropped"], 1)
        self.start_server()
        r = self.hc("flush", "--queue", self.queue, url=self.up_url)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = self.requests()
        self.assertEqual(len(got), 2)
        self.assertRegex(got[0][1], rb"^late: happened [^\n]*, \d+ s ago; 1 signal dropped\na$")
        self.assertRegex(got[1][1], rb"^late: happened [^\n]*, \d+ s ago\nb$")

    def test_foreign_or_damaged_file_is_left_alone(self):
        self.assertEqual(self.ping("--uuid", UUID).returncode, QUEUED)
        image = open(self.queue, "rb").read()
        other_sizes = bytearray(image)
        other_sizes[6] = 128  # HC_OUTBOX_BODY_MAX 128
        torn = image[:-1] + bytes([image[-1] ^ 1])
        self.start_server()
        cases = [(b"not a queue file at all, just text\n", b"not an outbox image"),
                 (b"HCOB\x01", b"outbox image cut short"),
                 (bytes(other_sizes), b"outbox image saved with other configured sizes"),
                 (torn, b"outbox image damaged (checksum or content)")]
        for content, reason in cases:
            with open(self.queue, "wb") as f:
                f.write(content)
            r = self.ping("--uuid", UUID, url=self.up_url)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(f"hc: {self.queue} is not a queue file this hc can read: ".encode()
                          + reason, r.stderr)
            self.assertIn(b"hc: ping not sent and not queued", r.stderr)
            self.assertEqual(open(self.queue, "rb").read(), content)
        self.assertEqual(self.requests(), [])

    def test_lock_wait_is_bounded_by_timeout(self):
        with open(self.queue + ".lock", "w") as holder:
            fcntl.flock(holder, fcntl.LOCK_EX)
            start = time.monotonic()
            r = self.hc("ping", "--uuid", UUID, "--queue", self.queue, "--timeout", "0.5")
            took = time.monotonic() - start
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"hc: {self.queue} is still locked by another hc after 0.5 s".encode(),
                      r.stderr)
        self.assertGreaterEqual(took, 0.5)
        self.assertLess(took, 10)
        self.assertFalse(os.path.exists(self.queue))

    def test_usage_errors(self):
        for args in (("ping", "--uuid", UUID, "--queue", self.queue, "--queue-max", "0"),
                     ("ping", "--uuid", UUID, "--queue-max", "5"),
                     ("ping", "--uuid", UUID, "--queue"),
                     ("flush",), ("flush", "--queue"), ("flush", "--queue", self.queue, "extra"),
                     ("flush", "--queue", self.queue, "--queue-max", "70000")):
            r = self.hc(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.startswith(b"hc: "), r.stderr)
        self.assertFalse(os.path.exists(self.queue))
        r = self.hc("flush", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"usage: hc flush --queue FILE", r.stdout)

    def test_twenty_concurrent_processes_lose_nothing(self):
        def run_all(tag, url, expected):
            procs = [subprocess.Popen(
                [HC, "ping", "log", "--uuid", UUID, "--data", f"{tag}={i}", "--queue", self.queue,
                 "--retries", "0", "--timeout", "60"],
                env={"HC_PING_URL": url, "PATH": os.environ.get("PATH", "")},
                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(20)]
            for p in procs:
                out, err = p.communicate(timeout=120)
                self.assertEqual(p.returncode, expected, err)

        run_all("down", self.down_url, QUEUED)
        queued = [e["body"] for e in self.read_queue()["entries"]]
        self.assertEqual(sorted(queued), sorted(f"down={i}".encode() for i in range(20)))

        self.start_server()
        run_all("up", self.up_url, 0)
        got = self.requests()
        self.assertEqual(len(got), 40)  # counted by the server
        bodies = [body for _, body in got]
        late = [LATE.sub(b"", b, count=1) for b in bodies if LATE.match(b)]
        self.assertEqual(late, queued)  # in the order they were kept, before any new one
        self.assertEqual(bodies[:20], [b for b in bodies if LATE.match(b)])
        on_time = [b for b in bodies if not LATE.match(b)]
        self.assertEqual(sorted(on_time), sorted(f"up={i}".encode() for i in range(20)))
        self.assertEqual(self.read_queue()["entries"], [])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
