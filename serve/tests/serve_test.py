"""End-to-end tests of `wsbx serve` and `wsbx worker`: the built binaries
on loopback ports, the example guests of serve/examples, and (for the
queue) a real nats-server started here. Paths come from the environment
that meson sets: WSBX_BIN, WSBX_SERVE_GUESTS (folder of serve_*.wasm)."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest

WSBX = os.environ.get("WSBX_BIN", "wsbx")
GUESTS = os.environ.get("WSBX_SERVE_GUESTS", ".")


def guest(name):
    path = os.path.join(GUESTS, "serve_" + name + ".wasm")
    assert os.path.exists(path), path + " is not built"
    return path


class Server:
    """A running `wsbx serve`, its stderr collected line by line."""

    def __init__(self, args, env=None):
        self.proc = subprocess.Popen(
            [WSBX, "serve", "--listen", "127.0.0.1:0"] + args,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env)
        self.lines = []
        self.port = None
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        ready.wait(30)
        assert self.port, "server did not start:\n" + "\n".join(self.lines)

    def conn(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = self.conn(timeout)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict(r.getheaders()), data

    def wait_log(self, pattern, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if any(re.search(pattern, l) for l in self.lines):
                return True
            time.sleep(0.02)
        return False

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self.reader.join(5)
        return code


def write_config(tmp_path, routes, **top):
    config = dict(top)
    config["routes"] = routes
    path = tmp_path / "routes.json"
    path.write_text(json.dumps(config))
    return str(path)


@pytest.fixture
def server(tmp_path):
    routes = {
        "/hello": {"module": guest("json_hello")},
        "/cgi": {"module": guest("cgi_hello"), "contract": "cgi",
                 "env": {"GREETING": "granted"}},
        "/echo": {"module": guest("echo_json"), "max_body": "64K"},
        "/spin": {"module": guest("spin"), "timeout": "300ms"},
        "/trap": {"module": guest("trap")},
        "/badjson": {"module": guest("bad_json")},
        "/exit3": {"module": guest("exit3")},
        "/big": {"module": guest("big_output"), "max_output": "1M"},
        "/binary": {"module": guest("binary_body")},
        "/one": {"module": guest("slow"), "concurrency": 1, "queue": 0,
                 "retry_after": 7},
        "/async": {"module": guest("echo_json"), "async": True},
        "/slow": {"module": guest("slow")},
    }
    s = Server([write_config(tmp_path, routes, header_timeout="500ms",
                             access_log=str(tmp_path / "access.jsonl"),
                             workers=2)])
    s.tmp = tmp_path
    yield s
    s.stop()


def test_json_contract(server):
    status, headers, body = server.request("POST", "/hello/x?y=1", body=b"abc")
    assert status == 200
    assert headers["content-type"] == "application/json"
    doc = json.loads(body)
    assert doc["hello"] == "POST /hello/x?y=1"
    assert doc["bytes"] == 3


def test_cgi_contract(server):
    status, headers, body = server.request(
        "POST", "/cgi/more/path?a=b", body=b"posted body",
        headers={"Content-Type": "text/plain"})
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert "hello from CGI" in text
    assert "POST" in text and "a=b" in text and "/more/path" in text
    assert "posted body" in text


CGI_WAT = r"""(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 64) "Content-Type: text/plain\0d\0a\0d\0ahello from text")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 43))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
"""


def test_a_route_module_may_be_webassembly_text(tmp_path):
    wat = tmp_path / "fn.wat"
    wat.write_text(CGI_WAT)
    bad = tmp_path / "bad.wat"
    bad.write_text("(module\n  (func oops))")
    s = Server([write_config(tmp_path, {"/t": {"module": str(wat), "contract": "cgi"}})])
    try:
        status, headers, body = s.request("GET", "/t")
        assert status == 200, body
        assert body == b"hello from text"
    finally:
        assert s.stop() == 0
    refused = subprocess.run(
        [WSBX, "serve", "--listen", "127.0.0.1:0",
         write_config(tmp_path, {"/b": {"module": str(bad)}})],
        capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0
    assert str(bad) + ":2:9: " in refused.stderr, refused.stderr


def test_fresh_instance_per_request_and_keep_alive(server):
    c = server.conn()
    for i in range(5):
        payload = ("request %d" % i).encode()
        c.request("POST", "/echo", body=payload)
        r = c.getresponse()
        assert r.status == 200
        assert r.read() == payload
        # A static counter in the guest: 1 every time, so no state leaks.
        assert r.getheader("x-counter") == "1"
    c.close()


def test_binary_bodies_travel_base64(server):
    status, _, body = server.request("GET", "/binary")
    assert status == 200
    assert body == bytes(range(256))
    raw = bytes([0, 255, 128, 10, 13])
    status, _, body = server.request("POST", "/echo", body=raw)
    assert status == 200 and body == raw


def test_failures_map_to_http(server):
    status, _, body = server.request("GET", "/spin")
    assert status == 504
    for path in ("/trap", "/badjson", "/exit3", "/big"):
        status, _, body = server.request("GET", path)
        assert status == 502, path
        assert b"failing on purpose" not in body
    # The guest's stderr is in the server's log, not the response.
    assert server.wait_log("failing on purpose")
    status, _, _ = server.request("GET", "/nowhere")
    assert status == 404


def test_body_over_limit_is_413(server):
    status, _, _ = server.request("POST", "/echo", body=b"x" * (64 * 1024 + 1))
    assert status == 413
    status, _, body = server.request("POST", "/echo", body=b"x" * (64 * 1024))
    assert status == 200 and len(body) == 64 * 1024


def test_chunked_body_over_limit_is_413(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 16384
        try:
            for _ in range(5):  # 80 KiB in all, over the route's 64K
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may close before the rest is sent
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")


def test_oversized_header_is_431(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 +
                  b"\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 431")


def test_pipelined_requests_are_answered_in_order(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        req = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
        s.sendall(req % (5, b"first") + req % (6, b"second"))
        data = b""
        end = time.time() + 10
        while data.count(b"HTTP/1.1 200") < 2 and time.time() < end:
            data += s.recv(65536)
    assert data.count(b"HTTP/1.1 200") == 2
    assert data.index(b"first") < data.index(b"second")


def test_many_connections_and_a_client_that_leaves(server):
    # A client that sends a request and goes away before the answer.
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(b"GET /slow?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n")
    s.close()
    results = []

    def one(i):
        results.append(server.request("POST", "/echo", body=b"%d" % i))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 64
    assert all(status == 200 for status, _, _ in results)
    assert sorted(int(body) for _, _, body in results) == list(range(64))
    assert server.proc.poll() is None


def test_idle_keep_alive_connections_are_closed(tmp_path):
    s = Server([write_config(tmp_path, {"/e": {"module": guest("echo_json")}},
                             idle_timeout="300ms")])
    try:
        c = s.conn()
        c.request("POST", "/e", body=b"x")
        assert c.getresponse().read() == b"x"
        time.sleep(0.8)
        with pytest.raises((http.client.HTTPException, OSError)):
            c.request("POST", "/e", body=b"y")
            c.getresponse().read()
    finally:
        s.stop()


def test_route_audit_log(tmp_path):
    tool = os.environ.get("WSBX_TEST_TOOL")
    assert tool, "WSBX_TEST_TOOL is not set (run through meson test)"
    data = tmp_path / "data"
    data.mkdir()
    audit = tmp_path / "audit.jsonl"
    s = Server([write_config(tmp_path, {"/t": {
        "module": tool, "args": ["escape"], "contract": "cgi",
        "dirs": [{"host": str(data), "guest": "/data", "read_only": True}],
        "audit_log": str(audit)}})])
    try:
        status, _, _ = s.request("GET", "/t")
        assert status == 502  # the tool writes no CGI header
    finally:
        s.stop()
    events = [json.loads(l) for l in audit.read_text().splitlines()]
    assert events and all("path_open" in e.get("function", "") for e in events), events


def read_responses(sock, count, timeout=10):
    """Reads `count` responses framed by Content-Length from a raw socket."""
    data, out = b"", []
    end = time.time() + timeout
    while len(out) < count and time.time() < end:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode()
            m = re.search(r"(?im)^content-length: *(\d+)", head)
            length = int(m.group(1)) if m else 0
            take = length
            if len(data) >= head_end + 4 + take:
                out.append((head, data[head_end + 4:head_end + 4 + take]))
                data = data[head_end + 4 + take:]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return out, data


def test_head_has_the_length_but_no_body(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        end = time.time() + 10
        while data.count(b"HTTP/1.1 200") < 2 and time.time() < end:
            data += s.recv(65536)
    head_end = data.index(b"\r\n\r\n") + 4
    length = int(re.search(rb"(?im)^content-length: *(\d+)", data[:head_end]).group(1))
    assert length > 0
    # Right after the HEAD answer's header comes the GET's answer (the guest
    # saw "HEAD /hello" there, so its length differs by one).
    rest = data[head_end:]
    assert rest.startswith(b"HTTP/1.1 200")
    get_head, get_body = rest.split(b"\r\n\r\n", 1)
    get_length = int(re.search(rb"(?im)^content-length: *(\d+)", get_head).group(1))
    assert len(get_body) == get_length == length - 1


def test_a_body_sent_to_metrics_does_not_leak_into_the_next_request(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
                  b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nnext")
        out, _ = read_responses(s, 2)
    assert [h.split("\r\n")[0] for h, _ in out] == ["HTTP/1.1 200 OK"] * 2
    assert out[1][1] == b"next"


def test_a_body_that_stops_arriving_is_cut_off(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab")
        start = time.time()
        assert s.recv(4096) == b""  # closed at the header/body timeout
        assert time.time() - start < 5
    end = time.time() + 5
    log = server.tmp / "access.jsonl"
    while '"status":408' not in log.read_text() and time.time() < end:
        time.sleep(0.02)
    assert '"status":408' in log.read_text()


def test_requests_still_queued_when_the_grace_ends_are_not_run(tmp_path):
    s = Server([write_config(tmp_path, {"/slow": {"module": guest("slow")}},
                             workers=1, shutdown_grace="200ms")])
    results = []

    def one():
        try:
            results.append(s.request("GET", "/slow?ms=700")[0])
        except (OSError, http.client.HTTPException):
            results.append("closed")

    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    time.sleep(0.2)
    start = time.time()
    code = s.stop()
    for t in threads:
        t.join()
    # The running one ends (its connection is gone with the server); the
    # queued ones were dropped, not run one after another.
    assert time.time() - start < 2.0
    assert code == 0
    assert s.wait_log(r"2 queued requests dropped")


def test_malformed_request_is_400(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400")


def test_header_timeout_closes_slow_clients(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\n")  # never finished
        start = time.time()
        data = s.recv(4096)
        assert data == b""  # closed by the server
        assert time.time() - start < 5


def test_queue_full_is_503_with_retry_after(server):
    results = []

    def slow():
        results.append(server.request("GET", "/one?ms=800")[0])

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    status, headers, _ = server.request("GET", "/one?ms=10")
    t.join()
    assert results == [200]
    assert status == 503
    assert headers["Retry-After"] == "7"


def test_metrics_and_access_log(server):
    server.request("POST", "/echo", body=b"a")
    server.request("POST", "/echo", body=b"b")
    server.request("GET", "/spin")
    status, headers, body = server.request("GET", "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = body.decode()
    assert 'wsbx_requests_total{route="/echo",status="200"} 2' in text
    assert re.search(r'wsbx_timeouts_total\{route="/spin"\} 1\b', text)
    assert 'wsbx_request_duration_seconds_count{route="/echo"} 2' in text
    assert re.search(r'wsbx_fuel_total\{route="/echo"\} [1-9]', text)
    lines = (server.tmp / "access.jsonl").read_text().splitlines()
    records = [json.loads(l) for l in lines]
    echo = [r for r in records if r["route"] == "/echo"]
    assert len(echo) == 2 and all(r["status"] == 200 for r in echo)
    assert any(r["route"] == "/spin" and r["status"] == 504 for r in records)


def test_async_job(server):
    status, headers, body = server.request("POST", "/async", body=b"later")
    assert status == 202
    job = json.loads(body)
    assert headers["Location"] == "/jobs/" + job["id"]
    for _ in range(200):
        status, _, body = server.request("GET", "/jobs/" + job["id"])
        assert status == 200
        state = json.loads(body)
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.02)
    assert state["state"] == "done", state
    assert state["status"] == 200
    assert state["body"] == "later"
    status, _, _ = server.request("GET", "/jobs/" + "0" * 32)
    assert status == 404


def test_sigterm_lets_in_flight_requests_finish(server):
    results = []
    t = threading.Thread(target=lambda: results.append(
        server.request("GET", "/slow?ms=600")))
    t.start()
    time.sleep(0.25)
    code = server.stop(signal.SIGTERM)
    t.join()
    assert results and results[0][0] == 200 and results[0][2] == b"slept 600"
    assert code == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2)


def test_sighup_reloads_a_changed_module_without_dropping(tmp_path):
    module = tmp_path / "fn.wasm"
    shutil.copy(guest("json_hello"), module)
    s = Server([write_config(tmp_path, {"/fn": {"module": str(module)}})])
    try:
        assert b"hello" in s.request("GET", "/fn")[2]
        stop = threading.Event()
        statuses = []

        def load():
            while not stop.is_set():
                statuses.append(s.request("POST", "/fn", body=b"q")[0])

        t = threading.Thread(target=load)
        t.start()
        new = tmp_path / "new.wasm"
        shutil.copy(guest("echo_json"), new)
        os.replace(new, module)
        s.proc.send_signal(signal.SIGHUP)
        assert s.wait_log(r"reloaded: 1 routes")
        time.sleep(0.2)
        stop.set()
        t.join()
        assert statuses and all(code == 200 for code in statuses)
        assert s.request("POST", "/fn", body=b"echoed")[2] == b"echoed"
    finally:
        assert s.stop() == 0


def test_one_route_command_line(tmp_path):
    s = Server([guest("cgi_hello"), "--route", "/run", "--contract", "cgi",
                "--mem", "16M", "--timeout", "2s"])
    try:
        status, _, body = s.request("GET", "/run?q=1")
        assert status == 200 and b"hello from CGI" in body
    finally:
        s.stop()


def test_bad_configs_are_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"routes": {"/x": {"module": guest("spin"),
                                                 "timeuot": "1s"}}}))
    r = subprocess.run([WSBX, "serve", str(bad)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 1
    assert "timeuot" in r.stderr
    r = subprocess.run([WSBX, "serve", str(tmp_path / "missing.json")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "missing.json" in r.stderr
    # Route flags belong to the one-route form, not beside a config file.
    r = subprocess.run([WSBX, "serve", str(bad), "--timeout", "1s"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "--timeout" in r.stderr
    r = subprocess.run([WSBX, "serve", guest("spin"), "--timeout", "1"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "add a unit" in r.stderr
    r = subprocess.run([WSBX, "serve", guest("spin"), "--listen", "nonsense"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "listen" in r.stderr
    r = subprocess.run([WSBX, "serve", "--bogus"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


nats_procs = {}  # port -> the nats-server a test started


@pytest.fixture
def nats(tmp_path):
    exe = shutil.which("nats-server")
    assert exe, "nats-server is not installed (Debian: apt-get install nats-server)"
    port = free_port()
    store = tmp_path / "js"
    proc = subprocess.Popen([exe, "-js", "-a", "127.0.0.1", "-p", str(port),
                             "-sd", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.time() < end, "nats-server did not start"
                time.sleep(0.05)
        nats_procs[port] = proc
        yield "nats://127.0.0.1:%d" % port
    finally:
        proc.terminate()
        proc.wait(10)


def test_jobs_through_nats_and_workers(tmp_path, nats):
    config = write_config(tmp_path, {
        "/job": {"module": guest("echo_json"), "async": True}})
    s = Server([config, "--nats", nats, "--no-local-jobs"])
    workers = [subprocess.Popen([WSBX, "worker", "--nats", nats, "--threads", "1",
                                 config], stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    try:
        for w in workers:  # each says so once its routes are built
            line = w.stderr.readline()
            assert line.startswith("worker: "), line
        ids = []
        for i in range(6):
            status, _, body = s.request("POST", "/job", body=("job %d" % i).encode())
            assert status == 202
            ids.append(json.loads(body)["id"])
        for i, job in enumerate(ids):
            for _ in range(500):
                state = json.loads(s.request("GET", "/jobs/" + job)[2])
                if state["state"] in ("done", "failed"):
                    break
                time.sleep(0.02)
            assert state["state"] == "done", state
            assert state["body"] == "job %d" % i
    finally:
        try:
            for w in workers:
                w.send_signal(signal.SIGTERM)
            codes = [w.wait(60) for w in workers]
        finally:
            assert s.stop() == 0
        assert codes == [0, 0], [w.stderr.read() for w in workers]


def test_an_unreachable_queue_does_not_hold_other_requests(tmp_path, nats):
    config = write_config(tmp_path, {
        "/job": {"module": guest("echo_json"), "async": True},
        "/hello": {"module": guest("json_hello")}})
    s = Server([config, "--nats", nats])
    try:
        assert s.request("POST", "/job", body=b"x")[0] == 202
        proc = nats_procs[int(nats.rsplit(":", 1)[1])]
        proc.terminate()
        proc.wait(10)
        results = []
        t = threading.Thread(target=lambda: results.append(
            s.request("POST", "/job", body=b"y", timeout=60)[0]))
        t.start()
        time.sleep(0.2)
        start = time.time()
        assert s.request("GET", "/hello")[0] == 200
        assert time.time() - start < 1.0  # not behind the queue's wait
        t.join()
        assert results == [503]
    finally:
        s.stop()
