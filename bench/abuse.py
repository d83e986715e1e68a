"""Replays each finding of the first hardening round against a running release build.

Run by bench/abuse.sh, which starts the server on a fresh SQLite file with the demo data
and passes, in the environment: BASE_URL, SERVER_PID, DATABASE_URL (the SQLite file),
ADMIN_KEY (an admin key made with --allow-admin), SALES_KEY and MANAGER_KEY (a sales and
a sales manager key of SH01) and FORECOURT_BIN (the release binary).

Prints one line per case: what was sent, the status expected, the status got, whether
/healthz still answers 200 and whether the vehicle and session counts are what they should
be. Ends with the peak memory of the server during a flood of parallel sign-ins. Exits 1
if any case is not as expected. Standard library only.
"""

import http.client
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
import zipfile
import io

BASE = urllib.parse.urlparse(os.environ["BASE_URL"])
PID = int(os.environ["SERVER_PID"])
DB = os.environ["DATABASE_URL"]
ADMIN_KEY = os.environ["ADMIN_KEY"]
SALES_KEY = os.environ["SALES_KEY"]
MANAGER_KEY = os.environ["MANAGER_KEY"]
BIN = os.environ["FORECOURT_BIN"]
PASSWORD = "forecourt-demo"

failures = []


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower(), "")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def request(method, path, body=None, headers=None, cookie=None, timeout=60):
    """One request on a fresh connection; never follows redirects."""
    conn = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=timeout)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    if isinstance(body, str):
        body = body.encode()
    try:
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        data = res.read()
        headers = {}
        for k, v in res.getheaders():
            k = k.lower()
            headers[k] = headers[k] + "\n" + v if k in headers else v
        return Answer(res.status, headers, data)
    except (OSError, http.client.HTTPException) as e:
        return Answer(0, {}, str(e).encode())
    finally:
        conn.close()


