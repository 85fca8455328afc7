"""cURL import from real-world commands, and export checked with the real curl binary."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from composer.curl.parse import export_curl, import_curl, parse_curl, shell_words, to_curl
from composer.delivery.sender import Sender
from composer.errors import InvalidFileError
from composer.inbox.server import Inbox
from composer.model import Header, Person, Request, context_for
from composer.rendering.render import MASK, RenderedRequest, render

FORM = ("Content-Type", "application/x-www-form-urlencoded")

CHROME = r"""curl 'https://app.example.com/api/v2/events?x=1' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'accept-language: en-GB,en;q=0.9' \
  -H 'content-type: application/json' \
  -H 'origin: https://app.example.com' \
  -H 'sec-ch-ua: "Chromium";v="124", "Google Chrome";v="124"' \
  -H 'sec-fetch-mode: cors' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' \
  --data-raw $'{"name":"O\'Brien","note":"line1\\nline2","city":"K\xc3\xb6ln \u2713"}'"""

FIREFOX = (
    "curl 'https://example.org/graphql' -X POST -H 'User-Agent: Mozilla/5.0 (X11; Linux "
    "x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' -H 'Accept: */*' -H 'Accept-Language: "
    "en-US,en;q=0.5' -H 'Accept-Encoding: gzip, deflate, br' -H 'Content-Type: application/json' "
    "-H 'Origin: https://example.org' -H 'Connection: keep-alive' "
    """--data-raw '{"query":"{ viewer { login } }"}'"""
)

STRIPE = """curl https://api.stripe.com/v1/customers \\
  -u "sk_test_4eC39HqLyjWDarjtT1zdp7dc:" \\
  -d email="jenny.rosen@example.com" \\
  -d name="Jenny Rosen" \\
  -d "metadata[order_id]=6735"
"""

TWILIO = """curl -X POST "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json" \\
--data-urlencode "Body=Hi there, it's me" \\
--data-urlencode "From=+15557122661" \\
--data-urlencode "To=+15558675310" \\
-u AC123:$TWILIO_AUTH_TOKEN"""

SLACK_HOOK = (
    "curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"Hello, World!\"}' "
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
)

SLACK_API = """curl -X POST https://slack.com/api/chat.postMessage \\
     -H "Authorization: Bearer xoxb-your-token" \\
     -H 'Content-type: application/json; charset=utf-8' \\
     --data '{"channel":"C123ABC456","text":"I hope the tour went well, Mr. Wonka."}'"""

GITHUB = """curl -L \\
  -X POST \\
  -H "Accept: application/vnd.github+json" \\
  -H "Authorization: Bearer <YOUR-TOKEN>" \\
  -H "X-GitHub-Api-Version: 2022-11-28" \\
  https://api.github.com/repos/OWNER/REPO/issues \\
  -d '{"title":"Found a bug","body":"I'\\''m having a problem with this.","labels":["bug"]}'"""

CMD = """curl ^"https://example.com/api/items^" ^
  -H ^"accept: application/json^" ^
  -H ^"content-type: application/json^" ^
  --data-raw ^"^{^\\^"name^\\^":^\\^"Widget^\\^"^}^" ^
  --compressed"""

MULTILINE = """curl https://api.example.com/v1/things \\
  --data-binary '{
  "a": 1,
  "b": "two"
}' \\
  -H 'Content-Type: application/json'"""

