"""Rows of a helpdesk export for batch triage: JSONL or CSV, our field names or a preset's.

Each row becomes an `Intake` (external id, customer, tier, contact, opened time, zone, owner and
the complaint) or a `Refused` naming its line and what is wrong; reading never stops at a bad row
(the caller decides, `--strict`). A column the file lacks but a field needs is a `UsageError`
naming the column and the option that maps it, before any row is read.

Our fields: id (or external_id), customer, tier, contact, opened_at, complaint, subject,
timezone, owner. `--map "Their Column=our_field"` renames; a preset (`--from zendesk`) maps the
columns of that helpdesk's documented export (PRESETS below); --map wins over the preset.
"""

from __future__ import annotations

import codecs
import csv
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

from .errors import UsageError

FIELDS = ("id", "customer", "tier", "contact", "opened_at", "complaint", "subject", "timezone", "owner")
REQUIRED = ("id", "customer")  # and a complaint or a subject
MAX_ROW_CHARS = 100_000  # a row (all its fields) past this is refused: a whole mailbox pasted into one cell

# Each helpdesk's export column names (CSV headers of the UI export, and the API's field names for a
# JSON export), first match wins. Sources: Zendesk ticket export and Tickets API (id, subject,
# description, created_at, organization); Freshdesk ticket export (Ticket ID, Subject, Description,
# Created time, Full name, Company Name) and its API (id, description_text, created_at); Jira's CSV
# export (Issue key, Summary, Description, Reporter, Created, Organizations); Intercom's conversation
# export and API (id, created_at as Unix seconds, source.body, title, company).
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "zendesk": {
        "id": ("Id", "ID", "Ticket ID", "id"),
        "customer": ("Organization", "Organization name", "organization_name", "organization", "Requester domain"),
        "contact": ("Requester", "Requester name", "requester_name"),
        "opened_at": ("Created at", "created_at"),
        "subject": ("Subject", "subject"),
        "complaint": ("Description", "description"),
    },
    "freshdesk": {
        "id": ("Ticket ID", "Ticket Id", "id"),
        "customer": ("Company Name", "Company", "company_name", "company"),
        "contact": ("Full name", "Contact Name", "Requester Name", "requester_name", "name"),
        "opened_at": ("Created time", "Created Time", "created_at"),
        "subject": ("Subject", "subject"),
        "complaint": ("Description", "description_text", "description"),
    },
    "jira": {
        "id": ("Issue key", "Issue Key", "key", "Issue id"),
        "customer": ("Organizations", "Custom field (Organizations)", "Customer", "Custom field (Customer)", "Reporter"),
        "contact": ("Reporter", "reporter"),
        "opened_at": ("Created", "created"),
        "subject": ("Summary", "summary"),
        "complaint": ("Description", "description"),
    },
    "intercom": {
        "id": ("Conversation ID", "conversation_id", "id"),
        "customer": ("Company name", "Company", "company_name", "company"),
        "contact": ("User name", "Name", "user_name", "name", "User email", "email"),
        "opened_at": ("Created at", "Conversation started at", "created_at"),
        "subject": ("Title", "Subject", "title"),
        "complaint": ("First message", "Conversation first message", "Initial message", "source.body", "body"),
    },
}
ALIASES = {"external_id": "id", "text": "complaint", "description": "complaint", "created_at": "opened_at",
           "company": "customer"}


@dataclass
class Intake:
    line: int
    external_id: str
    customer: str
    complaint: str
    tier: str | None = None
    contact: str | None = None
    opened_at: datetime | None = None
    timezone: str | None = None
    owner: str | None = None


@dataclass
class Refused:
    line: int
    external_id: str | None
    reason: str

    def describe(self) -> str:
        ident = f" ({self.external_id})" if self.external_id else ""
        return f"line {self.line}{ident}: {self.reason}"


def detect(path: Path, text: str) -> str:
    if path.suffix.lower() in (".csv", ".tsv"):
        return "csv"
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "jsonl" if first.lstrip().startswith("{") else "csv"


def codec_for(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def check_text(path: Path, encoding: str) -> str:
    """The codec to read the file with, once the whole file is known to decode with it (read in pieces,
    never held whole); refused exactly as read_text refuses it."""
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    codec = _text_codec(encoding)
    try:
        decoder = codecs.getincrementaldecoder(codec)()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except (UnicodeDecodeError, LookupError):
        read_text(path, encoding)  # the whole file, for the refusal's byte
        raise
    return codec


def lines(path: Path, codec: str) -> Iterator[str]:
    """The file's lines, cut at \n, \r and \r\n only, one at a time: a JSON string may hold U+2028 or U+0085 as they
    are (json.dumps(..., ensure_ascii=False) writes them so), and str.splitlines() cut a row in two at them."""
    with open(path, encoding=codec, newline="") as fh:
        for physical in fh:
            yield physical.rstrip("\r\n")


def _text_codec(encoding: str) -> str:
    """The codec of a text encoding; refused for an unknown one and for a codec of bytes to bytes or of text to text
    (base64, rot13: they decode no text file and had failed as an unexpected error)."""
    codec = codec_for(encoding)
    try:
        found = codecs.lookup(codec)
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}: try utf-8, cp1252 or latin-1")
    if not getattr(found, "_is_text_encoding", True):
        raise UsageError(f"{encoding!r} is not a text encoding: try utf-8, cp1252 or latin-1")
    return codec


