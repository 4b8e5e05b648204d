#!/usr/bin/env python3
"""The heartbeat firmware on an emulated Cortex-M4, end to end.

QEMU's mps2-an386 boots examples/bare_metal_heartbeat built for it
(lwIP 2.2 NO_SYS=1, Mbed TLS 3.6, the LAN9118 driver), on a TAP device in
a network namespace of this test's own: run.sh starts it under
`unshare --net`, so every address below exists only in there, and the
kernel removes the namespace and the TAP when the test ends. No QEMU
user-mode networking: the firmware gets its address from DHCP, resolves
hc-ping.test through lwIP's DNS, and reaches stunnel (TLS, with a
certificate of the test PKI the firmware's CA is from) in front of
test/server/hc_test_server.py.

Cases:
  pings arrive         start + success with one run id, then a log ping
                       with a body on the same TLS session (resumed);
                       exit status 0; the image links no malloc/free
                       (nor printf), shown by nm
  ... over TLS 1.2     the same against a server that stops at TLS 1.2
  session survives a   the first boot keeps its TLS session in "retained
  reboot (and over     memory" (a host file, through semihosting), the
  TLS 1.2)             second boot's first handshake resumes it
  wrong host name      a certificate for another name: refused, nothing
                       recorded, exit status 1 (an expired one too)
  server stopped       stunnel stopped (SIGSTOP: TCP is accepted, TLS
                       never answers): failure reported within the
                       firmware's deadlines, exit status 1, no hang
  record sizes         with an input buffer one step smaller than the
                       configuration's, every handshake fails; with an
                       output buffer one step smaller, the resumed one does

Every QEMU run is under a hard timeout. The figures the firmware prints
(with -icount shift=0: one ns of virtual time per instruction) are saved
in BUILD/figures.txt (and BUILD/figures-tls12.txt, BUILD/figures-restored.txt,
BUILD/figures-restored-tls12.txt).

Usage (as root, in a fresh network namespace; run.sh does this):
    test_emulated_firmware.py BUILD_DIR [unittest options]
    test_emulated_firmware.py BUILD_DIR --search REGEX
        boots each image matching REGEX once and says whether it delivered
        every ping (find-record-sizes.sh uses it)
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_services import DhcpServer, DnsServer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.join(ROOT, "test", "server", "hc_test_server.py")
BUILD = ""  # set by main()

TAP = f"hcemb{os.getpid()}"[:15]
HOST_IP, FIRMWARE_IP, PREFIX = "10.77.0.1", "10.77.0.2", 24
NAME = "hc-ping.test"
CHECK = "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
IMAGE = "heartbeat_mps2_an386.elf"
# The firmware's bounds (board_mps2_an386.c): each ping gives up after
# HB_DEADLINE_MS, and a run has two before it stops.
FIRMWARE_DEADLINE_S = 8
QEMU_TIMEOUT_S = 60
# The record buffers of the configuration, and the step of the search that
# found them (test/firmware/find-record-sizes.sh); run.sh builds the images
# one step smaller.
CONFIG = os.path.join(ROOT, "examples", "bare_metal_heartbeat", "firmware",
                      "hb_mbedtls_config.h")
RECORD_STEP = int(os.environ.get("HB_RECORD_STEP", "64"))
# libc's heap and printf family (which allocate, and cost kilobytes).
FORBIDDEN = {"malloc", "free", "calloc", "realloc", "_malloc_r", "_free_r", "_calloc_r",
             "_realloc_r", "printf", "sprintf", "snprintf", "vsnprintf", "_printf_r",
             "_vfprintf_r", "_svfprintf_r", "_vfiprintf_r", "_svfiprintf_r"}


def sh(*argv: str) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def control(port: int, method: str, path: str) -> object:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=b""
                                 if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read() or b"null")


def wait_for(predicate, seconds: float, what: str) -> None:
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError(what)
        time.sleep(0.02)


class Stunnel:
    """stunnel on HOST_IP:443 with one of the PKI's certificates, in front
    of the test server; its log says which sessions were new or resumed."""

    def __init__(self, workdir: str, cert: str, backend: int, extra: str = ""):
        self.log = os.path.join(workdir, f"stunnel-{cert}.log")
        conf = os.path.join(workdir, f"stunnel-{cert}.conf")
        pki = os.path.join(BUILD, "pki")
        with open(conf, "w") as f:
            f.write(f"foreground = yes\npid =\nsyslog = no\ndebug = info\noutput = {self.log}\n"
                    f"[https]\naccept = {HOST_IP}:443\nconnect = 127.0.0.1:{backend}\n"
                    f"cert = {pki}/{cert}\nkey = {pki}/leaf.key\n{extra}")
        open(self.log, "w").close()
        self.proc = subprocess.Popen(["stunnel4", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_for(lambda: "Accepting new connections" in self.text() or self.proc.poll() is not None,
                 10, "stunnel did not start")
        if self.proc.poll() is not None:
            raise RuntimeError(f"stunnel exited: {self.text()}")

    def text(self) -> str:
        with open(self.log, errors="replace") as f:
            return f.read()

    def count(self, needle: str) -> int:
        return self.text().count(needle)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run_firmware(image: str, retained: str | None = None) -> tuple[int, str, float]:
    """Boot @image under QEMU (hard timeout); its exit status, console,
    seconds. @retained: the directory holding the firmware's "retained
    memory" (a file it reads and writes through semihosting), kept from
    boot to boot; by default a fresh one, as after a power cut."""
    if retained is None:
        with tempfile.TemporaryDirectory(prefix="hc-retained-") as fresh:
            return run_firmware(image, fresh)
    argv = ["timeout", "--kill-after=5", str(QEMU_TIMEOUT_S),
            "qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none",
            "-serial", "none", "-icount", "shift=0",
            "-semihosting-config", "enable=on,target=native",
            "-nic", f"tap,ifname={TAP},script=no,downscript=no,model=lan9118",
            "-kernel", os.path.join(BUILD, image)]
    t0 = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", cwd=retained)
    return p.returncode, p.stdout, time.monotonic() - t0


def configured(macro: str) -> int:
    with open(CONFIG) as f:
        return int(re.search(rf"^#define {macro} (\d+)$", f.read(), re.M)[1])


IN_LEN = configured("MBEDTLS_SSL_IN_CONTENT_LEN")
OUT_LEN = configured("MBEDTLS_SSL_OUT_CONTENT_LEN")


def sized_image(in_len: int, out_len: int) -> str:
    return f"heartbeat_mps2_an386_in{in_len}_out{out_len}.elf"


def figures(console: str) -> dict[str, int]:
    return {m[1]: int(m[2]) for m in re.finditer(r"^hb: figure (\S+) (-?\d+)$", console, re.M)}


class Lab:
    """The network the firmware boots on: the TAP, DHCP and DNS, and the
    test server (stunnel in front of it comes and goes per case)."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="hc-firmware-")
        sh("ip", "link", "set", "lo", "up")
        sh("ip", "tuntap", "add", "dev", TAP, "mode", "tap")
        sh("ip", "addr", "add", f"{HOST_IP}/{PREFIX}", "dev", TAP)
        sh("ip", "link", "set", TAP, "up")
        self.dhcp = DhcpServer(TAP, HOST_IP, FIRMWARE_IP, PREFIX)
        self.dns = DnsServer(HOST_IP, NAME, HOST_IP)
        port_file = os.path.join(self.tmp.name, "port")
        self.records = os.path.join(self.tmp.name, "records")
        self.server = subprocess.Popen(
            [sys.executable, SERVER, "--host", "127.0.0.1", "--port", "0", "--port-file",
             port_file, "--record-dir", self.records, "--exit-with-parent"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: read(port_file).strip() != "", 10, "the test server did not start")
        self.port = int(read(port_file))

    def stunnel(self, cert: str, extra: str = "") -> Stunnel:
        return Stunnel(self.tmp.name, cert, self.port, extra)

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait(5)
        self.dhcp.stop()
        self.dns.stop()
        self.tmp.cleanup()


def read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


class EmulatedFirmware(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.lab = Lab()
        cls.port, cls.records, cls.dns = cls.lab.port, cls.lab.records, cls.lab.dns

    @classmethod
    def tearDownClass(cls) -> None:
        cls.lab.stop()

    def setUp(self) -> None:
        control(self.port, "POST", "/_test/reset")
        self.dns.log.clear()
        self.stunnel: Stunnel | None = None

    def tearDown(self) -> None:
        if self.stunnel:
            self.stunnel.stop()

    def serve(self, cert: str, extra: str = "") -> Stunnel:
        self.stunnel = self.lab.stunnel(cert, extra)
        return self.stunnel

    def recorded(self) -> list[dict]:
        return control(self.port, "GET", "/_test/requests")

    def assertNothingRecorded(self) -> None:
        self.assertEqual(self.recorded(), [])
        self.assertEqual(os.listdir(self.records), [])

    def test_pings_arrive(self) -> None:
        tls = self.serve("valid.pem")
        status, console, _ = run_firmware(IMAGE)
        self.assertEqual(status, 0, console)
        self.assertIn(f"hb: address {FIRMWARE_IP} from DHCP", console)
        self.assertIn("hb: pings sent 3, delivered 3, failed 0", console)
        self.assertIn(NAME, self.dns.log)  # resolved through lwIP's DNS

        reqs = self.recorded()
        self.assertEqual([r["path"] for r in reqs],
                         [f"/ping/{CHECK}/start", f"/ping/{CHECK}", f"/ping/{CHECK}/log"])
        rids = [dict(urllib.parse.parse_qsl(r["query"])).get("rid") for r in reqs]
        rid = rids[0]
        self.assertRegex(rid or "", r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    r"[0-9a-f]{12}$")
        self.assertEqual(rids, [rid, rid, rid])
        self.assertEqual([r["method"] for r in reqs], ["GET", "GET", "POST"])
        self.assertRegex(reqs[2]["body"], rf"^run {rid} on mps2_an386: 2 of 2 pings delivered "
                                          r"before this one, \d+ ms after reset\n$")
        # One full handshake (start), then the session resumed for the
        # success ping, and the log ping on that same connection.
        wait_for(lambda: tls.count("previous session reused") >= 1, 5, "no resumption logged")
        self.assertEqual(tls.count("new session negotiated"), 1)
        self.assertEqual(tls.count("previous session reused"), 1)
        self.assertEqual(tls.count("TLSv1.3 ciphersuite"), 2)

        fig = figures(console)
        self.assertEqual(fig.get("tls_full_handshakes"), 1, console)
        self.assertEqual(fig.get("tls_resumed_handshakes"), 1, console)
        self.assertLess(fig["tls_resumed_instructions"], fig["tls_full_instructions"])
        self.assertEqual(fig["stack_overflowed"], 0)
        with open(os.path.join(BUILD, "figures.txt"), "w") as f:
            f.writelines(f"{k} {v}\n" for k, v in fig.items())

    def test_pings_arrive_over_tls12(self) -> None:
        tls = self.serve("valid.pem", "sslVersionMax = TLSv1.2\n")
        status, console, _ = run_firmware(IMAGE)
        self.assertEqual(status, 0, console)
        self.assertEqual(len(self.recorded()), 3)
        wait_for(lambda: tls.count("previous session reused") >= 1, 5, "no resumption logged")
        self.assertEqual(tls.count("new session negotiated"), 1)
        self.assertEqual(tls.count("TLSv1.2 ciphersuite"), 2)
        fig = figures(console)
        self.assertEqual((fig["tls_full_handshakes"], fig["tls_resumed_handshakes"]), (1, 1))
        with open(os.path.join(BUILD, "figures-tls12.txt"), "w") as f:
            f.writelines(f"{k} {v}\n" for k, v in fig.items())

    def check_session_survives_a_reboot(self, extra: str, figures_file: str) -> None:
        # The first boot keeps its TLS session in "retained memory" (RTC
        # memory on a device; here a host file, through semihosting); the
        # second boot restores it and its very first handshake resumes.
        tls = self.serve("valid.pem", extra)
        with tempfile.TemporaryDirectory(prefix="hc-retained-") as rtc:
            status, console, _ = run_firmware(IMAGE, rtc)
            self.assertEqual(status, 0, console)
            self.assertIn("hb: TLS session of the previous boot: not a saved TLS session",
                          console)  # nothing kept yet: as zeroed RTC memory
            with open(os.path.join(rtc, "hb-retained.bin"), "rb") as f:
                self.assertEqual(f.read(4), b"HCTS")
            status, console, _ = run_firmware(IMAGE, rtc)
        self.assertEqual(status, 0, console)
        self.assertIn("hb: TLS session of the previous boot: restored", console)
        self.assertEqual(len(self.recorded()), 6)
        # Boot 1: one full handshake, one resumed; boot 2: two resumed.
        wait_for(lambda: tls.count("previous session reused") >= 3, 5, "no resumption logged")
        self.assertEqual(tls.count("new session negotiated"), 1)
        self.assertEqual(tls.count("previous session reused"), 3)
        fig = figures(console)
        self.assertEqual((fig["tls_full_handshakes"], fig["tls_restored_handshakes"],
                          fig["tls_resumed_handshakes"]), (0, 1, 1), console)
        self.assertLess(fig["tls_restored_instructions"], 50_000_000)
        with open(os.path.join(BUILD, figures_file), "w") as f:
            f.writelines(f"{k} {v}\n" for k, v in fig.items())

    def test_session_survives_a_reboot(self) -> None:
        self.check_session_survives_a_reboot("", "figures-restored.txt")

    def test_session_survives_a_reboot_over_tls12(self) -> None:
        self.check_session_survives_a_reboot("sslVersionMax = TLSv1.2\n",
                                             "figures-restored-tls12.txt")

    def test_no_heap_or_printf_in_the_image(self) -> None:
        nm = subprocess.run(["arm-none-eabi-nm", os.path.join(BUILD, IMAGE)], check=True,
                            stdout=subprocess.PIPE, text=True).stdout
        symbols = {line.split()[-1] for line in nm.splitlines() if line.strip()}
        self.assertIn("mbedtls_memory_buffer_alloc_init", symbols)
        self.assertEqual(symbols & FORBIDDEN, set())

    def test_wrong_host_name_refused(self) -> None:
        self.serve("wronghost.pem")
        status, console, _ = run_firmware(IMAGE)
        self.assertEqual(status, 1, console)
        self.assertIn("hb: pings sent 2, delivered 0, failed 2; last: "
                      "server certificate did not verify", console)
        self.assertEqual(figures(console)["tls_failed_connects"], 2)  # not worth a retry
        self.assertNothingRecorded()

    def test_expired_certificate_refused(self) -> None:
        # The dates are checked against the host's clock (semihosting), by
        # the firmware's own gmtime: an expired leaf must not pass.
        self.serve("expired.pem")
        status, console, _ = run_firmware(IMAGE)
        self.assertEqual(status, 1, console)
        self.assertIn("delivered 0, failed 2; last: server certificate did not verify", console)
        self.assertNothingRecorded()

    def test_server_stopped(self) -> None:
        tls = self.serve("valid.pem")
        tls.proc.send_signal(signal.SIGSTOP)  # connections are accepted, never answered
        status, console, seconds = run_firmware(IMAGE)
        self.assertEqual(status, 1, console)
        self.assertRegex(console, r"hb: pings sent 2, delivered 0, failed 2; last: .*time")
        # Two pings, each bounded by the firmware's deadline; boot and DHCP
        # take well under one more.
        self.assertLess(seconds, 3 * FIRMWARE_DEADLINE_S, console)
        self.assertNothingRecorded()

    def test_input_buffer_one_step_smaller_fails(self) -> None:
        self.serve("valid.pem")
        status, console, _ = run_firmware(sized_image(IN_LEN - RECORD_STEP, OUT_LEN))
        self.assertEqual(status, 1, console)
        # The server's Certificate record does not fit: every handshake fails.
        self.assertIn("delivered 0, failed 2; last: TLS handshake failed", console)
        self.assertEqual(figures(console)["tls_full_handshakes"], 0)
        self.assertNothingRecorded()

    def test_output_buffer_one_step_smaller_fails_to_resume(self) -> None:
        tls = self.serve("valid.pem")
        status, console, _ = run_firmware(sized_image(IN_LEN, OUT_LEN - RECORD_STEP))
        # The ClientHello that offers the ticket does not fit: that
        # handshake fails, the port forgets the session, and the client's
        # retry makes a full handshake. The pings get through, unresumed.
        self.assertEqual(status, 0, console)
        fig = figures(console)
        self.assertEqual((fig["tls_full_handshakes"], fig["tls_resumed_handshakes"],
                          fig["tls_failed_connects"]), (2, 0, 1), console)
        self.assertEqual(tls.count("previous session reused"), 0)
        self.assertEqual(len(self.recorded()), 3)

def search(pattern: str) -> int:
    """Boot every image of BUILD matching @pattern once against the valid
    certificate; print which work: every ping delivered, the second
    handshake resumed, none failed."""
    lab = Lab()
    tls = lab.stunnel("valid.pem")
    try:
        for image in sorted(f for f in os.listdir(BUILD) if re.fullmatch(pattern, f)):
            control(lab.port, "POST", "/_test/reset")
            status, console, _ = run_firmware(image)
            last = re.search(r"^hb: pings sent .*$", console, re.M)
            fig = figures(console)
            works = status == 0 and fig.get("tls_resumed_handshakes") == 1 and \
                fig.get("tls_failed_connects") == 0
            print(f"{image}: {'works' if works else 'FAILS'} "
                  f"({last[0] if last else console.strip()[-200:]}; handshakes: "
                  f"{fig.get('tls_full_handshakes')} full, {fig.get('tls_resumed_handshakes')} "
                  f"resumed, {fig.get('tls_failed_connects')} failed)", flush=True)
    finally:
        tls.stop()
        lab.stop()
    return 0


def main() -> int:
    global BUILD
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    BUILD = os.path.abspath(sys.argv.pop(1))
    search_pattern = None
    if len(sys.argv) >= 3 and sys.argv[1] == "--search":
        search_pattern = sys.argv[2]
    links = subprocess.run(["ip", "-o", "link"], stdout=subprocess.PIPE, text=True).stdout
    if os.geteuid() != 0 or len(links.strip().splitlines()) != 1:
        print("run me as root in a new network namespace (run.sh does)", file=sys.stderr)
        return 2
    if search_pattern:
        return search(search_pattern)
    return 0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
