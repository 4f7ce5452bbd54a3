#!/usr/bin/env python3
"""HLS viewers on loopback, for the load and abuse tests.

hlsload.py URL VIEWERS SECONDS [--stagger S] [--source ADDR]

Each viewer is one keep-alive HTTP/1.1 connection (asyncio, no libraries)
that polls the playlist every half segment and fetches every new segment
in order, as a player does. At the end it prints one JSON line: per viewer
the first and last sequence number it got, how many segments, the gaps
(segments it saw listed and did not get, or that left the playlist before
it asked), errors, and the longest wait between two segments.
"""
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


class Conn:
    source = None

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.r = self.w = None

    async def get(self, path, timeout=20):
        for attempt in range(2):
            try:
                if self.w is None:
                    self.r, self.w = await asyncio.wait_for(
                        asyncio.open_connection(self.host, self.port,
                                                local_addr=(Conn.source, 0) if Conn.source else None),
                        timeout)
                self.w.write(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: hlsload\r\n\r\n"
                              % (path, self.host, self.port)).encode())
                await self.w.drain()
                return await asyncio.wait_for(self._response(), timeout)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                self.close()
                if attempt == 1:
                    raise
        raise ConnectionError("unreachable")

    async def _response(self):
        line = await self.r.readline()
        if not line:
            raise ConnectionError("closed")
        status = int(line.split()[1])
        headers = {}
        while True:
            h = await self.r.readline()
            if h in (b"\r\n", b"\n", b""):
                break
            k, _, v = h.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                n = int((await self.r.readline()).split(b";")[0], 16)
                if n == 0:
                    await self.r.readline()
                    break
                body += await self.r.readexactly(n)
                await self.r.readline()
        else:
            body = await self.r.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self):
        if self.w is not None:
            self.w.close()
        self.r = self.w = None


def parse_playlist(text):
    seq, target, segs = 0, 2.0, []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            seq = int(line.split(":")[1])
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            target = float(line.split(":")[1])
        elif line and not line.startswith("#"):
            segs.append(line)
    return seq, target, segs


async def viewer(i, host, port, base, end, stagger, out):
    await asyncio.sleep(stagger * i)
    c = Conn(host, port)
    got, gaps, errors = [], 0, 0
    last = None
    last_t = time.monotonic()
    longest = 0.0
    wait = 1.0
    while time.monotonic() < end:
        try:
            st, _, body = await c.get(base + "index.m3u8")
            if st != 200:
                errors += 1
                await asyncio.sleep(wait)
                continue
            seq, target, segs = parse_playlist(body.decode())
            wait = max(0.25, target / 2)
            for k, uri in enumerate(segs):
                n = seq + k
                if last is None:
                    # Join near the live edge, as players do.
                    if k < len(segs) - 3:
                        continue
                elif n <= last:
                    continue
                if last is not None and n > last + 1:
                    gaps += n - last - 1
                path = uri if uri.startswith("/") else base + uri
                st, _, data = await c.get(path)
                if st != 200 or len(data) < 188 or data[0] != 0x47:
                    errors += 1
                    continue
                t = time.monotonic()
                if got:
                    longest = max(longest, t - last_t)
                last_t = t
                got.append(n)
                last = n
        except Exception:
            errors += 1
            c.close()
        await asyncio.sleep(wait)
    c.close()
    out.append({"viewer": i, "first": got[0] if got else None, "last": got[-1] if got else None,
                "segments": len(got), "gaps": gaps, "errors": errors,
                "longest_wait_s": round(longest, 2), "got": got})


async def main():
    url, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    stagger = 0.0
    if "--stagger" in sys.argv:
        stagger = float(sys.argv[sys.argv.index("--stagger") + 1])
    if "--source" in sys.argv:
        Conn.source = sys.argv[sys.argv.index("--source") + 1]
    u = urlsplit(url)
    base = u.path.rsplit("/", 1)[0] + "/"
    end = time.monotonic() + secs
    out = []
    await asyncio.gather(*(viewer(i, u.hostname, u.port or 80, base, end, stagger, out)
                           for i in range(n)))
    out.sort(key=lambda v: v["viewer"])
    print(json.dumps(out))


if __name__ == "__main__":
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main())
