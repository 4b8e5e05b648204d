#!/usr/bin/env python3
"""A local stand-in for a Healthchecks server (Pinging and Management APIs).

The client's integration tests start it, and the README demo runs it. It
imitates Healthchecks as recorded in test/fixtures/healthchecks-3.0.1 (status
codes, bodies, JSON field order, the header block around them) and, for
newer servers, as their API documentation describes them. Python 3.11
standard library only.

Usage:
    hc_test_server.py [--host 127.0.0.1] [--port 8000] [--demo] [options]

Options (see --help): --port-file, --record-dir, --framing length|chunked|close,
--hosted, --ping-body-limit N, --delay-ms N, --rate-limit N, --generate N,
--api-versions 1,2,3, --old-server, --empty, --ping-log-limit N,
--exit-with-parent. Where they differ from a default self-hosted server:
    --hosted      like hc-ping.com: an unknown UUID gets 200 "OK (not found)",
                  a rate-limited UUID ping 200 "OK (rate-limited)" (slug URLs
                  get 429), a ping body over 1 MiB gets 413.
    --rate-limit  more than N pings a minute to one check: 429 (see --hosted).
    --old-server  like v3.0.1, the recorded release: check objects without
                  uuid, badge_url, filter_http_body, filter_default_fail;
                  schedules are cron only (and the error says so); uppercase
                  slugs in ping URLs are accepted.
Ping-Body-Limit is sent with every ping the server accepts (200/201), as in
the recording; its 4xx answers carry none.

Seeded state (the same values are macros in test/support/hc_test_server.h):
    project "Test Project": read-write key RW_KEY, read-only key RO_KEY,
        ping key PING_KEY, two integrations (CHANNEL_EMAIL, CHANNEL_SLACK);
        checks: "Database Backup" (CHECK_BACKUP, a timeout check tagged
        "production db"), "Nightly Report" (CHECK_CRON, "15 5 * * *" UTC),
        "dup one"/"dup two" (both slug "dup"), "Paused Job" (paused).
    project "Other Project": its own keys, one check (CHECK_OTHER), so that
        using it with the first project's key gives 403.

Control API (not part of Healthchecks; never recorded, never delayed or
failed; always answered with Content-Length and Connection: close):
    GET  /_test/requests  every recorded request: n, method, path, query,
                          version, headers (pairs, exact case), body (latin-1)
    POST /_test/reset     seeded state, no recorded requests (the record dir
                          is emptied), configuration as on the command line
    POST /_test/config    change framing, hosted, delay_ms, ping_body_limit,
                          rate_limit, old_server, fail_next, fail_mode at
                          runtime; answers the resulting configuration
    fail_next N with fail_mode "500" (answer 500), "drop" (close without
    answering), "reset" (close with a TCP RST) or "silent" (never answer,
    hold the connection) applies to the next N requests.

What it does not imitate: alerts (a check only goes down through a fail ping
or when its status is computed past its grace time; no flips are written for
that), e-mail pings, the web UI, Prometheus metrics.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import email.utils
import functools
import hashlib
import hmac
import http
import ipaddress
import json
import os
import re
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import traceback
import unicodedata
import urllib.parse
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime

from zoneinfo import ZoneInfo

# --------------------------------------------------------------------------
# Seeded state. Mirrored in test/support/hc_test_server.h: change both.

RW_KEY = "hcw_0123456789abcdef0123456789ab"
RO_KEY = "hcr_0123456789abcdef0123456789ab"
PING_KEY = "pingkey0123456789abcde"
OTHER_RW_KEY = "hcw_fedcba9876543210fedcba987654"
OTHER_RO_KEY = "hcr_fedcba9876543210fedcba987654"
OTHER_PING_KEY = "otherkey0123456789abcd"

CHANNEL_EMAIL = "c586f7b2-14f5-457a-8712-3377b09aab32"
CHANNEL_SLACK = "51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c"
CHANNEL_OTHER = "1bdea468-03bf-47b8-ab27-29a9dd0e4b94"

CHECK_BACKUP = "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
CHECK_CRON = "d29deba8-39c6-497f-84ab-aae78a43cb90"
CHECK_DUP1 = "595dd31c-aff6-4f75-a6a8-444b3ca96fd2"
CHECK_DUP2 = "c4b9d3d7-dac7-4da6-9af9-2de46b5f036d"
CHECK_PAUSED = "3852da5a-8da3-42b9-a9a6-88eae1cabba1"
CHECK_OTHER = "2ae5287a-32c4-4280-9397-7ac0515bf82f"

BADGE_KEY = "6a5b7b1e-3f0a-4c59-9a43-4c7d5e1f0b21"
OTHER_BADGE_KEY = "0f3e2d1c-5b4a-4978-8695-a4b3c2d1e0f9"

# Generated checks (--generate) get stable UUIDs derived from their names.
GENERATED_NAMESPACE = uuid.UUID("7b0c9a52-51f0-4d6e-9d3c-2f1e8a6b4c10")

# --------------------------------------------------------------------------
# Server constants, as on a default self-hosted Healthchecks.

DEFAULT_TIMEOUT = 86400
DEFAULT_GRACE = 3600
MAX_DURATION = timedelta(hours=72)  # a start older than this closes no run
SITE_NAME = "Mychecks"  # the label of the project-wide ("*") badge
BADGE_SECRET = b"hc-test-server badge signing key"
HOSTED_MAX_PING_BODY = 1048576  # hc-ping.com answers 413 above this

HEADER_LIMIT = 65536  # request header block
BODY_LIMIT = 64 * 1024 * 1024  # request body
IDLE_TIMEOUT = 30.0  # seconds a keep-alive connection may sit idle
SILENT_HOLD = 60.0  # seconds fail_mode "silent" holds a connection at most

FRAMINGS = ("length", "chunked", "close")
FAIL_MODES = ("500", "drop", "reset", "silent")

TIMEZONES = frozenset(
    """UTC Etc/UTC GMT Etc/GMT Africa/Cairo Africa/Johannesburg Africa/Lagos
    America/Chicago America/Denver America/Los_Angeles America/Mexico_City
    America/New_York America/Sao_Paulo America/Toronto Asia/Dubai Asia/Kolkata
    Asia/Shanghai Asia/Singapore Asia/Tokyo Australia/Sydney Europe/Amsterdam
    Europe/Berlin Europe/Helsinki Europe/Kyiv Europe/London Europe/Madrid
    Europe/Moscow Europe/Paris Europe/Riga Europe/Rome Europe/Warsaw
    Pacific/Auckland""".split()
)

HTML = "text/html; charset=utf-8"
JSON = "application/json"
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"

# Django's page for an unmatched URL or get_object_or_404, byte for byte.
NOT_FOUND_PAGE = (
    b"\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n"
    b"</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not "
    b"found on this server.</p>\n</body>\n</html>\n"
)
SERVER_ERROR_PAGE = (
    b"\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)"
    b"</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n"
    b"</html>\n"
)

UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
SLUG_RE = r"[-a-zA-Z0-9_]+"
SHA1_RE = r"[0-9a-f]{40}"
RID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def isostring(moment: datetime | None) -> str | None:
    """Healthchecks writes check times without microseconds."""
    return moment.replace(microsecond=0).isoformat() if moment else None


def http_date() -> str:
    return email.utils.formatdate(usegmt=True)


def slugify(text: str) -> str:
    """Django's slugify, which v1/v2 apply to a check's name."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"[-\s]+", "-", text).strip("-_")


# --------------------------------------------------------------------------
# Schedules: cron expressions and a subset of systemd OnCalendar.


class ScheduleError(ValueError):
    pass


MONTH_NAMES = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
DAY_NAMES = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
CRON_ITEM = re.compile(r"(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?")


def _cron_value(token: str, names: dict[str, int]) -> int:
    if token.isdigit():
        return int(token)
    if token in names:
        return names[token]
    raise ScheduleError(f"bad value {token!r}")


