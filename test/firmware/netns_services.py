"""What a network gives a device that boots on it, for the emulated
firmware's test: a DHCP server that leases one address, and a DNS server
that knows one name. Python standard library only; each runs in a thread
on the test's own network namespace and records what it was asked.

Only what the firmware needs is implemented: DHCP DISCOVER/REQUEST
(RFC 2131) answered with OFFER/ACK carrying the mask, router, DNS server
and lease time; DNS A queries (RFC 1035) answered for the one name, every
other name NXDOMAIN.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import threading

DHCP_MAGIC = b"\x63\x82\x53\x63"
DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPACK = 1, 2, 3, 5
SO_BINDTODEVICE = getattr(socket, "SO_BINDTODEVICE", 25)


class _Server(threading.Thread):
    """A UDP responder thread; stop() ends it within 0.2 s."""

    def __init__(self, sock: socket.socket):
        super().__init__(daemon=True)
        self.sock = sock
        self.sock.settimeout(0.2)
        self.running = True
        self.log: list[str] = []
        self.start()

    def run(self) -> None:
        while self.running:
            try:
                data, peer = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                self.handle(data, peer)
            except (ValueError, IndexError, struct.error) as e:
                self.log.append(f"bad packet from {peer}: {e}")

    def handle(self, data: bytes, peer) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.running = False
        self.join(2)
        self.sock.close()


class DhcpServer(_Server):
    """Leases @lease to whoever asks on @device; @server is this side's
    address (router and DNS server too)."""

    def __init__(self, device: str, server: str, lease: str, prefix: int):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, device.encode())
        s.bind(("0.0.0.0", 67))
        self.server = ipaddress.IPv4Address(server)
        self.lease = ipaddress.IPv4Address(lease)
        self.mask = ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask
        super().__init__(s)

    @staticmethod
    def _options(data: bytes) -> dict[int, bytes]:
        opts, i = {}, 240
        while i < len(data) and data[i] != 255:
            if data[i] == 0:
                i += 1
                continue
            opts[data[i]] = data[i + 2 : i + 2 + data[i + 1]]
            i += 2 + data[i + 1]
        return opts

    def handle(self, data: bytes, peer) -> None:
        if len(data) < 240 or data[0] != 1 or data[236:240] != DHCP_MAGIC:
            return
        kind = self._options(data).get(53, b"\0")[0]
        if kind not in (DHCPDISCOVER, DHCPREQUEST):
            return
        answer = DHCPOFFER if kind == DHCPDISCOVER else DHCPACK
        self.log.append("DISCOVER" if kind == DHCPDISCOVER else "REQUEST")
        srv = self.server.packed
        reply = bytearray(240)
        reply[0:4] = b"\x02\x01\x06\x00"          # BOOTREPLY, Ethernet, 6-byte MAC
        reply[4:8] = data[4:8]                      # xid
        reply[10:12] = data[10:12]                  # flags
        reply[16:20] = self.lease.packed            # yiaddr
        reply[20:24] = srv                          # siaddr
        reply[28:44] = data[28:44]                  # chaddr
        reply[236:240] = DHCP_MAGIC
        for code, value in ((53, bytes([answer])), (54, srv), (51, struct.pack("!I", 3600)),
                            (1, self.mask.packed), (3, srv), (6, srv)):
            reply += bytes([code, len(value)]) + value
        reply += b"\xff"
        self.sock.sendto(bytes(reply), ("255.255.255.255", 68))


class DnsServer(_Server):
    """Answers A queries for @name with @address on @listen:53."""

    def __init__(self, listen: str, name: str, address: str):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((listen, 53))
        self.known = name.lower().rstrip(".")
        self.address = ipaddress.IPv4Address(address)
        super().__init__(s)

    @staticmethod
    def _question(data: bytes) -> tuple[str, int, int]:
        labels, i = [], 12
        while data[i] != 0:
            if data[i] & 0xC0:
                raise ValueError("compressed name in a question")
            labels.append(data[i + 1 : i + 1 + data[i]].decode("ascii"))
            i += 1 + data[i]
        qtype, qclass = struct.unpack("!HH", data[i + 1 : i + 5])
        return ".".join(labels).lower(), qtype, i + 5

    def handle(self, data: bytes, peer) -> None:
        if len(data) < 17 or data[2] & 0x80:       # not a query
            return
        name, qtype, end = self._question(data)
        self.log.append(name)
        known = name == self.known and qtype == 1
        flags = 0x8180 if known else 0x8183         # response, RD, RA; NXDOMAIN
        header = data[0:2] + struct.pack("!HHHHH", flags, 1, 1 if known else 0, 0, 0)
        reply = header + data[12:end]
        if known:
            reply += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + self.address.packed
        self.sock.sendto(reply, peer)
