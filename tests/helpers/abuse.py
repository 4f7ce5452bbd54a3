#!/usr/bin/env python3
"""Abuse a Retrovue daemon on loopback, one attack at a time.

abuse.py PORT ATTACK  prints one JSON object of what happened.

flood      2,000 connections at once from 32 loopback addresses, each
           then asking GET /healthz; counts answers.
per_ip     200 connections from one address: how many the server took.
slowloris  70 connections from one address trickling a header, one byte a
           second for 8 s; then 10 more: how many of each the server keeps.
idle       connections that send nothing: closed by the server, and when.
oversize   a request with 64 KiB of headers: the status line it got.
methods    bogus methods and malformed request lines: the status lines.
traversal  ../ in many spellings: the status lines, and whether any body
           looked like a file from outside.
"""
import asyncio
import json
import resource
import sys
import time

HOST = "127.0.0.1"


async def connect(port, source=None, timeout=10):
    return await asyncio.wait_for(asyncio.open_connection(
        HOST, port, local_addr=(source, 0) if source else None), timeout)


async def status_of(r, timeout=10):
    """The status code of the answer on r (None: closed, no answer)."""
    try:
        line = await asyncio.wait_for(r.readline(), timeout)
    except (asyncio.TimeoutError, ConnectionError):
        return None
    if not line:
        return None
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


async def read_all(r, timeout=10):
    try:
        return await asyncio.wait_for(r.read(1 << 20), timeout)
    except (asyncio.TimeoutError, ConnectionError):
        return b""


async def alive(r, w, wait=1.0):
    """Is the connection still open from the server's side after wait s?"""
    try:
        data = await asyncio.wait_for(r.read(1), wait)
        return data != b""
    except asyncio.TimeoutError:
        return True
    except ConnectionError:
        return False


async def flood(port):
    n, addrs = 2000, 32
    conns = []

    async def one(i):
        try:
            r, w = await connect(port, "127.0.0.%d" % (10 + i % addrs))
            conns.append((r, w))
        except Exception:
            pass
    t = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(n)))
    opened = len(conns)

    async def ask(rw):
        r, w = rw
        try:
            w.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            await w.drain()
            return await status_of(r, 30)
        except Exception:
            return None
    codes = await asyncio.gather(*(ask(c) for c in conns))
    for r, w in conns:
        w.close()
    return {"tried": n, "opened": opened, "answered_200": sum(1 for c in codes if c == 200),
            "seconds": round(time.monotonic() - t, 2)}


async def per_ip(port):
    conns, refused = [], 0
    for i in range(200):
        try:
            r, w = await connect(port, "127.0.0.50")
            conns.append((r, w))
        except Exception:
            refused += 1
    await asyncio.sleep(1.5)
    still = sum(await asyncio.gather(*(alive(r, w, 0.5) for r, w in conns)))
    for r, w in conns:
        w.close()
    return {"tried": 200, "kept_open": still, "refused_or_closed": 200 - still}


async def slowloris(port):
    src = "127.0.0.60"
    conns = []
    for i in range(70):
        try:
            conns.append(await connect(port, src))
        except Exception:
            pass
    req = b"GET /channel/5/index.m3u8 HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 20
    for k in range(8):
        for r, w in conns:
            try:
                w.write(req[k:k + 1])
            except Exception:
                pass
        await asyncio.sleep(1)
    extra = []
    for i in range(10):
        try:
            r, w = await connect(port, src)
            extra.append((r, w))
        except Exception:
            pass
    await asyncio.sleep(0.5)
    more_open = sum(await asyncio.gather(*(alive(r, w, 0.5) for r, w in extra)))
    open_slow = sum(await asyncio.gather(*(alive(r, w, 0.5) for r, w in conns)))
    for r, w in conns + extra:
        w.close()
    return {"slow": 70, "slow_still_open": open_slow, "extra_tried": 10,
            "extra_kept_open": more_open}


async def idle(port):
    conns = [await connect(port, "127.0.0.70") for i in range(20)]
    t = time.monotonic()

    async def until_closed(rw):
        r, w = rw
        try:
            await asyncio.wait_for(r.read(1), 30)
        except Exception:
            pass
        return time.monotonic() - t
    times = await asyncio.gather(*(until_closed(c) for c in conns))
    for r, w in conns:
        w.close()
    return {"idle": 20, "closed_after_s": round(max(times), 1)}


async def oversize(port):
    r, w = await connect(port, "127.0.0.80")
    hdr = b"".join(b"X-Big-%d: %s\r\n" % (i, b"b" * 1000) for i in range(64))
    try:
        w.write(b"GET /api/status HTTP/1.1\r\nHost: x\r\n" + hdr + b"\r\n")
        await w.drain()
    except ConnectionError:
        pass
    code = await status_of(r)
    w.close()
    r, w = await connect(port, "127.0.0.80")
    w.write(b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        await w.drain()
    except ConnectionError:
        pass
    code_url = await status_of(r)
    w.close()
    return {"big_headers_status": code, "big_url_status": code_url}


async def one_request(port, raw, src="127.0.0.90"):
    raw = raw.replace(b"Host: x\r\n", b"Host: x\r\nConnection: close\r\n", 1)
    r, w = await connect(port, src)
    w.write(raw)
    try:
        await w.drain()
    except ConnectionError:
        pass
    code = await status_of(r)
    body = await read_all(r, 2)
    w.close()
    return code, body


async def methods(port):
    out = {}
    for name, raw in [
            ("BREW", b"BREW /channel/5/index.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("DELETE", b"DELETE /api/status HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("PUT_body", b"PUT /channel/5/1.ts HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
            ("garbage", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03garbage\r\n\r\n"),
            ("no_version", b"GET /api/status\r\n\r\n"),
            ("http2_preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            ("huge_length", b"POST /lineup.post HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"),
            ("bad_chunk", b"POST /lineup.post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n\r\n")]:
        code, _ = await one_request(port, raw)
        out[name] = code
    return out


async def traversal(port):
    out, leaked = {}, False
    # (each asks to close, so the body ends with the connection)
    for path in ["/../../../../etc/passwd", "/channel/5/../../../etc/passwd",
                 "/%2e%2e/%2e%2e/etc/passwd", "/channel/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                 "/iptv/logos/..%2f..%2f..%2fetc%2fpasswd", "/iptv/logos/5.png/../../../etc/passwd",
                 "//etc/passwd", "/channel/5/..\\..\\etc\\passwd", "/iptv/logos/%00.png",
                 "/channel/5/index.m3u8%00.ts"]:
        code, body = await one_request(port, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        out[path] = code
        if b"root:" in body:
            leaked = True
    return {"status": out, "leaked": leaked}


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port, attack = int(sys.argv[1]), sys.argv[2]
    res = asyncio.run(globals()[attack](port))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