GITHUB_BODY = '{"title":"Found a bug","body":"I\'m having a problem with this.","labels":["bug"]}'
CASES = [
    (
        CHROME,
        "POST",
        "https://app.example.com/api/v2/events?x=1",
        [
            ("accept", "application/json, text/plain, */*"),
            ("accept-language", "en-GB,en;q=0.9"),
            ("content-type", "application/json"),
            ("origin", "https://app.example.com"),
            ("sec-ch-ua", '"Chromium";v="124", "Google Chrome";v="124"'),
            ("sec-fetch-mode", "cors"),
            ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"),
        ],
        '{"name":"O\'Brien","note":"line1\\nline2","city":"Köln ✓"}',
    ),
    (
        FIREFOX,
        "POST",
        "https://example.org/graphql",
        [
            (
                "User-Agent",
                "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            ),
            ("Accept", "*/*"),
            ("Accept-Language", "en-US,en;q=0.5"),
            ("Accept-Encoding", "gzip, deflate, br"),
            ("Content-Type", "application/json"),
            ("Origin", "https://example.org"),
            ("Connection", "keep-alive"),
        ],
        '{"query":"{ viewer { login } }"}',
    ),
    (
        "curl 'https://shop.example.com/cart.json' -H 'accept: */*' "
        "-b 'session=abc123; theme=dark' --compressed",
        "GET",
        "https://shop.example.com/cart.json",
        [("accept", "*/*"), ("Cookie", "session=abc123; theme=dark")],
        "",
    ),
    (
        STRIPE,
        "POST",
        "https://api.stripe.com/v1/customers",
        [
            ("Authorization", 'Basic {{ secrets.stripe | append: ":" | base64_encode }}'),
            FORM,
        ],
        "email=jenny.rosen@example.com&name=Jenny Rosen&metadata[order_id]=6735",
    ),
    (
        TWILIO,
        "POST",
        "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json",
        [
            ("Authorization", 'Basic {{ "AC123:" | append: secrets.twilio | base64_encode }}'),
            FORM,
        ],
        "Body=Hi%20there%2C%20it%27s%20me&From=%2B15557122661&To=%2B15558675310",
    ),
    (
        SLACK_HOOK,
        "POST",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        [("Content-type", "application/json")],
        '{"text":"Hello, World!"}',
    ),
    (
        SLACK_API,
        "POST",
        "https://slack.com/api/chat.postMessage",
        [
            ("Authorization", "Bearer xoxb-your-token"),
            ("Content-type", "application/json; charset=utf-8"),
        ],
        '{"channel":"C123ABC456","text":"I hope the tour went well, Mr. Wonka."}',
    ),
    (
        GITHUB,
        "POST",
        "https://api.github.com/repos/OWNER/REPO/issues",
        [
            ("Accept", "application/vnd.github+json"),
            ("Authorization", "Bearer <YOUR-TOKEN>"),
            ("X-GitHub-Api-Version", "2022-11-28"),
            FORM,
        ],
        GITHUB_BODY,
    ),
    (
        'curl --json \'{"tool": "curl"}\' --json \', "v": 1\' https://example.com/api',
        "POST",
        "https://example.com/api",
        [("Content-Type", "application/json"), ("Accept", "application/json")],
        '{"tool": "curl"}, "v": 1',
    ),
    (
        "curl -G https://api.example.com/search -d q=hello -d 'lang=en' "
        '--data-urlencode "name=Zoë Ünal"',
        "GET",
        "https://api.example.com/search?q=hello&lang=en&name=Zo%C3%AB%20%C3%9Cnal",
        [],
        "",
    ),
    (
        "curl -XPUT -HX-Trace:1 -u 'admin:s3cr3t' "
        "'https://example.zendesk.com/api/v2/users/1.json' -d '{}' "
        '-H "Content-Type: application/json"',
        "PUT",
        "https://example.zendesk.com/api/v2/users/1.json",
        [
            ("Authorization", 'Basic {{ "admin:" | append: secrets.zendesk | base64_encode }}'),
            ("X-Trace", "1"),
            ("Content-Type", "application/json"),
        ],
        "{}",
    ),
    (
        CMD,
        "POST",
        "https://example.com/api/items",
        [("accept", "application/json"), ("content-type", "application/json")],
        '{"name":"Widget"}',
    ),
    (
        "curl -sS localhost:8080/hook -d a=1 -d b=2 -H'X-A:b' -o /dev/null -w '%{http_code}'",
        "POST",
        "http://localhost:8080/hook",
        [("X-A", "b"), FORM],
        "a=1&b=2",
    ),
    (
        "$ curl -s https://api.example.com/users/1 -H 'Accept: application/json' | jq .",
        "GET",
        "https://api.example.com/users/1",
        [("Accept", "application/json")],
        "",
    ),
    (
        MULTILINE,
        "POST",
        "https://api.example.com/v1/things",
        [("Content-Type", "application/json")],
        '{\n  "a": 1,\n  "b": "two"\n}',
    ),
    (
        "curl --request DELETE --url 'https://api.example.com/v1/items/9' "
        "--header 'Authorization: Bearer abc' --header 'Content-Length: 0'",
        "DELETE",
        "https://api.example.com/v1/items/9",
        [("Authorization", "Bearer abc")],
        "",
    ),
]


@pytest.mark.parametrize(("command", "method", "url", "headers", "body"), CASES)
def test_real_world_commands_import(
    command: str, method: str, url: str, headers: list[tuple[str, str]], body: str
) -> None:
    request = parse_curl(command)
    assert request.method == method
    assert request.url == url
    assert [(h.name, h.value) for h in request.headers] == headers
    assert request.body == body
    assert request.response_mappings == ()


@pytest.mark.parametrize(
    ("command", "name", "note"),
    [
        (STRIPE, "api.stripe.com/v1/customers", 'secret "stripe"'),
        (TWILIO, "api.twilio.com/2010-04-01/Accounts/AC123/Messages.json", "secrets set twilio"),
        (SLACK_API, "slack.com/api/chat.postMessage", "Authorization header holds a credential"),
        (CHROME.replace("O\\'Brien", "{{ x }}"), "app.example.com/api/v2/events", "Liquid"),
        ("curl example.com", "example.com", "no scheme"),
        ("curl 'https://shop.example.com/' -b 'a=1'", "shop.example.com", "Cookie header"),
        (
            'curl -X POST "https://api.twilio.com/2010-04-01/Accounts/$SID/Messages.json" -d a=b',
            "api.twilio.com/2010-04-01/Accounts/$SID/Messages.json",
            "$SID is a shell variable",
        ),
        ('curl -H "X-Token: $TOKEN" https://e.com/a/', "e.com/a", "$TOKEN is a shell variable"),
        ("curl --oauth2-bearer abc https://api.github.com/user", "api.github.com/user", "github"),
        ("curl -u a:b -H 'Authorization: x' https://e.com/", "e.com", "-u or --oauth2-bearer was"),
    ],
)
def test_names_and_notes(command: str, name: str, note: str) -> None:
    imported = import_curl(command)
    assert imported.request.name == name
    assert any(note in n for n in imported.notes), imported.notes
    assert import_curl(command, name="Mine").request.name == "Mine"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("curl -F 'file=@photo.jpg' https://example.com/upload", "multipart"),
        ("curl --form a=b https://example.com/", "multipart"),
        ("curl -d @body.json https://example.com/", "read a file"),
        ("curl --data-binary @- https://example.com/", "read a file"),
        ("curl --data-urlencode name@file.txt https://example.com/", "@file"),
        ("curl -T file.txt https://example.com/", "upload"),
        ("curl -I https://example.com/", "HEAD"),
        ("curl -X TRACE https://example.com/", "TRACE"),
        ("curl --frobnicate https://example.com/", "--frobnicate"),
        ("curl -Q https://example.com/", "-Q"),
        ("curl -s", "no URL"),
        ("wget https://example.com/", "not a curl command"),
        ("", "not a curl command"),
        ("curl 'https://example.com/", "single quote"),
        ('curl "https://example.com/', "double quote"),
        ("curl https://a.example/ https://b.example/", "more than one URL"),
        ("curl -b cookies.txt https://example.com/", "cookie file"),
        ("curl https://example.com/ -H", "-H needs a value"),
        ("curl -H @headers.txt https://example.com/", "reads headers from a file"),
    ],
)
def test_what_cannot_be_imported_is_refused_plainly(command: str, message: str) -> None:
    with pytest.raises(InvalidFileError, match=message.replace("-", "\\-")):
        parse_curl(command)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        # URLs that are not http(s), or cannot be sent at all
        ("curl file:///etc/passwd", "the URL's scheme file: is not http or https"),
        ("curl FILE:/etc/passwd", "the URL's scheme file: is not http or https"),
        ("curl gopher://127.0.0.1:6379/_SET", "the URL's scheme gopher: is not http or https"),
        ("curl dict://127.0.0.1:11211/stat", "the URL's scheme dict: is not http or https"),
        ("curl --url ftp://e.com/x", "the URL's scheme ftp: is not http or https"),
        ("curl http://", "the URL has no host"),
        ("curl 'http://[::1/'", "the URL does not parse (Invalid IPv6 URL)"),
        ("curl $'https://e.com/a\\r\\nX: 1'", "the URL holds CR (carriage return) at character 16"),
        ("curl $'https://e.com/\\x00'", "the URL holds NUL at character 15"),
        # headers that can never be sent
        ("curl https://e.com -H $'X-A: a\\x00b'", "the value of the header X-A holds NUL"),
        ("curl https://e.com -H $'X-A: a\\nX-B: b'", "X-A holds LF (line feed)"),
        ("curl https://e.com -H $'X-A: a\\rb'", "X-A holds CR (carriage return)"),
        ("curl https://e.com -H $'X-A: a\\x1bb'", "X-A holds the control character U+001B"),
        ("curl https://e.com -H $'X-A: a\\x7fb'", "X-A holds the control character U+007F"),
        ("curl https://e.com -H $'X\\x00A: a'", "the name of the header 'X\\x00A' holds NUL"),
        ("curl https://e.com -H 'Bad Name: a'", "'Bad Name' is not a valid HTTP header name"),
        ("curl https://e.com -H ': a'", "'' is not a valid HTTP header name"),
        ("curl https://e.com -A $'agent\\x01'", "User-Agent holds the control character U+0001"),
        ("curl https://e.com -b $'a=1\\r\\n'x", "Cookie holds CR"),
        # a refused option in a group of short ones is named as given
        ("curl -sK/etc/passwd https://e.com", "-K (read options from a file) is not supported"),
        ("curl -sK /etc/passwd https://e.com", "-K (read options from a file) is not supported"),
        ("curl -K", "-K (read options from a file) is not supported"),
        ("curl --config /etc/passwd https://e.com", "--config (read options from a file)"),
        ("curl --config=/etc/passwd https://e.com", "--config (read options from a file)"),
        ("curl -sSF a=b https://e.com", "-F (multipart form) is not supported"),
        ("curl -sT/etc/passwd https://e.com", "-T (upload a file) is not supported"),
        ("curl -sI https://e.com", "-I (HEAD request) is not supported"),
        ("curl -s/ https://e.com", "the option -/ is not one this import understands"),
    ],
)
def test_what_can_never_be_sent_is_refused_naming_the_cause(command: str, message: str) -> None:
    with pytest.raises(InvalidFileError) as caught:
        parse_curl(command)
    assert caught.value.source == "<curl command>"
    assert message in caught.value.reason
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("command", "url"),
    [
        ("curl localhost:8080/x", "http://localhost:8080/x"),
        ("curl HTTPS://E.com/x", "HTTPS://E.com/x"),
        ("curl 'https://{{ customer.host }}/x'", "https://{{ customer.host }}/x"),
        ("curl -H $'X-A: tab\\there' https://e.com/", "https://e.com/"),
    ],
)
def test_http_urls_and_tabs_in_header_values_are_kept(command: str, url: str) -> None:
    assert parse_curl(command).url == url


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('curl a\\ b \'c d\' "e \\"f\\""', ["curl", "a b", "c d", 'e "f"']),
        ("curl $'a\\tb\\x41\\101\\u00e9'", ["curl", "a\tbAAé"]),
        ("curl 'x'\"y\"z", ["curl", "xyz"]),
        ("curl \\\n  -s \\   \n  u", ["curl", "-s", "u"]),
        ("curl 'a \\\n b'", ["curl", "a \\\n b"]),
        ("curl a # comment", ["curl", "a"]),
        ("curl https://e.com/?a=1&b=2;c=3 && echo done", ["curl", "https://e.com/?a=1&b=2;c=3"]),
        ("curl a; curl b", ["curl", "a"]),
        ("curl a & wait", ["curl", "a"]),
        ("curl 'x^\ny'", ["curl", "x^\ny"]),
    ],
)
def test_shell_words(text: str, words: list[str]) -> None:
    assert shell_words(text) == words