def declare_only(path, length, cookie=None):
    """Sends only the head of a POST declaring `length` bytes; the status of the answer."""
    import socket
    with socket.create_connection((BASE.hostname, BASE.port), timeout=5) as sock:
        head = (f"POST {path} HTTP/1.1\r\nHost: {BASE.netloc}\r\n"
                f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n")
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        sock.sendall((head + "\r\n").encode())
        try:
            first = sock.recv(4096).split(b"\r\n", 1)[0].decode()
            return int(first.split()[1])
        except (OSError, IndexError, ValueError):
            return 0


def form(fields):
    return urllib.parse.urlencode(fields)


FORM = {"content-type": "application/x-www-form-urlencoded"}
JSON = {"content-type": "application/json"}


def sign_in(username, password=PASSWORD, extra=None):
    body = {"username": username, "password": password}
    body.update(extra or {})
    return request("POST", "/sfn/login", form(body), {**FORM, "accept": "application/json"})


def session_of(answer):
    for line in answer.header("set-cookie").split("\n"):
        name, _, rest = line.partition("=")
        if name.strip().endswith("fc_session"):
            return f"{name.strip()}={rest.split(';')[0]}"
    return None


def session(username):
    a = sign_in(username)
    cookie = session_of(a)
    if a.status != 200 or not cookie:
        sys.exit(f"cannot sign in as {username}: {a.status} {a.body[:200]!r}")
    return cookie


def bearer(key):
    return {"authorization": f"Bearer {key}"}


def counts():
    with sqlite3.connect(f"file:{DB}?mode=ro", uri=True) as c:
        one = lambda q: c.execute(q).fetchone()[0]
        return {
            "vehicles": one("SELECT COUNT(*) FROM vehicles"),
            "sessions": one("SELECT COUNT(*) FROM sessions"),
            "audit": one("SELECT COUNT(*) FROM audit_log"),
        }


def healthy():
    return request("GET", "/healthz", timeout=10).status == 200


def case(number, what, expected, got, changes=None, detail=""):
    """Prints one line; `expected` is a status or a set of them; `changes` maps a count to
    the change it should have made since the last case."""
    global last
    now = counts()
    wanted = changes or {}
    moved = {k: now[k] - last[k] for k in ("vehicles", "sessions")}
    counts_ok = all(moved[k] == wanted.get(k, 0) for k in moved)
    last = now
    ok_status = got in expected if isinstance(expected, (set, tuple)) else got == expected
    alive = healthy()
    ok = ok_status and alive and counts_ok
    exp = "/".join(map(str, sorted(expected))) if isinstance(expected, (set, tuple)) else str(expected)
    line = (
        f"{'ok  ' if ok else 'FAIL'} {number:<3} {what:<62} expected {exp:<8} got {got!s:<4} "
        f"healthy {'yes' if alive else 'NO '}  vehicles {moved['vehicles']:+d} sessions {moved['sessions']:+d}"
    )
    if detail:
        line += f"  ({detail})"
    print(line, flush=True)
    if not ok:
        failures.append(f"{number} {what}")


# -- the workbooks --------------------------------------------------------------------------

SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def zipped(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts:
            z.writestr(name, content)
    return out.getvalue()


def workbook(dimension, sst_count):
    sheet = f'<?xml version="1.0"?><worksheet {SHEET_NS}><dimension ref="{dimension}"/><sheetData/></worksheet>'
    sst = f'<?xml version="1.0"?><sst {SHEET_NS} count="{sst_count}" uniqueCount="{sst_count}"><si><t>x</t></si></sst>'
    return zipped([
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'),
        ("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'<?xml version="1.0"?><workbook {SHEET_NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ])


def upload(cookie, data, name):
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return request("POST", "/inventory/import", body, {
        "content-type": f"multipart/form-data; boundary={boundary}",
        "accept": "application/json",
    }, cookie=cookie)


VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_VALUES = {**{str(d): d for d in range(10)}, **{c: v for v, cs in enumerate(
    ["", "AJ", "BKS", "CLT", "DMU", "ENV", "FW", "GPX", "HY", "RZ"]) for c in cs}}


def new_vin(n):
    """A valid VIN (check digit in place) with serial `n`, a BYD Qin prefix."""
    chars = list(f"LGXC1DM30X{n:07d}"[:17])
    total = sum(VIN_VALUES[c] * w for c, w in zip(chars, VIN_WEIGHTS))
    chars[8] = "X" if total % 11 == 10 else str(total % 11)
    return "".join(chars)


def field_of(answer):
    """The first field an error names: `errors` of a REST problem, `Invalid.fields` of a
    server function's error."""
    body = answer.json() or {}
    errors = body.get("errors") or (body.get("Invalid") or {}).get("fields") or []
    return errors[0].get("field") if errors else None


# -- the cases ------------------------------------------------------------------------------

def main():
    global last
    last = counts()
    clerk = session("sh.clerk")
    manager = session("sh.manager")
    last = counts()

    # 1. Hostile and real-world uploads.
    good = workbook("A1", 0)
    for what, data in [
        ("xlsx declaring 2,000,000,000 shared strings", workbook("A1", 2_000_000_000)),
        ("xlsx declaring a sheet of A1:XFD1048576", workbook("A1:XFD1048576", 0)),
        ("xlsx zip bomb (60 MiB of spaces, < 100 KiB sent)", zipped([("xl/worksheets/sheet1.xml", b" " * (60 << 20))])),
        ("xlsx cut in half", good[: len(good) // 2]),
        ("file starting PK that is not a zip", b"PK\x03\x04 not really a zip"),
        ("empty file", b""),
    ]:
        a = upload(clerk, data, "batch.xlsx")
        case("1", f"import: {what}", 422, a.status, detail=f"field {field_of(a)}")
    case("1", "import: a 13 MiB body, answered before it is sent", 413, declare_only("/inventory/import", 13 << 20, clerk))
    a = upload(clerk, b"a" * (11 << 20), "big.csv")
    case("1", "import: an 11 MiB file", 422, a.status, detail=f"field {field_of(a)}")
    rows = "".join(
        f"{new_vin(900_000 + i)},秦PLUS DM-i,55KM 领先型,雪域白,SH01-S,在库,\"72,000\",,{day}\r\n"
        for i, day in enumerate(["2026/11/20", "2026/1/5", "2026年11月20日"])
    )
    gbk = ("VIN,车型,配置,颜色,仓库,状态,成本价(元),指导价(元),到库日期\r\n" + rows).encode("gbk")
    a = upload(clerk, gbk, "入库.csv")
    case("1", "import: CSV in GBK, dates 2026/11/20 2026/1/5 2026年11月20日", 200, a.status, {"vehicles": 3})

    # 2, 3. Forty parallel wrong passwords for one account, then the right one.
    peak = [0]
    flooding = threading.Event()
    flooding.set()

    def watch():
        while flooding.is_set():
            try:
                with open(f"/proc/{PID}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            peak[0] = max(peak[0], int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    answers = []
    lock = threading.Lock()

    def guess(i):
        a = sign_in("sh.sales2", f"wrong-{i}")
        with lock:
            answers.append(a.status)

    started = time.time()
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flooding.clear()
    watcher.join()
    checked, waiting = answers.count(401), answers.count(429)
    case("2", f"40 parallel wrong sign-ins: {checked} password checks (401), {waiting} told to wait (429)",
         "401 ≤ 5", "401 ≤ 5" if checked <= 5 and checked + waiting == 40 else f"{checked}",
         detail=f"{time.time() - started:.1f} s")
    # The right password is never locked out: at worst it waits the current delay.
    started = time.time()
    a = sign_in("sh.sales2")
    first = a.status
    while a.status == 429 and time.time() - started < 30:
        time.sleep(0.5)
        a = sign_in("sh.sales2")
    case("3", "then the right password: in within the short delay, never locked", 200, a.status,
         {"sessions": 1}, f"first answer {first}, in after {time.time() - started:.1f} s")
    a = request("POST", "/sfn/login", form({"username": "admin", "password": "x"}),
                {**FORM, "accept": "application/json", "x-forwarded-for": "203.0.113.9"})
    with sqlite3.connect(f"file:{DB}?mode=ro", uri=True) as c:
        ip = c.execute("SELECT ip FROM login_failures ORDER BY at DESC LIMIT 1").fetchone()[0]
    case("3", "X-Forwarded-For from a peer that is no trusted proxy is ignored", 401,
         a.status if ip == "127.0.0.1" else f"{a.status}, counted for {ip}")

    # 4. Redirects after sign-in.
    for nxt in ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example"]:
        a = request("POST", "/sfn/login", form({"username": "sh.sales", "password": PASSWORD, "next": nxt}),
                    {**FORM, "accept": "text/html"})
        got = a.status if a.header("location") == "/" else f"{a.status}→{a.header('location')!r}"
        case("4", f"sign-in with next={nxt!r} goes home", (302, 303), got, {"sessions": 1})

    # 5. Unbounded strings.
    size = lambda: sum(os.path.getsize(p) for p in (DB, DB + "-wal") if os.path.exists(p))
    before = size()
    case("5", "sign-in with a 1.9 MB username, answered before it is sent", 413,
         declare_only("/sfn/login", 1_900_000 + 20))
    a = sign_in("u" * 65, "x")
    case("5", "sign-in with a 65-character username", 422, a.status, detail=f"field {field_of(a)}")
    a = request("GET", "/healthz", headers={"x-request-id": "bad id\u00e9" * 20})
    rid = a.header("x-request-id")
    case("5", "X-Request-Id not a sane token is replaced", 200,
         a.status if rid and " " not in rid and len(rid) <= 64 else f"kept {rid[:20]!r}")
    grew = size() - before
    case("5", "the database did not grow by those (under 64 KiB)", 200, 200 if grew < 65536 else grew,
         detail=f"grew {grew} bytes")

    # 6. Numbers out of range.
    a = request("GET", "/api/v1/vehicles?min_days=100000000", headers=bearer(SALES_KEY))
    case("6", "GET /api/v1/vehicles?min_days=100000000", 422, a.status, detail=f"field {field_of(a)}")
    a = request("GET", "/api/v1/vehicles?offset=99999999999999999999", headers=bearer(SALES_KEY))
    case("6", "GET /api/v1/vehicles?offset=10^20", {400, 422}, a.status, detail=f"field {field_of(a)}")

    # 7. Quadratic work before a cap.
    catalog = request("GET", "/api/v1/catalog", headers=bearer(ADMIN_KEY)).json()
    sh = [w["id"] for w in catalog["warehouses"] if w["code"].startswith("SH01")]
    hz = [w for w in catalog["warehouses"] if w["code"].startswith("HZ01")]
    many = {"from_warehouse_id": sh[0], "to_warehouse_id": sh[1], "reason": "flood",
            "vins": [new_vin(i) for i in range(90_000)]}
    started = time.time()
    case("7", "transfer of 90,000 VINs (1.9 MB), answered before it is sent", 413,
         declare_only("/api/v1/transfers", len(json.dumps(many))),
         detail=f"{(time.time() - started) * 1000:.0f} ms")
    many["vins"] = [new_vin(i) for i in range(30_000)]
    started = time.time()
    a = request("POST", "/api/v1/transfers", json.dumps(many), {**JSON, **bearer(MANAGER_KEY)})
    case("7", "transfer of 30,000 VINs (under the body limit)", 422, a.status,
         detail=f"field {field_of(a)}, {(time.time() - started) * 1000:.0f} ms")

    # 8. Codes.
    a = request("POST", "/sfn/inventory/vehicle_status", form({"id": "x"}),
                {**FORM, "accept": "application/json"}, cookie=manager)
    case("8", "server function with bad arguments", {400, 422}, a.status)
    a = request("POST", "/api/v1/vehicles", "{not json", {**JSON, **bearer(ADMIN_KEY)})
    kind = a.header("content-type")
    case("8", "REST body that is not JSON: problem+json", {400, 422},
         a.status if kind.startswith("application/problem+json") else f"{a.status} {kind}")
    model = catalog["models"][0]["id"]
    results = []

    def put():
        body = json.dumps({"warehouse_id": sh[0], "model_id": model, "low_qty": 2})
        results.append(request("PUT", "/api/v1/thresholds", body, {**JSON, **bearer(ADMIN_KEY)}).status)

    threads = [threading.Thread(target=put) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    case("8", f"4 simultaneous PUT /thresholds for one key: {sorted(results)}", "no 5xx",
         "no 5xx" if all(s < 500 for s in results) else max(results))

    # 9. Headers.
    for path, cookie in [("/login", None), ("/", manager), ("/inventory", manager)]:
        a = request("GET", path, cookie=cookie)
        csp = a.header("content-security-policy")
        ok = ("frame-ancestors 'none'" in csp and "'nonce-" in csp
              and a.header("referrer-policy") == "same-origin"
              and (cookie is None or "no-store" in a.header("cache-control")))
        case("9", f"GET {path}: CSP with nonce, frame-ancestors, referrer, no-store", 200,
             a.status if ok else f"{a.status} missing")
    a = request("GET", "/api/v1/me", headers=bearer(SALES_KEY))
    case("9", "API answer: Cache-Control no-store", 200,
         a.status if "no-store" in a.header("cache-control") else "cacheable")

    # 10. Secrets in logs.
    out = subprocess.run([BIN, "migrate"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "DATABASE_URL": "postgres://fc:hunter2-secret@127.0.0.1:1/fc"})
    leaked = "hunter2-secret" in out.stdout + out.stderr
    case("10", "failed start on a PostgreSQL URL with a password", "redacted",
         "leaked" if leaked else "redacted", detail=f"exit {out.returncode}")

    # 11. Keys and streams.
    a = request("POST", "/sfn/admin/list_users", "", {**FORM, **bearer(ADMIN_KEY), "accept": "application/json"})
    case("11", "an admin API key on /sfn/admin/*", 401, a.status)
    out = subprocess.run([BIN, "create-api-key", "--name", "root", "--role", "admin"],
                         capture_output=True, text=True, timeout=60)
    case("11", "an admin-role key without --allow-admin", "refused",
         "refused" if out.returncode != 0 else "made")
    streams = []
    for _ in range(8):
        conn = http.client.HTTPConnection(BASE.hostname, BASE.port, timeout=10)
        conn.request("GET", "/events", headers={"Cookie": manager})
        streams.append((conn, conn.getresponse()))
    a = request("GET", "/events", cookie=manager, timeout=5)
    case("11", f"a 9th live stream for one person ({[r.status for _, r in streams].count(200)} open)", 429, a.status)
    for conn, _ in streams:
        conn.close()

    # 12. Existence leaks.
    theirs = request("GET", f"/api/v1/vehicles?warehouse_id={hz[0]['id']}", headers=bearer(ADMIN_KEY)).json()["rows"][0]
    for what, method, path, body in [
        ("GET /api/v1/vehicles/{id}", "GET", "/api/v1/vehicles/{}", None),
        ("POST /api/v1/vehicles/{id}/status", "POST", "/api/v1/vehicles/{}/status", json.dumps({"to": "reserved"})),
        ("GET /api/v1/stores/{id}", "GET", "/api/v1/stores/{}", None),
    ]:
        other = theirs["store_id"] if "stores" in path else theirs["id"]
        a = request(method, path.format(other), body, {**JSON, **bearer(MANAGER_KEY)})
        b = request(method, path.format(987654321), body, {**JSON, **bearer(MANAGER_KEY)})
        same = a.status == b.status and a.json() == b.json()
        case("12", f"{what}: another store's and a missing one alike", 404,
             a.status if same else f"{a.status}≠{b.status}")
    ask = lambda vin: request("POST", "/api/v1/transfers", json.dumps(
        {"from_warehouse_id": sh[0], "to_warehouse_id": sh[1], "reason": "probe", "vins": [vin]}),
        {**JSON, **bearer(MANAGER_KEY)})
    a, b = ask(theirs["vin"]), ask(new_vin(123_456_789))
    norm = lambda ans, vin: json.dumps(ans.json()).replace(vin, "<VIN>")
    case("12", "transfer of another store's VIN and an unknown VIN alike", 422,
         a.status if a.status == b.status and norm(a, theirs["vin"]) == norm(b, new_vin(123_456_789)) else "differ")

    print(f"\nserver memory (RSS) peak during the 40 parallel sign-ins: {peak[0] / 1024:.0f} MiB "
          f"(limit 300 MiB)")
    if peak[0] > 300 * 1024:
        failures.append("memory over 300 MiB during the flood")
    print(f"cases not as expected: {len(failures)}")
    for f in failures:
        print(f"  {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