def read_text(path: Path, encoding: str) -> str:
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    data = path.read_bytes()
    codec = _text_codec(encoding)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not valid {encoding} (byte {exc.start}): pass its encoding, e.g. --encoding cp1252")
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}: try utf-8, cp1252 or latin-1")


def column_map(columns: list[str], preset: str | None, mapping: dict[str, str]) -> dict[str, str | tuple[str, ...]]:
    """Our field → the file's column (or, from a preset, the columns to try in turn), from the preset, then --map,
    then our own names."""
    if preset is not None and preset not in PRESETS:
        raise UsageError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)} (or map columns with --map)")
    out: dict[str, str] = {}
    present = set(columns)
    for col in columns:
        name = ALIASES.get(col, col)
        if name in FIELDS and name not in out:
            out[name] = col
    if preset:
        for fld, candidates in PRESETS[preset].items():
            found = tuple(c for c in candidates if c in present)
            if found:  # each row reads the first of them it fills: Jira's Organizations, else its Reporter
                out[fld] = found[0] if len(found) == 1 else found
    for theirs, ours in mapping.items():
        ours = ALIASES.get(ours, ours)
        if ours not in FIELDS:
            raise UsageError(f"--map {theirs}={ours}: unknown field {ours!r}: map to one of {', '.join(FIELDS)}")
        if theirs not in present:
            raise UsageError(f"--map {theirs}={ours}: the file has no column {theirs!r} (it has {_some(columns)})")
        out[ours] = theirs
    for fld in REQUIRED:
        if fld not in out:
            raise UsageError(f"missing required column {fld!r}: the file has {_some(columns)}; "
                             f"map one with --map \"Their Column={fld}\"" + ("" if preset else " or pick a preset with --from"))
    if "complaint" not in out and "subject" not in out:
        raise UsageError(f"missing required column 'complaint': the file has {_some(columns)}; "
                         "map one with --map \"Their Column=complaint\"")
    return out


def _some(columns: list[str]) -> str:
    shown = ", ".join(repr(c) for c in columns[:12])
    return shown + (f" and {len(columns) - 12} more" if len(columns) > 12 else "") if columns else "no columns"


def rows(path: str | Path, *, fmt: str | None = None, preset: str | None = None,
         mapping: dict[str, str] | None = None, encoding: str = "utf-8",
         default_zone: str = "UTC") -> Iterator[Intake | Refused]:
    """Every row of the file, in order, parsed or refused."""
    path = Path(path)
    if preset is not None and preset not in PRESETS:
        raise UsageError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)} (or map columns with --map)")
    # Read as it goes (a 100,000-row export is never held whole), once known to decode: a file that does
    # not is refused before any row is stored.
    codec = check_text(path, encoding)
    if not fmt:
        with open(path, encoding=codec, newline="") as fh:
            fmt = detect(path, next((line for physical in fh for line in physical.splitlines() if line.strip()), ""))
    if fmt == "csv":
        with open(path, encoding=codec, newline="") as fh:
            yield from _csv_rows(path, fh, preset, mapping, default_zone)
        return
    if fmt != "jsonl":
        raise UsageError(f"unknown format {fmt!r}: choose jsonl or csv")
    maps: dict[frozenset, dict[str, str] | UsageError] = {}  # JSON rows may differ in their keys
    first = True
    for line, raw_line in enumerate(lines(path, codec), 1):
        if not raw_line.strip():
            continue
        if len(raw_line) > MAX_ROW_CHARS:
            yield Refused(line, None, f"the row is {len(raw_line):,} characters, over the {MAX_ROW_CHARS:,} limit")
            continue
        try:
            raw = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            yield Refused(line, None, f"not JSON ({exc.msg})")
            continue
        except RecursionError:
            yield Refused(line, None, "nested too deep to read")
            continue
        if not isinstance(raw, dict):
            yield Refused(line, None, "expected a JSON object")
            continue
        raw = _flatten(raw)
        keys = frozenset(raw)
        if keys not in maps:
            try:
                maps[keys] = column_map(list(raw), preset, mapping or {})
            except UsageError as exc:
                if first:  # the file's first row: a mapping problem, not one row's
                    raise
                maps[keys] = exc
        first = False
        columns = maps[keys]
        if isinstance(columns, UsageError):
            yield Refused(line, _text(raw.get("id") or raw.get("external_id")) or None, str(columns).split(": the file has")[0])
            continue
        yield _parse(raw, columns, line, default_zone)