# -- export, checked against the real curl ------------------------------------------


@pytest.fixture(scope="module")
def curl_binary() -> str:
    found = shutil.which("curl")
    if found is None:
        pytest.fail("curl is not installed (Debian: apt-get install -y curl)")
    return found


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with Inbox() as box:
        yield box


def _run_curl(command: str) -> None:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    done = subprocess.run(
        ["sh", "-c", command.rstrip("\n") + " -sS -o /dev/null"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr


BIG = '{"text": "' + "x" * 3000 + '"}'
EXPORTS = [
    Request(
        "json", "{{ base }}/hooks?id={{ customer.id }}", body='{"name": {{ customer.name | json }}}'
    ),
    Request(
        "quotes and lines",
        "{{ base }}/q",
        headers=(
            Header("Content-Type", "text/plain; charset=utf-8"),
            Header("X-Who", "{{ customer.name }}"),
        ),
        body="it's 'quoted'\nand \"double\" \\ back $HOME `tick` ! Zoë\n",
    ),
    Request("no content type", "{{ base }}/n", headers=(), body="a=1&b=2"),
    Request("empty post", "{{ base }}/e", method="POST", headers=()),
    Request(
        "get",
        "{{ base }}/g?x=%20y&z=[1]",
        method="GET",
        headers=(Header("Accept", "application/json"),),
    ),
    Request("delete", "{{ base }}/d/1", method="DELETE", headers=(Header("X-Trace", "abc"),)),
    Request("delete with body", "{{ base }}/d/2", method="DELETE", body='{"why": "gone"}'),
    Request("put big", "{{ base }}/big", method="PUT", body=BIG),
    Request(
        "patch own agent",
        "{{ base }}/p",
        method="PATCH",
        headers=(
            Header("User-Agent", "Customer.io Webhook"),
            Header("Content-Type", "application/json"),
        ),
        body="{}",
    ),
    Request("user info", "http://u:p%40ss@{{ host }}/auth", method="GET", headers=()),
    Request(
        "form",
        "{{ base }}/f",
        headers=(Header("Content-Type", "application/x-www-form-urlencoded"),),
        body="name={{ customer.name | url_encode }}&x=a+b",
    ),
]


@pytest.mark.parametrize("request_", EXPORTS, ids=[r.name for r in EXPORTS])
def test_exported_command_sends_the_same_bytes_as_the_engine(
    curl_binary: str, inbox: Inbox, request_: Request
) -> None:
    person = Person("7", "zoe@example.com", {"name": "Zoë 'Z' O\"Neil & co"})
    context = context_for(person) | {"base": inbox.url, "host": f"127.0.0.1:{inbox.port}"}
    rendered = render(request_, context)
    assert not rendered.has_errors, rendered.diagnostics
    with Sender() as sender:
        assert sender.send(rendered).status == 200
    _run_curl(to_curl(rendered))
    engine, curl = inbox.requests
    assert curl.method == engine.method
    assert curl.target == engine.target
    assert curl.headers == engine.headers
    assert curl.body == engine.body
    assert curl.head == engine.head  # the whole head, byte for byte


def test_export_masks_secrets_unless_revealed() -> None:
    request = Request(
        "s",
        "https://api.example.com/x?key={{ secrets.key }}",
        headers=(Header("Authorization", "Bearer {{ secrets.token }}"),),
        body='{"a": 1}',
    )
    secrets = {"key": "K3Y", "token": "t0k'en"}
    masked = export_curl(request, {}, secrets=secrets)
    assert masked.masked
    assert "K3Y" not in masked.command and "t0k" not in masked.command
    assert f"Bearer {MASK}" in masked.command
    shown = export_curl(request, {}, secrets=secrets, reveal=True)
    assert not shown.masked
    assert "key=K3Y" in shown.command
    assert "-H 'Authorization: Bearer t0k'\\''en'" in shown.command


def test_export_imports_back_to_the_same_request() -> None:
    rendered = RenderedRequest(
        "PUT",
        "https://api.example.com/v1/x?y=1",
        (("Content-Type", "application/json"), ("X-A", "it's")),
        '{"k": "v\'s"}\n',
        (),
    )
    again = parse_curl(to_curl(rendered))
    assert (again.method, again.url, again.body) == ("PUT", rendered.url, rendered.body)
    assert [(h.name, h.value) for h in again.headers][:2] == list(rendered.headers)


def test_a_nul_character_cannot_be_exported() -> None:
    rendered = RenderedRequest("POST", "https://example.com/", (), "a\0b", ())
    with pytest.raises(ValueError, match="NUL"):
        to_curl(rendered)


@pytest.mark.parametrize(
    ("user", "secret", "credentials"),
    [
        ("admin:s3cr3t-pw", "p@ss:w/rd", b"admin:p@ss:w/rd"),
        ("sk_test_1:", "sk_live_2", b"sk_live_2:"),
    ],
)
def test_imported_user_option_sends_basic_auth_from_the_secret(
    user: str, secret: str, credentials: bytes
) -> None:
    request = parse_curl(f"curl -u '{user}' https://api.example.com/v1/x -d a=b")
    assert user.split(":")[1] not in request.to_json() or user.endswith(":")
    rendered = render(request, {}, secrets={"example": secret}, reveal=True)
    assert not rendered.has_errors
    kind, value = rendered.headers[0][1].split()
    assert (rendered.headers[0][0], kind) == ("Authorization", "Basic")
    assert base64.b64decode(value) == credentials