def _cron_field(text: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    values: set[int] = set()
    for item in text.lower().split(","):
        match = CRON_ITEM.fullmatch(item)
        if not match:
            raise ScheduleError(f"bad item {item!r}")
        span, step_text = match.groups()
        step = int(step_text) if step_text else 1
        if span == "*":
            start, end = low, high
        elif "-" in span:
            first, last = span.split("-")
            start, end = _cron_value(first, names), _cron_value(last, names)
        else:
            start = _cron_value(span, names)
            end = high if step_text else start
        if step < 1 or not low <= start <= end <= high:
            raise ScheduleError(f"out of range {item!r}")
        values.update(range(start, end + 1, step))
    return values


@dataclass(frozen=True)
class Cron:
    """A parsed five-field cron expression (Vixie semantics)."""

    minutes: frozenset
    hours: frozenset
    days: frozenset
    months: frozenset
    weekdays: frozenset
    days_restricted: bool
    weekdays_restricted: bool

    @classmethod
    def parse(cls, expr: str) -> "Cron":
        fields = expr.split()
        if len(fields) != 5:
            raise ScheduleError("a cron expression has five fields")
        weekdays = {d % 7 for d in _cron_field(fields[4], 0, 7, DAY_NAMES)}
        cron = cls(
            frozenset(_cron_field(fields[0], 0, 59, {})),
            frozenset(_cron_field(fields[1], 0, 23, {})),
            frozenset(_cron_field(fields[2], 1, 31, {})),
            frozenset(_cron_field(fields[3], 1, 12, MONTH_NAMES)),
            frozenset(weekdays),
            not fields[2].startswith("*"),
            not fields[4].startswith("*"),
        )
        # cronsim rejects expressions that never fire (e.g. February 30th).
        if cron.next_local(datetime(2000, 1, 1)) is None:
            raise ScheduleError("never fires")
        return cron

    def _day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        by_day = day.day in self.days
        by_weekday = day.isoweekday() % 7 in self.weekdays
        if self.days_restricted and self.weekdays_restricted:
            return by_day or by_weekday
        if self.days_restricted:
            return by_day
        if self.weekdays_restricted:
            return by_weekday
        return True

    def next_local(self, after: datetime) -> datetime | None:
        """First naive local time strictly after the minute `after` is in."""
        start = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        for _ in range(366 * 5):  # bounded: five years covers every leap day
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        moment = datetime.combine(day, dtime(hour, minute))
                        if moment >= start:
                            return moment
            day += timedelta(days=1)
        return None


ONCALENDAR_KEYWORDS = {
    "minutely": "* * * * *",
    "hourly": "0 * * * *",
    "daily": "0 0 * * *",
    "weekly": "0 0 * * 1",
    "monthly": "0 0 1 * *",
    "yearly": "0 0 1 1 *",
    "annually": "0 0 1 1 *",
    "quarterly": "0 0 1 1,4,7,10 *",
    "semiannually": "0 0 1 1,7 *",
}
ONCALENDAR_WEEKDAYS = re.compile(r"[a-z]{3}(\.\.[a-z]{3})?(,[a-z]{3}(\.\.[a-z]{3})?)*")


def oncalendar_to_cron(expr: str) -> str:
    """The OnCalendar forms that map onto cron: keywords and
    "[Weekdays] [*-M-D] [H:M[:00]]" with lists and ".." ranges, any year."""
    text = expr.strip().lower()
    if text in ONCALENDAR_KEYWORDS:
        return ONCALENDAR_KEYWORDS[text]
    parts = text.split()
    weekdays = "*"
    if parts and ONCALENDAR_WEEKDAYS.fullmatch(parts[0]):
        weekdays = parts.pop(0).replace("..", "-")
    day_part, time_part = "*-*-*", "00:00:00"
    if len(parts) == 2:
        day_part, time_part = parts
    elif len(parts) == 1:
        if ":" in parts[0]:
            time_part = parts[0]
        else:
            day_part = parts[0]
    elif parts or weekdays == "*":
        raise ScheduleError("not an OnCalendar expression")
    day_fields = day_part.split("-")
    time_fields = time_part.split(":")
    if len(day_fields) == 2:
        day_fields.insert(0, "*")
    if len(day_fields) != 3 or day_fields[0] != "*" or len(time_fields) not in (2, 3):
        raise ScheduleError("unsupported OnCalendar expression")
    if len(time_fields) == 3 and time_fields[2] not in ("0", "00"):
        raise ScheduleError("seconds are not supported")
    month, day = (f.replace("..", "-") for f in day_fields[1:])
    hour, minute = (f.replace("..", "-") for f in time_fields[:2])
    return f"{minute} {hour} {day} {month} {weekdays}"


def schedule_kind(schedule: str) -> str:
    """Newer servers call a one-line, five-field schedule cron."""
    if "\n" not in schedule.strip() and len(schedule.split()) == 5:
        return "cron"
    return "oncalendar"


@functools.lru_cache(maxsize=256)
def parse_schedule(schedule: str, kind: str) -> Cron:
    if kind == "cron":
        return Cron.parse(schedule)
    return Cron.parse(oncalendar_to_cron(schedule))


@functools.lru_cache(maxsize=64)
def zone(name: str):
    """The zone, or UTC where this machine has no tz database."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return timezone.utc


def next_fire(schedule: str, kind: str, tz: str, after: datetime) -> datetime | None:
    local_zone = zone(tz)
    local = parse_schedule(schedule, kind).next_local(after.astimezone(local_zone).replace(tzinfo=None))
    return local.replace(tzinfo=local_zone).astimezone(timezone.utc) if local else None


# --------------------------------------------------------------------------
# The model: projects, integrations, checks, their pings and flips.


@dataclass
class Channel:
    code: str
    name: str
    kind: str

    def to_dict(self) -> dict:
        return {"id": self.code, "name": self.name, "kind": self.kind}


@dataclass
class Project:
    name: str
    rw_key: str
    ro_key: str
    ping_key: str
    badge_key: str
    channels: list[Channel]


@dataclass
class Ping:
    n: int
    created: datetime
    kind: str  # success, start, fail, log, ign
    scheme: str
    remote_addr: str | None
    method: str
    ua: str
    rid: str | None
    body: bytes
    exitstatus: int | None


@dataclass
class Flip:
    created: datetime
    old_status: str
    new_status: str

    def to_dict(self) -> dict:
        return {"timestamp": isostring(self.created), "up": 1 if self.new_status == "up" else 0}


@dataclass
class Check:
    project: Project
    code: str
    name: str = ""
    slug: str = ""
    tags: str = ""
    desc: str = ""
    kind: str = "simple"  # simple, cron, oncalendar
    timeout: int = DEFAULT_TIMEOUT
    grace: int = DEFAULT_GRACE
    schedule: str = "* * * * *"
    tz: str = "UTC"
    manual_resume: bool = False
    methods: str = ""
    subject: str = ""
    subject_fail: str = ""
    start_kw: str = ""
    success_kw: str = ""
    failure_kw: str = ""
    filter_subject: bool = False
    filter_body: bool = False
    filter_http_body: bool = False
    filter_default_fail: bool = False
    status: str = "new"  # new, up, down, paused (as stored, not as shown)
    n_pings: int = 0
    last_ping: datetime | None = None
    last_start: datetime | None = None
    last_start_rid: str | None = None
    last_duration: float | None = None
    channels: set[str] = field(default_factory=set)
    pings: list[Ping] = field(default_factory=list)  # the newest ping_log_limit
    flips: list[Flip] = field(default_factory=list)
    recent_pings: deque = field(default_factory=deque)  # monotonic times, for --rate-limit

    @property
    def unique_key(self) -> str:
        return hashlib.sha1(uuid.UUID(self.code).hex[:16].encode()).hexdigest()

    @property
    def badge_key(self) -> str:
        return str(uuid.uuid5(uuid.UUID(self.code), "badge"))

    def tags_list(self) -> list[str]:
        return self.tags.split()

    def grace_start(self, with_started: bool = True) -> datetime | None:
        result = None
        if self.status == "up" and self.kind == "simple":
            result = self.last_ping + timedelta(seconds=self.timeout)
        elif self.status == "up":
            result = next_fire(self.schedule, self.kind, self.tz, self.last_ping)
        if with_started and self.last_start and self.status != "down":
            result = min(result, self.last_start) if result else self.last_start
        return result

    def shown_status(self, version: int) -> str:
        """The status the API shows; v1 also knows "started"."""
        now = utcnow()
        if self.last_start:
            if now >= self.last_start + timedelta(seconds=self.grace):
                return "down"
            if version == 1:
                return "started"
        if self.status in ("new", "paused", "down"):
            return self.status
        grace_start = self.grace_start(with_started=False)
        if grace_start is None:
            return "up"
        if now >= grace_start + timedelta(seconds=self.grace):
            return "down"
        if now >= grace_start:
            return "grace"
        return "up"

    def create_flip(self, new_status: str, when: datetime) -> None:
        self.flips.append(Flip(when, self.status, new_status))

    def ping(self, *, action: str, rid: str | None, body: bytes, exitstatus: int | None,
             remote_addr: str | None, scheme: str, method: str, ua: str, keep: int) -> None:
        now = utcnow()
        if self.status == "paused" and self.manual_resume:
            action = "ign"
        if action == "start":
            self.last_start, self.last_start_rid = now, rid
        elif action in ("success", "fail"):
            self.last_ping, self.last_duration = now, None
            if self.last_start:
                if self.last_start_rid == rid:
                    self.last_duration = (now - self.last_start).total_seconds()
                    self.last_start = None
                elif action == "fail" or rid is None:
                    self.last_start = None
            new_status = "down" if action == "fail" else "up"
            if self.status != new_status:
                self.create_flip(new_status, now)
                self.status = new_status
        self.n_pings += 1
        self.pings.append(Ping(self.n_pings, now, action, scheme, remote_addr, method, ua[:200],
                               rid, body, exitstatus))
        del self.pings[:-keep]

    def ping_duration(self, index: int) -> float | None:
        """Seconds since the start ping this success/fail ping closes."""
        ping = self.pings[index]
        if ping.kind not in ("success", "fail"):
            return None
        for earlier in reversed(self.pings[:index]):
            if ping.created - earlier.created >= MAX_DURATION:
                return None
            if earlier.rid != ping.rid:
                continue
            if earlier.kind == "start":
                return (ping.created - earlier.created).total_seconds()
            if earlier.kind in ("success", "fail"):
                return None
        return None

    def to_dict(self, *, version: int, readonly: bool, site: str, old_server: bool) -> dict:
        result = {
            "name": self.name,
            "slug": self.slug,
            "tags": self.tags,
            "desc": self.desc,
            "grace": self.grace,
            "n_pings": self.n_pings,
            "status": self.shown_status(version),
            "started": self.last_start is not None,
            "last_ping": isostring(self.last_ping),
            "next_ping": isostring(self.grace_start()),
            "manual_resume": self.manual_resume,
            "methods": self.methods,
            "subject": self.subject,
            "subject_fail": self.subject_fail,
            "start_kw": self.start_kw,
            "success_kw": self.success_kw,
            "failure_kw": self.failure_kw,
            "filter_subject": self.filter_subject,
            "filter_body": self.filter_body,
        }
        if not old_server:
            result["filter_http_body"] = self.filter_http_body
            result["filter_default_fail"] = self.filter_default_fail
            result["badge_url"] = f"{site}/b/2/{self.badge_key}.svg"
        if self.last_duration:  # like the server's timedelta: 0 s is left out
            result["last_duration"] = int(self.last_duration)
        if readonly:
            result["unique_key"] = self.unique_key
        else:
            api = f"{site}/api/v{version}/checks/{self.code}"
            if not old_server:
                result["uuid"] = self.code
            result["ping_url"] = f"{site}/ping/{self.code}"
            result["update_url"] = api
            result["pause_url"] = api + "/pause"
            result["resume_url"] = api + "/resume"
            result["channels"] = ",".join(sorted(self.channels))
        if self.kind == "simple":
            result["timeout"] = self.timeout
        else:
            result["schedule"] = self.schedule
            result["tz"] = self.tz
        return result


class Store:
    """Every project and check; callers hold `lock` while they use it."""

    def __init__(self, generate: int, empty: bool):
        self.lock = threading.RLock()
        self.generate = generate
        self.empty = empty
        self.reset()

    def reset(self) -> None:
        self.projects = [
            Project("Test Project", RW_KEY, RO_KEY, PING_KEY, BADGE_KEY, [
                Channel(CHANNEL_EMAIL, "Ops email", "email"),
                Channel(CHANNEL_SLACK, "Slack alerts", "slack"),
            ]),
            Project("Other Project", OTHER_RW_KEY, OTHER_RO_KEY, OTHER_PING_KEY, OTHER_BADGE_KEY, [
                Channel(CHANNEL_OTHER, "Other email", "email"),
            ]),
        ]
        self.checks: list[Check] = []
        main, other = self.projects
        if not self.empty:
            self.add(main, CHECK_BACKUP, name="Database Backup", slug="database-backup",
                     tags="production db", desc="Runs ~/db-backup.sh", timeout=86400,
                     grace=1200, channels={CHANNEL_EMAIL, CHANNEL_SLACK})
            self.add(main, CHECK_CRON, name="Nightly Report", slug="nightly-report",
                     tags="cron reports", kind="cron", schedule="15 5 * * *", tz="UTC",
                     grace=300, channels={CHANNEL_EMAIL})
            self.add(main, CHECK_DUP1, name="dup one", slug="dup")
            self.add(main, CHECK_DUP2, name="dup two", slug="dup")
            self.add(main, CHECK_PAUSED, name="Paused Job", slug="paused-job",
                     tags="production", status="paused")
            self.add(other, CHECK_OTHER, name="Other Project Check", slug="other-check")
        for i in range(1, self.generate + 1):
            name = f"gen-{i:04d}"
            self.add(main, str(uuid.uuid5(GENERATED_NAMESPACE, name)), name=name, slug=name,
                     tags="generated")

    def add(self, project: Project, code: str, **fields) -> Check:
        check = Check(project, code, **fields)
        self.checks.append(check)
        return check

    def authenticate(self, key: str, allow_readonly: bool) -> tuple[Project, bool] | None:
        for project in self.projects:
            if key == project.rw_key:
                return project, False
            if allow_readonly and key == project.ro_key:
                return project, True
        return None

    def check(self, code: str) -> Check | None:
        return next((c for c in self.checks if c.code == code), None)

    def checks_of(self, project: Project) -> list[Check]:
        return [c for c in self.checks if c.project is project]

    def project_by_ping_key(self, key: str) -> Project | None:
        return next((p for p in self.projects if p.ping_key == key), None)


# --------------------------------------------------------------------------
# Create/update request bodies: validation with the server's messages.


class SpecError(ValueError):
    pass


def _string(max_length: int | None = None, pattern: str | None = None):
    def check(name: str, value) -> None:
        if not isinstance(value, str):
            raise SpecError(f"{name} is not a string")
        if max_length is not None and len(value) > max_length:
            raise SpecError(f"{name} is too long")
        if pattern is not None and not re.fullmatch(pattern, value):
            raise SpecError(f"{name} does not match pattern")
    return check


def _seconds(name: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SpecError(f"{name} is not a number")
    if value < 60:
        raise SpecError(f"{name} is too small")
    if value > 31536000:
        raise SpecError(f"{name} is too large")


def _boolean(name: str, value) -> None:
    if not isinstance(value, bool):
        raise SpecError(f"{name} is not a boolean")


def _methods(name: str, value) -> None:
    if value not in ("", "POST") or not isinstance(value, str):
        raise SpecError(f"{name} has unexpected value")


def _unique(name: str, value) -> None:
    if not isinstance(value, list):
        raise SpecError(f"{name} is not an array")
    for item in value:
        if item not in ("name", "slug", "tags", "timeout", "grace") or not isinstance(item, str):
            raise SpecError(f"an item in '{name}' has unexpected value")


def _timezone(name: str, value) -> None:
    _string(100)(name, value)
    if value not in TIMEZONES:
        raise SpecError(f"{name} is not a valid timezone")


# Checked in this order (the newer server's), so the first error reported
# for a body with several is the same as there.
SPEC_FIELDS = {
    "channels": _string(),
    "desc": _string(),
    "failure_kw": _string(200),
    "filter_body": _boolean,
    "filter_default_fail": _boolean,
    "filter_http_body": _boolean,
    "filter_subject": _boolean,
    "grace": _seconds,
    "manual_resume": _boolean,
    "methods": _methods,
    "name": _string(100),
    "schedule": _string(100),
    "slug": _string(100, r"[a-z0-9-_]*"),
    "start_kw": _string(200),
    "subject": _string(200),
    "subject_fail": _string(200),
    "success_kw": _string(200),
    "tags": _string(),
    "timeout": _seconds,
    "tz": _timezone,
    "unique": _unique,
}

# Fields copied as they are by _update; the others need their own handling.
PLAIN_FIELDS = ("slug", "tags", "desc", "manual_resume", "methods", "tz", "subject",
                "subject_fail", "start_kw", "success_kw", "failure_kw", "filter_subject",
                "filter_body", "filter_http_body", "filter_default_fail", "grace")


def validate_spec(spec: dict, old_server: bool) -> None:
    for name, check in SPEC_FIELDS.items():
        if name in spec:
            check(name, spec[name])
            if name == "schedule":
                _validate_schedule(spec[name], old_server)


def _validate_schedule(schedule: str, old_server: bool) -> None:
    try:
        # v3.0.1 knew cron only; newer servers also take OnCalendar.
        parse_schedule(schedule, "cron" if old_server else schedule_kind(schedule))
    except ScheduleError:
        what = "cron" if old_server else "cron or OnCalendar"
        raise SpecError(f"schedule is not a valid {what} expression") from None


def resolve_channels(project: Project, text: str) -> set[str]:
    if text == "*":
        return {c.code for c in project.channels}
    if text == "":
        return set()
    chosen = set()
    for ident in text.split(","):
        if ident == "":
            raise SpecError("empty channel identifier")
        matches = [c for c in project.channels if ident in (c.code, c.name)]
        if not matches:
            raise SpecError(f"invalid channel identifier: {ident}")
        if len(matches) > 1:
            raise SpecError(f"non-unique channel identifier: {ident}")
        chosen.add(matches[0].code)
    return chosen


def find_unique(checks: list[Check], spec: dict) -> Check | None:
    """Upsert: the first check whose every field named in "unique" matches."""
    unique = spec.get("unique") or []
    if not unique or any(name not in spec for name in unique):
        return None
    for check in checks:
        if all(getattr(check, name) == spec[name] for name in unique):
            return check
    return None


def apply_spec(check: Check, spec: dict, version: int) -> None:
    """Set only the fields the request carries (raises SpecError first)."""
    channels = resolve_channels(check.project, spec["channels"]) if "channels" in spec else None
    if "name" in spec:
        if version < 3 and spec["name"] != check.name:
            check.slug = slugify(spec["name"])
        check.name = spec["name"]
    if spec.get("schedule"):
        check.kind, check.schedule = schedule_kind(spec["schedule"]), spec["schedule"]
    elif "timeout" in spec:
        check.kind, check.timeout = "simple", spec["timeout"]
    for name in PLAIN_FIELDS:
        if name in spec:
            setattr(check, name, spec[name])
    if channels is not None:
        check.channels = channels


# --------------------------------------------------------------------------
# HTTP messages.


@dataclass
class Request:
    method: str
    target: str
    version: str  # "HTTP/1.1"
    headers: list[tuple[str, str]]
    body: bytes
    raw: bytes  # exactly as received, request line to the body's last byte
    remote_addr: str

    @property
    def raw_path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    @property
    def path(self) -> str:
        return urllib.parse.unquote(self.raw_path)

    def params(self, name: str) -> list[str]:
        return [v for k, v in urllib.parse.parse_qsl(self.query, keep_blank_values=True) if k == name]

    def param(self, name: str) -> str | None:
        values = self.params(name)
        return values[-1] if values else None  # Django's QueryDict.get: the last one

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def wants_close(self) -> bool:
        tokens = {t.strip().lower() for t in (self.header("Connection") or "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" not in tokens
        return "close" in tokens

    def to_dict(self, n: int) -> dict:
        return {"n": n, "method": self.method, "path": self.raw_path, "query": self.query,
                "version": self.version, "headers": [list(h) for h in self.headers],
                "body": self.body.decode("latin-1")}


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)  # the view's own, in order
    never_cache: bool = False  # Django's @never_cache: Expires and Cache-Control
    escaped: bool = False  # raised as Http404: passes the view's decorators by

    def header_lines(self, connection: str, framing: str, body_length: int, version: str) -> list[str]:
        """gunicorn's headers, then Django's, in the order the fixtures show."""
        now = http_date()
        phrase = http.HTTPStatus(self.status).phrase
        lines = [f"{version} {self.status} {phrase}", "Server: gunicorn", f"Date: {now}",
                 f"Connection: {connection}"]
        if framing == "chunked":
            lines.append("Transfer-Encoding: chunked")
        lines.append(f"Content-Type: {self.content_type}")
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.never_cache:
            lines += [f"Expires: {now}", f"Cache-Control: {NEVER_CACHE}"]
        lines.append("X-Frame-Options: DENY")
        if framing == "length":
            lines.append(f"Content-Length: {body_length}")
        lines += ["Vary: Cookie", "X-Content-Type-Options: nosniff", "Referrer-Policy: same-origin",
                  "Cross-Origin-Opener-Policy: same-origin"]
        return lines


def text_response(status: int, text: str, **kwargs) -> Response:
    return Response(status, text.encode(), **kwargs)


def json_response(obj, status: int = 200) -> Response:
    # Django's JsonResponse: json.dumps defaults (", ", ": ", ASCII only).
    return Response(status, json.dumps(obj).encode(), JSON)


def json_error(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


def not_found_page() -> Response:
    return Response(404, NOT_FOUND_PAGE, escaped=True)


def chunk_body(body: bytes) -> bytes:
    """Chunked encoding in uneven pieces, with an extension on the second
    chunk (or the only one), so clients meet more than the easy case."""
    sizes = [1, 2, 16, 256]
    out, pos, index = [], 0, 0
    while pos < len(body):
        size = sizes[index] if index < len(sizes) else 4096
        piece = body[pos:pos + size]
        extension = ";hc-test=1" if index == 1 or (index == 0 and len(piece) == len(body)) else ""
        out.append(b"%x%s\r\n%s\r\n" % (len(piece), extension.encode(), piece))
        pos, index = pos + len(piece), index + 1
    out.append(b"0\r\n\r\n")
    return b"".join(out)


# --------------------------------------------------------------------------
# The application: routing and the endpoints.


@dataclass
class Config:
    """What /_test/config may change at runtime."""

    framing: str = "length"
    hosted: bool = False
    delay_ms: int = 0
    ping_body_limit: int = 10000
    rate_limit: int = 0
    old_server: bool = False
    fail_next: int = 0
    fail_mode: str = "500"

    def update(self, changes: dict) -> None:
        """All or nothing: a bad value leaves the configuration as it was."""
        staged = dataclasses.replace(self)
        for key, value in changes.items():
            if key not in {f.name for f in dataclasses.fields(self)}:
                raise SpecError(f"unknown config key: {key}")
            expected = type(getattr(self, key))
            if type(value) is not expected:
                raise SpecError(f"{key} must be a {expected.__name__}")
            if expected is int and value < 0:
                raise SpecError(f"{key} must not be negative")
            setattr(staged, key, value)
        if staged.framing not in FRAMINGS:
            raise SpecError(f"framing must be one of {', '.join(FRAMINGS)}")
        if staged.fail_mode not in FAIL_MODES:
            raise SpecError(f"fail_mode must be one of {', '.join(FAIL_MODES)}")
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(staged, f.name))


class Recorder:
    """Every request received (control requests excepted), in memory and,
    with --record-dir, as DIR/NNNN.http written atomically."""

    def __init__(self, directory: str | None):
        self.directory = directory
        self.lock = threading.Lock()
        self.requests: list[Request] = []
        if directory:
            os.makedirs(directory, exist_ok=True)

    def record(self, request: Request) -> int:
        with self.lock:
            self.requests.append(request)
            n = len(self.requests)
            if self.directory:
                final = os.path.join(self.directory, f"{n:04d}.http")
                temp = os.path.join(self.directory, f".{n:04d}.http.tmp")
                with open(temp, "wb") as f:
                    f.write(request.raw)
                os.replace(temp, final)
            return n

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            if self.directory:
                for name in os.listdir(self.directory):
                    if name.endswith(".http"):
                        os.remove(os.path.join(self.directory, name))

    def as_json(self) -> list[dict]:
        with self.lock:
            return [r.to_dict(n) for n, r in enumerate(self.requests, 1)]


CORS_CHECKS = "GET, OPTIONS, POST"
CORS_SINGLE = "GET, OPTIONS, DELETE, POST"
CORS_GET = "GET, OPTIONS"
CORS_POST = "OPTIONS, POST"

PING_SUFFIX = r"(?:/|/(start|fail|log|[0-9]+))?"  # "<uuid>/" is a success, "<uuid>/start/" is not
PING_UUID = re.compile(rf"/ping/({UUID_RE}){PING_SUFFIX}")
PING_SLUG = re.compile(rf"/ping/({SLUG_RE})/({SLUG_RE}){PING_SUFFIX}")
API = re.compile(r"/api/v([0-9]+)/(.*)")
BADGE_TAG = re.compile(r"/badge/([-\w]+)/([-\w]{8}(?:-2)?)/([-\w.]+)\.(svg|json|shields)")
BADGE_ALL = re.compile(r"/badge/([-\w]+)/([-\w]{8}(?:-2)?)\.(svg|json|shields)")
BADGE_CHECK = re.compile(rf"/b/([23])/({UUID_RE})\.(svg|json|shields)")


class App:
    def __init__(self, args: argparse.Namespace, site: str):
        self.args = args
        self.site = site
        self.store = Store(args.generate, args.empty)
        self.recorder = Recorder(args.record_dir)
        self.config_lock = threading.Lock()
        self.config = self.initial_config()

    def initial_config(self) -> Config:
        a = self.args
        return Config(framing=a.framing, hosted=a.hosted, delay_ms=a.delay_ms,
                      ping_body_limit=a.ping_body_limit, rate_limit=a.rate_limit,
                      old_server=a.old_server)

    def take_config(self) -> tuple[Config, bool]:
        """This request's configuration, and whether it is to fail."""
        with self.config_lock:
            snapshot = dataclasses.replace(self.config)
            failing = self.config.fail_next > 0
            if failing:
                self.config.fail_next -= 1
            return snapshot, failing

    # -- control API -------------------------------------------------------

    def control(self, req: Request) -> Response:
        if req.path == "/_test/requests" and req.method == "GET":
            return json_response(self.recorder.as_json())
        if req.path == "/_test/reset" and req.method == "POST":
            with self.store.lock:
                self.store.reset()
            self.recorder.clear()
            with self.config_lock:
                self.config = self.initial_config()
            return json_response({"reset": True})
        if req.path == "/_test/config" and req.method in ("GET", "POST"):
            try:
                changes = json.loads(req.body or b"{}")
                if not isinstance(changes, dict):
                    raise SpecError("the body must be a JSON object")
                with self.config_lock:
                    self.config.update(changes)
                    return json_response(dataclasses.asdict(self.config))
            except ValueError as e:  # SpecError and JSONDecodeError alike
                return json_error(str(e))
        return json_error(f"no control endpoint {req.method} {req.path}", 404)

    # -- routing -------------------------------------------------------------

    def respond(self, req: Request, cfg: Config) -> Response:
        path = req.path
        with self.store.lock:
            if m := PING_UUID.fullmatch(path):
                return self.ping_by_uuid(req, cfg, m[1], m[2])
            if m := PING_SLUG.fullmatch(path):
                return self.ping_by_slug(req, cfg, m[1], m[2], m[3])
            if m := API.fullmatch(path):
                if int(m[1]) not in self.args.api_versions:
                    return not_found_page()
                return self.api(req, cfg, int(m[1]), m[2])
            if m := BADGE_TAG.fullmatch(path):
                return self.badge(req, cfg, m[1], m[2], m[3], m[4])
            if m := BADGE_ALL.fullmatch(path):
                return self.badge(req, cfg, m[1], m[2], "*", m[3])
            if m := BADGE_CHECK.fullmatch(path):
                return self.check_badge(req, int(m[1]), m[2], m[3])
            return not_found_page()

    # -- Pinging API -----------------------------------------------------------

    def ping_by_uuid(self, req: Request, cfg: Config, code: str, suffix: str | None) -> Response:
        check = self.store.check(code)
        if check is None:
            if cfg.hosted:
                return self.ping_ok(cfg, "OK (not found)")
            return text_response(404, "not found", never_cache=True)
        return self.ping_check(req, cfg, check, suffix, by_slug=False)

    def ping_by_slug(self, req: Request, cfg: Config, key: str, slug: str, suffix: str | None) -> Response:
        if slug != slug.lower() and not cfg.old_server:
            return text_response(400, "invalid url format")
        project = self.store.project_by_ping_key(key)
        matches = [c for c in self.store.checks_of(project) if c.slug == slug] if project else []
        if len(matches) > 1:
            return text_response(409, "ambiguous slug")
        if matches:
            return self.ping_check(req, cfg, matches[0], suffix, by_slug=True)
        if req.param("create") != "1" or project is None:
            return text_response(404, "not found")
        check = self.store.add(project, str(uuid.uuid4()), name=slug, slug=slug,
                               channels={c.code for c in project.channels})
        response = self.ping_check(req, cfg, check, suffix, by_slug=True)
        if response.status == 200:
            response.status, response.body = 201, b"Created"
        return response

    def ping_ok(self, cfg: Config, text: str) -> Response:
        headers = [("Ping-Body-Limit", str(cfg.ping_body_limit))] if cfg.ping_body_limit else []
        headers.append(("Access-Control-Allow-Origin", "*"))
        return text_response(200, text, headers=headers, never_cache=True)

    def rate_limited(self, cfg: Config, check: Check) -> bool:
        if not cfg.rate_limit:
            return False
        now = time.monotonic()
        while check.recent_pings and now - check.recent_pings[0] >= 60:
            check.recent_pings.popleft()
        if len(check.recent_pings) >= cfg.rate_limit:
            return True
        check.recent_pings.append(now)
        return False

    def ping_check(self, req: Request, cfg: Config, check: Check, suffix: str | None,
                   by_slug: bool) -> Response:
        action, exitstatus = "success", None
        if suffix in ("start", "fail", "log"):
            action = suffix
        elif suffix is not None:
            exitstatus = int(suffix)
            if exitstatus > 255:
                return text_response(400, "invalid url format", never_cache=True)
            if exitstatus > 0:
                action = "fail"
        rid = req.param("rid")
        if rid is not None:
            if not RID_RE.fullmatch(rid):
                return text_response(400, "invalid uuid format", never_cache=True)
            rid = rid.lower()
        if cfg.hosted and len(req.body) > HOSTED_MAX_PING_BODY:
            return Response(413, never_cache=True)
        if self.rate_limited(cfg, check):
            if cfg.hosted and not by_slug:
                return self.ping_ok(cfg, "OK (rate-limited)")
            return Response(429, never_cache=True)
        if check.methods == "POST" and req.method != "POST":
            action = "ign"
        forwarded = req.header("X-Forwarded-For")
        body = req.body[:cfg.ping_body_limit] if cfg.ping_body_limit else req.body
        check.ping(action=action, rid=rid, body=body, exitstatus=exitstatus,
                   remote_addr=forwarded.split(",")[0].strip() if forwarded else req.remote_addr,
                   scheme=req.header("X-Forwarded-Proto") or "http", method=req.method,
                   ua=req.header("User-Agent") or "", keep=self.args.ping_log_limit)
        return self.ping_ok(cfg, "OK")

    # -- Management API ----------------------------------------------------------

    def api(self, req: Request, cfg: Config, version: int, rest: str) -> Response:
        """Route like hc/api/urls.py; the CORS wrapper answers OPTIONS and
        wrong methods (405), and adds its headers to whatever the view says."""
        if rest == "status/":
            return text_response(200, "OK")
        if rest == "metrics/":
            return Response(403)  # the server's own metrics; no key configured
        route = self.api_route(rest)
        if route is None:
            return not_found_page()
        allowed, view = route
        if req.method == "OPTIONS":
            response = Response(204)
        elif req.method in allowed.split(", "):
            response = view(req, cfg, version)
        else:
            response = Response(405)
        return with_cors(response, allowed)

    def api_route(self, rest: str):
        if rest == "checks/":
            return CORS_CHECKS, self.checks_endpoint
        if rest == "channels/":
            return CORS_GET, self.channels
        if rest == "badges/":
            return CORS_GET, self.badges
        if m := re.fullmatch(rf"checks/({UUID_RE})", rest):
            return CORS_SINGLE, functools.partial(self.single, code=m[1])
        if m := re.fullmatch(rf"checks/({SHA1_RE})", rest):
            return CORS_GET, functools.partial(self.get_by_unique_key, key=m[1])
        if m := re.fullmatch(rf"checks/({UUID_RE})/(pause|resume)", rest):
            view = self.pause if m[2] == "pause" else self.resume
            return CORS_POST, functools.partial(view, code=m[1])
        if m := re.fullmatch(rf"checks/({UUID_RE})/pings/", rest):
            return CORS_GET, functools.partial(self.pings, code=m[1])
        if m := re.fullmatch(rf"checks/({UUID_RE})/pings/([0-9]+)/body", rest):
            return CORS_GET, functools.partial(self.ping_body, code=m[1], n=int(m[2]))
        if m := re.fullmatch(rf"checks/({UUID_RE}|{SHA1_RE})/flips/", rest):
            return CORS_GET, functools.partial(self.flips, ident=m[1])
        return None

    def authorize(self, req: Request, allow_readonly: bool):
        """(project, readonly, json body) or an error Response. A POST's
        body is parsed first: it may carry the key as "api_key"."""
        spec = {}
        if req.method == "POST" and req.body:
            try:
                spec = json.loads(req.body.decode())
            except ValueError:  # also UnicodeDecodeError
                return json_error("could not parse request body")
            if not isinstance(spec, dict):
                return json_error("json validation error: value is not an object")
        key = req.header("X-Api-Key")
        if key is None:
            key = str(spec.get("api_key", ""))
        if len(key) != 32:
            return json_error("missing api key", 401)
        found = self.store.authenticate(key, allow_readonly)
        if found is None:
            return json_error("wrong api key", 401)
        return found[0], found[1], spec

    def own_check(self, project: Project, code: str) -> Check | Response:
        check = self.store.check(code)
        if check is None:
            return not_found_page()
        if check.project is not project:
            return Response(403)
        return check

    def check_json(self, check: Check, cfg: Config, version: int, readonly: bool = False) -> dict:
        return check.to_dict(version=version, readonly=readonly, site=self.site,
                             old_server=cfg.old_server)

    def checks_endpoint(self, req: Request, cfg: Config, version: int) -> Response:
        return self.create(req, cfg, version) if req.method == "POST" else self.list_checks(req, cfg, version)

    def list_checks(self, req: Request, cfg: Config, version: int) -> Response:
        auth = self.authorize(req, allow_readonly=True)
        if isinstance(auth, Response):
            return auth
        project, readonly, _ = auth
        tags = set(req.params("tag"))
        slug = req.param("slug")
        found = [self.check_json(c, cfg, version, readonly) for c in self.store.checks_of(project)
                 if tags.issubset(c.tags_list()) and (not slug or c.slug == slug)]
        return json_response({"checks": found})

    def create(self, req: Request, cfg: Config, version: int) -> Response:
        auth = self.authorize(req, allow_readonly=False)
        if isinstance(auth, Response):
            return auth
        project, _, spec = auth
        try:
            validate_spec(spec, cfg.old_server)
            check = find_unique(self.store.checks_of(project), spec)
            created = check is None
            target = check or Check(project, str(uuid.uuid4()))
            apply_spec(target, spec, version)
        except SpecError as e:
            return json_error(prefix_validation(str(e)))
        if created:
            self.store.checks.append(target)
        return json_response(self.check_json(target, cfg, version), 201 if created else 200)

    def single(self, req: Request, cfg: Config, version: int, code: str) -> Response:
        auth = self.authorize(req, allow_readonly=req.method == "GET")
        if isinstance(auth, Response):
            return auth
        project, readonly, spec = auth
        check = self.own_check(project, code)
        if isinstance(check, Response):
            return check
        if req.method == "GET":
            return json_response(self.check_json(check, cfg, version, readonly))
        if req.method == "DELETE":
            self.store.checks.remove(check)
            return json_response(self.check_json(check, cfg, version))
        try:
            validate_spec(spec, cfg.old_server)
            apply_spec(check, spec, version)
        except SpecError as e:
            return json_error(prefix_validation(str(e)))
        return json_response(self.check_json(check, cfg, version))

    def get_by_unique_key(self, req: Request, cfg: Config, version: int, key: str) -> Response:
        auth = self.authorize(req, allow_readonly=True)
        if isinstance(auth, Response):
            return auth
        project, readonly, _ = auth
        for check in self.store.checks_of(project):
            if check.unique_key == key:
                return json_response(self.check_json(check, cfg, version, readonly))
        return Response(404)

    def pause(self, req: Request, cfg: Config, version: int, code: str) -> Response:
        auth = self.authorize(req, allow_readonly=False)
        if isinstance(auth, Response):
            return auth
        check = self.own_check(auth[0], code)
        if isinstance(check, Response):
            return check
        check.create_flip("paused", utcnow())
        check.status, check.last_start = "paused", None
        return json_response(self.check_json(check, cfg, version))

    def resume(self, req: Request, cfg: Config, version: int, code: str) -> Response:
        auth = self.authorize(req, allow_readonly=False)
        if isinstance(auth, Response):
            return auth
        check = self.own_check(auth[0], code)
        if isinstance(check, Response):
            return check
        if check.status != "paused":
            return text_response(409, "check is not paused")
        check.create_flip("new", utcnow())
        check.status, check.last_start, check.last_ping = "new", None, None
        return json_response(self.check_json(check, cfg, version))

    def pings(self, req: Request, cfg: Config, version: int, code: str) -> Response:
        auth = self.authorize(req, allow_readonly=False)
        if isinstance(auth, Response):
            return auth
        check = self.own_check(auth[0], code)
        if isinstance(check, Response):
            return check
        listed = []
        for index in range(len(check.pings) - 1, -1, -1):  # newest first
            ping = check.pings[index]
            body_url = f"{self.site}/api/v{version}/checks/{check.code}/pings/{ping.n}/body"
            item = {"type": ping.kind, "date": ping.created.isoformat(), "n": ping.n,
                    "scheme": ping.scheme, "remote_addr": ping.remote_addr, "method": ping.method,
                    "ua": ping.ua, "rid": ping.rid, "body_url": body_url if ping.body else None}
            duration = check.ping_duration(index)
            if duration is not None:
                item["duration"] = duration
            listed.append(item)
        return json_response({"pings": listed})

    def ping_body(self, req: Request, cfg: Config, version: int, code: str, n: int) -> Response:
        auth = self.authorize(req, allow_readonly=False)
        if isinstance(auth, Response):
            return auth
        check = self.own_check(auth[0], code)
        if isinstance(check, Response):
            return check
        ping = next((p for p in check.pings if p.n == n), None)
        if ping is None or not ping.body:
            return not_found_page()
        return Response(200, ping.body, "text/plain")

    def flips(self, req: Request, cfg: Config, version: int, ident: str) -> Response:
        auth = self.authorize(req, allow_readonly=True)
        if isinstance(auth, Response):
            return auth
        project = auth[0]
        if len(ident) == 40:
            check = next((c for c in self.store.checks_of(project) if c.unique_key == ident), None)
            if check is None:
                return Response(404)
        else:
            check = self.own_check(project, ident)
            if isinstance(check, Response):
                return check
        try:
            seconds = int_param(req, "seconds", 31536000)
            start = int_param(req, "start", 10000000000)
            end = int_param(req, "end", 10000000000)
        except ValueError:
            return Response(400)
        flips = check.flips
        if start:
            flips = [f for f in flips if f.created.timestamp() >= start]
        if end:
            flips = [f for f in flips if f.created.timestamp() < end]
        if seconds:
            threshold = utcnow() - timedelta(seconds=seconds)
            flips = [f for f in flips if f.created >= threshold]
        return json_response({"flips": [f.to_dict() for f in reversed(flips)]})

    def channels(self, req: Request, cfg: Config, version: int) -> Response:
        auth = self.authorize(req, allow_readonly=False)
        if isinstance(auth, Response):
            return auth
        return json_response({"channels": [c.to_dict() for c in auth[0].channels]})

    def badges(self, req: Request, cfg: Config, version: int) -> Response:
        auth = self.authorize(req, allow_readonly=True)
        if isinstance(auth, Response):
            return auth
        project = auth[0]
        tags = ["*"]
        for check in self.store.checks_of(project):
            tags += [t for t in check.tags_list() if t not in tags]
        return json_response({"badges": {tag: self.badge_urls(project, tag) for tag in tags}})

    # -- Badges ----------------------------------------------------------------

    def badge_urls(self, project: Project, tag: str) -> dict:
        sig = badge_signature(project.badge_key, tag)
        urls = {}
        for fmt in ("svg", "json", "shields"):
            for suffix, states in (("-2", ""), ("", "3")):
                where = f"{sig}{suffix}" if tag == "*" else f"{sig}{suffix}/{tag}"
                urls[fmt + states] = f"{self.site}/badge/{project.badge_key}/{where}.{fmt}"
        return {k: urls[k] for k in ("svg", "svg3", "json", "json3", "shields", "shields3")}

    def badge(self, req: Request, cfg: Config, key: str, sig: str, tag: str, fmt: str) -> Response:
        project = next((p for p in self.store.projects if p.badge_key == key), None)
        if project is None or sig[:8] != badge_signature(key, tag):
            return badge_view_response(Response(404))
        with_late = not sig.endswith("-2")
        status, total, grace, down = "up", 0, 0, 0
        for check in self.store.checks_of(project):
            if tag != "*" and tag not in check.tags_list():
                continue
            total += 1
            shown = check.shown_status(2)
            if shown == "down":
                down, status = down + 1, "down"
            elif shown == "grace":
                grace += 1
                if status == "up" and with_late:
                    status = "late"
        label = SITE_NAME if tag == "*" else tag
        return badge_response(fmt, label, status, {"status": status, "total": total,
                                                   "grace": grace, "down": down})

    def check_badge(self, req: Request, states: int, badge_key: str, fmt: str) -> Response:
        check = next((c for c in self.store.checks if c.badge_key == badge_key), None)
        if check is None:
            return not_found_page()
        shown = check.shown_status(2)
        status = "down" if shown == "down" else "late" if shown == "grace" and states == 3 else "up"
        return badge_response(fmt, check.name or check.code, status, {
            "status": status, "total": 1, "grace": int(shown == "grace"), "down": int(shown == "down")})


def prefix_validation(message: str) -> str:
    """Field errors carry the "json validation error: " prefix, channel errors do not."""
    if "channel identifier" in message:
        return message
    return "json validation error: " + message


def int_param(req: Request, name: str, maximum: int) -> int | None:
    """A flips filter as Django's IntegerField reads it; ValueError if bad."""
    text = (req.param(name) or "").strip()
    if not text:
        return None
    value = int(text)
    if not 0 <= value <= maximum:
        raise ValueError(name)
    return value


def badge_signature(key: str, tag: str) -> str:
    digest = hmac.new(BADGE_SECRET, f"{key}:{tag}".encode(), hashlib.sha1).digest()
    return base64.urlsafe_b64encode(digest).decode()[:8]


def with_cors(response: Response, allowed: str) -> Response:
    """Healthchecks' @cors decorator (an escaped Http404 bypasses it)."""
    if not response.escaped:
        response.headers += [("Access-Control-Allow-Origin", "*"),
                             ("Access-Control-Allow-Headers", "X-Api-Key"),
                             ("Access-Control-Allow-Methods", allowed),
                             ("Access-Control-Max-Age", "600")]
    return response


def badge_view_response(response: Response) -> Response:
    """Badge views are wrapped in @never_cache and @cors("GET")."""
    response.never_cache = not response.escaped
    return with_cors(response, CORS_GET)


BADGE_COLORS = {"up": "#4c1", "late": "#fe7d37", "down": "#e05d44"}
BADGE_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}" height="20">
  <linearGradient id="smooth" x2="0" y2="100%">
    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
    <stop offset="1" stop-opacity=".1"/>
  </linearGradient>

  <mask id="round">
    <rect width="{width}" height="20" rx="3" fill="#fff"/>
  </mask>

  <g mask="url(#round)">
    <rect width="{w1}" height="20" fill="#555"/>
    <rect x="{w1}" width="{w2}" height="20" fill="{color}"/>
    <rect width="{width}" height="20" fill="url(#smooth)"/>
  </g>

  <g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11">
    <text x="{x1}" y="15" fill="#010101" fill-opacity=".3">{label}</text>
    <text x="{x1}" y="14">{label}</text>
    <text x="{x2}" y="15" fill="#010101" fill-opacity=".3">{status}</text>
    <text x="{x2}" y="14">{status}</text>
  </g>
