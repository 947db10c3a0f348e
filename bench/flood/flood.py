#!/usr/bin/env python3
"""Floods serve's Callback URL with forged callbacks and times a real activation right after (issue #10).

The attacker sends from 127.0.0.2, the forged store_base_url points at a listener on 127.0.0.3 that never accepts (so
every exchange with it hangs until its timeout), and the real merchant is the sandbox on 127.0.0.1. Prints one JSON
line per scenario. Run by flood.sh, which starts serve and the sandbox.
"""
import http.client, json, socket, sys, threading, time, urllib.parse, uuid
from concurrent.futures import ThreadPoolExecutor

serve_port, sandbox_port, serve_pid, forgeries = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
label = sys.argv[5]
hosts = int(sys.argv[6]) if len(sys.argv) > 6 else 1
rate = float(sys.argv[7]) if len(sys.argv) > 7 else 0        # forged callbacks per second; 0: as fast as possible
sources = int(sys.argv[8]) if len(sys.argv) > 8 else 1       # attacker addresses 127.0.0.2, 127.0.1.2, ...

# Stores that never answer: listeners never accepted, so connections wait in the backlog for an answer that never
# comes. One host (127.0.0.3), or many (127.0.3.1, 127.0.3.2, ...), each its own "store host" for the per-host cap.
hanging_urls = []
for h in range(hosts):
    address = "127.0.0.3" if hosts == 1 else "127.0.%d.%d" % (3 + h // 250, 1 + h % 250)
    listener = socket.socket()
    listener.bind((address, 0))
    listener.listen(4096)
    hanging_urls.append("http://%s:%d/" % (address, listener.getsockname()[1]))
    globals().setdefault("listeners", []).append(listener)

def rss_kb():
    with open("/proc/%d/status" % serve_pid) as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))

local = threading.local()
def post(i):
    if rate > 0:
        time.sleep(max(0, started + i / rate - time.monotonic()))
    source = "127.0.0.2" if sources == 1 else "127.1.%d.%d" % (i % sources // 250, 2 + i % sources % 250)
    if getattr(local, "source", None) != source and hasattr(local, "c"):
        local.c.close(); del local.c
    if not hasattr(local, "c"):
        local.c = http.client.HTTPConnection("127.0.0.1", serve_port, timeout=30, source_address=(source, 0))
        local.source = source
    body = urllib.parse.urlencode({"oauth_consumer_key": uuid.uuid4().hex, "oauth_consumer_secret": uuid.uuid4().hex,
                                   "oauth_verifier": uuid.uuid4().hex, "store_base_url": hanging_urls[i % hosts] + "forged/%d/" % i})
    try:
        local.c.request("POST", "/magento/callback", body, {"Content-Type": "application/x-www-form-urlencoded"})
        r = local.c.getresponse(); r.read()
        return r.status
    except Exception:
        local.c.close(); del local.c
        return "error"

def api(method, path, body=None, port=sandbox_port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, None if body is None else json.dumps(body), {} if body is None else {"Content-Type": "application/json"})
    r = c.getresponse(); data = r.read(); c.close()
    return r.status, data

def activate_real():
    """The real merchant: create an integration on the sandbox, Activate, wait until our endpoint says active."""
    _, created = api("POST", "/sandbox/api/integrations", {"name": "real merchant",
        "callbackUrl": "http://127.0.0.1:%d/magento/callback" % serve_port, "identityLinkUrl": "http://127.0.0.1:%d/magento/identity" % serve_port})
    integration = json.loads(created)
    clock = time.monotonic()
    api("POST", "/sandbox/api/integrations/%d/activate" % integration["id"])
    status, deadline = None, time.monotonic() + 120
    while time.monotonic() < deadline:
        code, answer = api("GET", "/magento/identity/status?oauth_consumer_key=" + integration["consumerKey"], port=serve_port)
        status = json.loads(answer).get("status") if code == 200 else None
        if status == "active":
            break
        time.sleep(0.05)
    return status, time.monotonic() - clock

rss_before = rss_kb()
started = time.monotonic()
real = {}
if rate > 0:
    # A steady flood: the real activation comes two thirds of the way through it, while it goes on.
    timer = threading.Timer(forgeries / rate * 2 / 3, lambda: real.update(result=activate_real()))
    timer.start()
with ThreadPoolExecutor(50) as pool:
    statuses = list(pool.map(post, range(forgeries)))
flood_seconds = time.monotonic() - started
if rate > 0:
    timer.join()
counts = {str(s): statuses.count(s) for s in sorted(set(statuses), key=str)}
status, real_seconds = real["result"] if rate > 0 else activate_real()
print(json.dumps({"scenario": label, "forged": forgeries, "hanging_hosts": hosts, "rate": rate or "max", "sources": sources, "flood_seconds": round(flood_seconds, 2),
                  "forged_per_second": round(forgeries / flood_seconds), "statuses": counts,
                  "real_activation_status": status, "real_activation_seconds": round(real_seconds, 2),
                  "serve_rss_mb_before": round(rss_before / 1024, 1), "serve_rss_mb_after": round(rss_kb() / 1024, 1)}))
