"""A header is found by name one way, and ``Name: value`` lines are read one way.

The core's :mod:`composer.http_headers` against what every caller shows: the sender's
result, the stored attempt, the response viewer's data, the command line's ``send`` and
``inbox --reply-header``, and the Inbox page's model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from command_runs import run_composer
from servers import FaultServer, Reply

from composer.delivery.outbox import Outbox
from composer.delivery.sender import Sender
from composer.delivery.wire import Wire
from composer.http_headers import (
    SHOWN,
    HeaderLineError,
    HeaderLineProblem,
    header_value,
    parse_header_line,
    parse_header_lines,
)
from composer.model import Person, Request, context_for
from composer.store.database import Database
from ui.editor.response_data import ResponseView
from ui.pages.inbox_models import NOTE_PROBLEMS, header_lines_note
from ui.pages.inbox_models import parse_header_lines as page_header_lines

TWO_LOCATIONS = (("Location", "/first"), ("X-Other", "x"), ("location", "/second"))

# -- a header found by name -----------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "name", "value"),
    [
        ((("Content-Type", "text/plain"),), "content-type", "text/plain"),
        ((("content-type", "text/plain"),), "CONTENT-TYPE", "text/plain"),
        (TWO_LOCATIONS, "Location", "/first"),  # a repeated header: the first wins
        (TWO_LOCATIONS, "LOCATION", "/first"),
        ((("Retry-After", ""),), "retry-after", ""),  # present but empty is not missing
        (TWO_LOCATIONS, "Retry-After", None),
        ((), "Location", None),
        ((("Location-Hint", "/x"),), "Location", None),  # a longer name is another header
    ],
)
def test_header_value(headers: tuple[tuple[str, str], ...], name: str, value: str | None) -> None:
    assert header_value(headers, name) == value


def test_header_value_reads_any_iterable_once() -> None:
    assert header_value(iter(TWO_LOCATIONS), "x-other") == "x"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with Database(tmp_path / "workspace.sqlite3") as database:
        database.people.create(Person("p1", "ann@example.com", {"name": "Ann"}))
        yield database


def test_a_repeated_location_is_the_first_everywhere(db: Database) -> None:
    """The sender's result, the stored attempt, the record's error and the viewer agree."""
    with FaultServer([Reply(301, TWO_LOCATIONS)]) as server:
        with Sender() as sender:
            result = sender.send(Wire("GET", server.url + "/here", (), ""))
        outbox = Outbox(db)
        request = Request(name="Hook", url=server.url + "/hook")
        delivery_id = outbox.create(request, context_for(db.people.get("p1")), person_id="p1")
        (done,) = outbox.run([delivery_id])
    assert result.status == 301
    assert result.header("LOCATION") == "/first"
    [attempt] = done.attempts
    assert attempt.response_headers[:3] == TWO_LOCATIONS  # every value is kept and shown
    assert attempt.location() == "/first"
    assert done.error == "The server answered 301: a redirect to /first, which is not followed."
    view = ResponseView.from_attempt(attempt)
    assert view.header("location") == "/first"
    assert view.location() == "/first"
    assert ResponseView(1, None, None, 301, ()).location() == "(no Location header)"


def test_the_command_line_names_the_same_location(
    python: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    context = tmp_path / "context.json"
    context.write_text(json.dumps({"customer": {"id": "c1"}}))
    with FaultServer([Reply(301, TWO_LOCATIONS)]) as server:
        Request(name="Hook", url=server.url + "/hook").save(tmp_path / "request.json")
        done = run_composer(
            python, cli_env, "send", str(tmp_path / "request.json"), "--context", str(context)
        )
    assert done.returncode == 1, done.stderr
    assert re.search(r"HTTP 301 in \d+ ms, redirects to /first \(not followed\)", done.stdout)


# -- header lines ---------------------------------------------------------------------

NO_COLON = "it has no colon (write it as Name: value)"
NO_NAME = "it has no name before its colon"
TOKEN_ONLY = "; a header name is letters, digits and !#$%&'*+-.^_`|~ only"
CR = "the value holds a line break (CR), which a header cannot"

BAD_LINES = [
    ("nocolon", NO_COLON),
    ("", NO_COLON),  # a blank --reply-header (a blank line of the page is skipped)
    (": value", NO_NAME),
    ("  \t: value", NO_NAME),
    ("X Y: z", "the name holds a space" + TOKEN_ONLY),
    ("X(1): z", "the name holds '('" + TOKEN_ONLY),
    ("Zoë: z", "the name holds 'ë'" + TOKEN_ONLY),
    ("X\x01: z", "the name holds the control character U+0001" + TOKEN_ONLY),
    ("A: b\r", CR),  # a CRLF line ending left in a line
    ("A: b\rInjected: x", CR),
    ("A: b\r\nInjected: x", CR),
    ("A: b\nInjected: x", "the value holds a line break (LF), which a header cannot"),
    ("A: b\x00c", "the value holds a NUL character, which a header cannot"),
    ("A: b\x7f", "the value holds the control character U+007F, which a header cannot"),
    ("A: \udcff", "the value holds a character that is not text (U+DCFF), which a header cannot"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_LINES)
def test_a_bad_header_line_is_named_with_what_is_wrong(line: str, reason: str) -> None:
    with pytest.raises(HeaderLineError) as caught:
        parse_header_line(line, 2)
    assert caught.value.problem == HeaderLineProblem(2, line, reason)
    assert str(caught.value) == f"header line 2 ({line!r}): {reason}"
    assert str(caught.value).isprintable()


@pytest.mark.parametrize(
    ("line", "pair"),
    [
        ("Content-Type: application/json", ("Content-Type", "application/json")),
        ("  X-Key :\tv a l  ", ("X-Key", "v a l")),  # blanks around name and value dropped
        ("X: a:b", ("X", "a:b")),  # the first colon ends the name
        ("X:", ("X", "")),
        ("!#$%&'*+-.^_`|~09az: é €", ("!#$%&'*+-.^_`|~09az", "é €")),
        ("X: a\tb", ("X", "a\tb")),  # a tab inside a value is allowed
    ],
)
def test_a_good_header_line(line: str, pair: tuple[str, str]) -> None:
    assert parse_header_line(line) == pair


def test_a_long_bad_line_is_cut_in_its_message() -> None:
    line = "X" * 1_000_000
    with pytest.raises(HeaderLineError) as caught:
        parse_header_line(line, 7)
    assert str(caught.value) == f"header line 7 ({'X' * SHOWN + '…'!r}): {NO_COLON}"


def test_text_is_split_at_lf_and_blank_lines_are_skipped() -> None:
    pairs, problems = parse_header_lines("A: 1\n\n  \nB: 2\nbad\nC: 3\r\nD: 4")
    assert pairs == [("A", "1"), ("B", "2"), ("D", "4")]
    assert [(p.number, p.reason) for p in problems] == [(5, NO_COLON), (6, CR)]


# a blank line is skipped by the page; an argument cannot hold NUL
SAME_IN_BOTH = [(x, why) for x, why in BAD_LINES if x.strip(" \t") and "\x00" not in x]


@pytest.mark.parametrize(("line", "reason"), SAME_IN_BOTH)
def test_the_command_line_and_the_inbox_page_say_the_same(
    python: str, cli_env: dict[str, str], line: str, reason: str
) -> None:
    """The second header is bad: both name line 2 in the same words."""
    message = f"header line 2 ({line!r}): {reason}"
    done = run_composer(
        python, cli_env, "inbox", "--reply-header", "Good: 1", "--reply-header", line
    )
    assert done.returncode == 2
    assert done.stderr == f"webhook-composer inbox: --reply-header: {message}\n"
    if "\n" in line:
        return  # in the page a line ends at LF: see the next test
    assert page_header_lines("Good: 1\n" + line) == ([("Good", "1")], [2])
    assert header_lines_note("Good: 1\n" + line) == f"Left out: {message}"


def test_in_the_page_lf_ends_a_line() -> None:
    assert page_header_lines("A: b\nInjected: x") == ([("A", "b"), ("Injected", "x")], [])
    assert header_lines_note("A: b\nInjected: x") == ""


def test_the_page_note_names_a_few_bad_lines_and_counts_the_rest() -> None:
    text = "\n".join(["Good: 1"] + ["bad"] * (NOTE_PROBLEMS + 1000))
    note = header_lines_note(text).split("\n")
    assert note[:NOTE_PROBLEMS] == [
        f"Left out: header line {n} ('bad'): {NO_COLON}" for n in range(2, 2 + NOTE_PROBLEMS)
    ]
    assert note[NOTE_PROBLEMS:] == ["and 1,000 more bad lines"]