</svg>"""


def text_width(text: str) -> int:
    """A rough pixel width at 11 px (the badge's layout, not its glyphs)."""
    def width(ch: str) -> int:
        if ch in "fijlrtI-":
            return 4 if ch in "frt-" else 3
        if ch in "mwMW":
            return 10
        return 8 if ch.isupper() else 7
    return sum(width(ch) for ch in text)


def badge_response(fmt: str, label: str, status: str, summary: dict) -> Response:
    if fmt == "json":
        response = json_response(summary)
    elif fmt == "shields":
        color = {"up": "success", "late": "important", "down": "critical"}[status]
        response = json_response({"schemaVersion": 1, "label": label, "message": status,
                                  "color": color})
    else:
        w1, w2 = text_width(label) + 10, text_width(status) + 10
        svg = BADGE_SVG.format(width=w1 + w2, w1=w1, w2=w2, x1=w1 / 2, x2=w1 + w2 / 2,
                               color=BADGE_COLORS[status], label=label, status=status)
        response = Response(200, svg.encode(), "image/svg+xml")
    return badge_view_response(response)


# --------------------------------------------------------------------------
# Connections: reading requests off the wire, writing responses in the
# configured framing, and the failure modes.


class BadRequest(Exception):
    def __init__(self, status: int, raw: bytes = b""):
        super().__init__(status)
        self.status = status
        self.raw = raw


class Gone(Exception):
    """The client closed the connection, or went quiet for too long."""


class Connection:
    def __init__(self, sock: socket.socket, peer: str, app: App):
        self.sock = sock
        self.peer = peer
        self.app = app
        self.buffer = bytearray()

    # -- reading -------------------------------------------------------------

    def _fill(self) -> None:
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, OSError):
            raise Gone() from None
        if not data:
            raise Gone()
        self.buffer += data

    def _take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._fill()
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def _take_line(self, limit: int) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            if len(self.buffer) > limit:
                raise BadRequest(400)
            self._fill()
        return self._take(end + 2)

    def read_request(self) -> Request:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            if len(self.buffer) > HEADER_LIMIT:
                raise BadRequest(431, bytes(self.buffer))
            self._fill()
        head = self._take(end + 4)
        lines = head[:-4].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[0].isalpha():
            raise BadRequest(400, head)
        headers = []
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise BadRequest(400, head)
            headers.append((name, value.strip()))
        request = Request(parts[0], parts[1], parts[2], headers, b"", head, self.peer)
        self._read_body(request)
        return request

    def _read_body(self, request: Request) -> None:
        encoding = (request.header("Transfer-Encoding") or "").lower()
        length_text = request.header("Content-Length")
        if (encoding and length_text is not None) or encoding not in ("", "chunked"):
            raise BadRequest(400, request.raw)
        if encoding != "chunked" and length_text is None:
            return
        if length_text is not None and not length_text.isdigit():
            raise BadRequest(400, request.raw)
        length = int(length_text) if length_text is not None else None
        if length is not None and length > BODY_LIMIT:
            raise BadRequest(413, request.raw)
        if length != 0 and (request.header("Expect") or "").lower() == "100-continue":
            self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if length is not None:
            request.body = self._take(length)
            request.raw += request.body
            return
        raw, body = bytearray(request.raw), bytearray()
        while True:  # chunked: keep every framing byte in raw
            line = self._take_line(1024)
            raw += line
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise BadRequest(400, bytes(raw)) from None
            if len(body) + size > BODY_LIMIT:
                raise BadRequest(413, bytes(raw))
            if size == 0:
                while (trailer := self._take_line(HEADER_LIMIT)) != b"\r\n":
                    raw += trailer
                raw += trailer
                break
            chunk = self._take(size + 2)
            if chunk[-2:] != b"\r\n":
                raise BadRequest(400, bytes(raw + chunk))
            raw += chunk
            body += chunk[:-2]
        request.body, request.raw = bytes(body), bytes(raw)

    # -- writing ---------------------------------------------------------------

    def send(self, req: Request, response: Response, framing: str, close: bool) -> None:
        bodyless = req.method == "HEAD" or response.status in (204, 304)
        if response.status in (204, 304) and framing == "chunked":
            framing = "length"  # no body, so nothing to frame
        lines = response.header_lines("close" if close else "keep-alive", framing,
                                      len(response.body), req.version)
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        body = b""
        if not bodyless:
            body = chunk_body(response.body) if framing == "chunked" else response.body
        self.sock.sendall(head + body)

    def close_gracefully(self) -> None:
        """FIN, then drain for a moment: closing with unread input would
        send an RST that can destroy the response the client has not read."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(1.0)
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline and self.sock.recv(65536):
                pass
        except OSError:
            pass

    def fail(self, mode: str) -> None:
        """fail_mode drop, reset or silent (500 is an ordinary response)."""
        if mode == "reset":
            # A zero linger time turns close() into an RST.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()
        elif mode == "drop":
            self.close_gracefully()
        elif mode == "silent":
            self.sock.settimeout(1.0)
            deadline = time.monotonic() + SILENT_HOLD
            while time.monotonic() < deadline:
                try:
                    if not self.sock.recv(65536):
                        return
                except socket.timeout:
                    continue
                except OSError:
                    return

    # -- the loop ----------------------------------------------------------------

    def serve(self) -> None:
        self.sock.settimeout(IDLE_TIMEOUT)
        while True:
            try:
                req = self.read_request()
            except Gone:
                return
            except BadRequest as e:
                self.reject(e)
                return
            if not self.exchange(req):
                return

    def reject(self, error: BadRequest) -> None:
        if error.raw:
            self.app.recorder.record(Request("", "", "HTTP/1.1", [], b"", error.raw, self.peer))
        phrase = http.HTTPStatus(error.status).phrase
        body = f"<html><body><h1>{phrase}</h1></body></html>".encode()
        head = (f"HTTP/1.1 {error.status} {phrase}\r\nConnection: close\r\n"
                f"Content-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n")
        try:
            self.sock.sendall(head.encode() + body)
        except OSError:
            pass
        self.close_gracefully()

    def exchange(self, req: Request) -> bool:
        """Answer one request; whether the connection stays open."""
        app = self.app
        if req.path.startswith("/_test/"):
            self.send(req, app.control(req), "length", close=True)
            self.close_gracefully()
            return False
        app.recorder.record(req)
        cfg, failing = app.take_config()
        if cfg.delay_ms:
            time.sleep(cfg.delay_ms / 1000.0)
        if failing and cfg.fail_mode != "500":
            self.fail(cfg.fail_mode)
            return False
        if failing:
            response = Response(500, SERVER_ERROR_PAGE)
        else:
            try:
                response = app.respond(req, cfg)
            except Exception:  # a bug here must not look like a network error
                traceback.print_exc()
                response = Response(500, SERVER_ERROR_PAGE)
        if app.args.demo and req.path.startswith("/ping/"):
            print(demo_line(req, response), flush=True)
        close = req.wants_close() or cfg.framing == "close"
        try:
            self.send(req, response, cfg.framing, close)
        except OSError:
            return False
        if close:
            self.close_gracefully()
        return not close


def demo_line(req: Request, response: Response) -> str:
    stamp = datetime.now().strftime("%H:%M:%S")
    query = f"?{req.query}" if req.query else ""
    answer = response.body.decode("utf-8", "replace")[:40]
    return (f"{stamp}  {req.method:<4} {req.raw_path}{query}  body {len(req.body)} bytes"
            f"  -> {response.status} {answer}")


# --------------------------------------------------------------------------
# Startup.


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False

    app: App  # set once the port is known: the app's URLs contain it

    def __init__(self, host: str, port: int):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)


class Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        Connection(self.request, self.client_address[0], self.server.app).serve()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1", help="IP address to listen on (127.0.0.1, ::1, ...)")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--port-file", help="write the bound port here once listening")
    p.add_argument("--record-dir", help="write each request received as DIR/NNNN.http")
    p.add_argument("--framing", choices=FRAMINGS, default="length",
                   help="how response bodies are delimited")
    p.add_argument("--hosted", action="store_true",
                   help='mimic hc-ping.com: 200 "OK (not found)" / "OK (rate-limited)"')
    p.add_argument("--ping-body-limit", type=int, default=10000,
                   help="bytes of a ping body kept (0: no limit, no Ping-Body-Limit header)")
    p.add_argument("--delay-ms", type=int, default=0, help="sleep before answering each request")
    p.add_argument("--rate-limit", type=int, default=0,
                   help="pings per minute one check accepts (0: unlimited)")
    p.add_argument("--generate", type=int, default=0, help="add N checks gen-0001.. to the project")
    p.add_argument("--api-versions", default="1,2,3", help="management API versions served")
    p.add_argument("--old-server", action="store_true",
                   help="answer like v3.0.1: no uuid, badge_url, filter_http_body, "
                        "filter_default_fail; cron-only schedules; uppercase slugs allowed")
    p.add_argument("--empty", action="store_true", help="seed projects and keys but no checks")
    p.add_argument("--ping-log-limit", type=int, default=100, help="pings kept per check")
    p.add_argument("--demo", action="store_true", help="print a line for every ping received")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="exit when the process that started this one goes away")
    args = p.parse_args(argv)
    if args.host != "localhost":
        try:
            ipaddress.ip_address(args.host)
        except ValueError:
            p.error("--host takes an IP address (or localhost): no name lookups")
    try:
        args.api_versions = {int(v) for v in args.api_versions.split(",")}
    except ValueError:
        p.error("--api-versions takes a comma-separated list such as 1,2,3")
    for name in ("ping_body_limit", "delay_ms", "rate_limit", "generate", "port"):
        if getattr(args, name) < 0:
            p.error(f"--{name.replace('_', '-')} must not be negative")
    if args.ping_log_limit < 1:
        p.error("--ping-log-limit must be at least 1")
    return args


def write_atomically(path: str, text: str) -> None:
    temp = f"{path}.tmp"
    with open(temp, "w") as f:
        f.write(text)
    os.replace(temp, path)


def watch_parent() -> None:
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def print_banner(site: str) -> None:
    print(f"Healthchecks test server on {site}\n"
          f"  ping URL   {site}/ping/{CHECK_BACKUP}\n"
          f"  slug URL   {site}/ping/{PING_KEY}/database-backup\n"
          f"  API        {site}/api/v3/   (X-Api-Key: {RW_KEY}, read-only {RO_KEY})",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM ends serve_forever() through SystemExit, like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server = Server(args.host, args.port)
    except OSError as e:
        print(f"hc_test_server: cannot listen on {args.host} port {args.port}: {e}", file=sys.stderr)
        return 1
    port = server.server_address[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    site = f"http://{host}:{port}"
    server.app = App(args, site)
    if args.port_file:
        write_atomically(args.port_file, f"{port}\n")
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, daemon=True).start()
    if args.demo:
        print_banner(site)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