def _csv_rows(path: Path, fh, preset: str | None, mapping: dict[str, str] | None,
              default_zone: str) -> Iterator[Intake | Refused]:
    # strict: a quote left open is an error at the row (lenient, it swallowed every later row into one complaint)
    reader = csv.reader(fh, dialect="excel-tab" if path.suffix.lower() == ".tsv" else "excel", strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise UsageError(f"{path}: the header row is not CSV ({exc})")
    if not header:
        raise UsageError(f"{path} is empty: expected a header row and one complaint a row")
    header = [h.strip() for h in header]
    columns = column_map(header, preset, mapping or {})
    while True:
        started = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                yield Refused(started, None, f"a quote opened here is never closed: the rest of the file, to line "
                                             f"{reader.line_num}, is inside it")
                return
            if "field larger than field limit" in str(exc):  # csv's own cap (131,072), past our row limit: had stopped the batch
                yield Refused(reader.line_num, None, f"a cell is over {csv.field_size_limit():,} characters, past the "
                                                     f"{MAX_ROW_CHARS:,} limit of a row")
            else:
                yield Refused(reader.line_num, None, f"not CSV ({exc})")
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            yield Refused(line, None, f"{len(record)} fields where the header has {len(header)} (a quote left open?)")
            continue
        yield _parse(dict(zip(header, record)), columns, line, default_zone)


def _flatten(raw: dict, prefix: str = "") -> dict:
    """{"source": {"body": …}} → {"source.body": …} so presets can name nested API fields."""
    out = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and len(out) < 200:
            out.update(_flatten(value, name + "."))
        out[name] = value
    return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _named(col: str | tuple[str, ...]) -> str:
    return repr(col) if isinstance(col, str) else " or ".join(repr(c) for c in col)


def _first_filled(raw: dict, col: str | tuple[str, ...]) -> str:
    if isinstance(col, str):
        return _text(raw.get(col))
    return next((v for c in col if (v := _text(raw.get(c)))), "")


def _parse(raw: dict, columns: dict[str, str | tuple[str, ...]], line: int, default_zone: str) -> Intake | Refused:
    get = {fld: _first_filled(raw, col) for fld, col in columns.items()}
    ext = get.get("id") or None
    size = sum(len(v) for v in get.values())
    if size > MAX_ROW_CHARS:
        return Refused(line, ext, f"the row is {size:,} characters, over the {MAX_ROW_CHARS:,} limit")
    if not ext:
        return Refused(line, None, f"no id (column {_named(columns['id'])} is empty)")
    if not get.get("customer"):
        return Refused(line, ext, f"no customer (column {_named(columns['customer'])} is empty)")
    complaint = get.get("complaint", "")
    subject = get.get("subject", "")
    if subject and subject.lower() not in complaint[: len(subject) + 40].lower():
        complaint = f"{subject}\n\n{complaint}" if complaint else subject
    if not complaint:
        return Refused(line, ext, "the complaint is empty")
    opened = None
    if get.get("opened_at"):
        try:
            opened = parse_time(get["opened_at"], get.get("timezone") or default_zone)
        except ValueError as exc:
            return Refused(line, ext, f"opened_at: {exc}")
    return Intake(line, ext, get["customer"], complaint, tier=get.get("tier") or None,
                  contact=get.get("contact") or None, opened_at=opened, timezone=get.get("timezone") or None,
                  owner=get.get("owner") or None)


_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%b/%y %I:%M %p",
            "%d/%b/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y", "%Y-%m-%d")


def parse_time(value: str, zone: str) -> datetime:
    """ISO 8601, the helpdesks' export formats (Jira's 28/Nov/26 9:41 AM) or Unix seconds; a time
    without an offset is in `zone` (the row's timezone, else the policy's)."""
    value = value.strip()
    if value.isdigit() and len(value) in (10, 13):  # Intercom's created_at: Unix seconds (or ms)
        return datetime.fromtimestamp(int(value) / (1000 if len(value) == 13 else 1), timezone.utc)
    moment = None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for pattern in _FORMATS:
            try:
                moment = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError(f"{value!r} is not a time (use ISO 8601, e.g. 2026-11-28T09:00:00+01:00)")
    if moment.tzinfo is None:
        try:
            moment = moment.replace(tzinfo=ZoneInfo(zone))
        except (KeyError, ValueError):
            raise ValueError(f"unknown time zone {zone!r}")
    now = datetime.now(timezone.utc)
    if moment > now + timedelta(minutes=5):
        raise ValueError(f"{value!r} is in the future")
    if moment.year < 1990:
        raise ValueError(f"{value!r} is too far in the past")
    return moment
