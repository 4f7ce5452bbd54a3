#!/usr/bin/env python3
"""What a live HLS channel showed at wall-clock instants: its pictures' shape.

    picture.py URL OUT WALL_MS...

for each WALL_MS (UTC ms), in order, waits until the media playlist URL
lists the segment whose EXT-X-PROGRAM-DATE-TIME span covers it (the
channel encodes ahead of the clock; a loaded machine may lag) and fetches
it at once, before it leaves the playlist; then decodes the frame on air
at each instant and writes OUT.K (K from 0) with one JSON object: the
coded size (w, h) and pixel shape (sar) of the video, its colour
signalling (space, transfer, primaries), the active picture (the bounding
box of the pixels brighter than black, so letter- and pillarbox bars fall
outside it: x0, y0, x1, y1 exclusive, and its width and height), its mean
luma (apl), and the mean luma of the left and right halves of the active
picture (or an error message). With PICTURE_SAVE set, OUT.K.pgm is the
frame itself.
"""
import calendar
import json
import os
import subprocess
import sys
import time
import urllib.request


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read()


def segment_at(url, wall, patience=30):
    """(segment URL, offset in s) of the segment airing at wall (s), waiting for it."""
    base = url.rsplit("/", 1)[0] + "/"
    give_up = time.monotonic() + patience
    while True:
        pdt = dur = None
        end = None
        spans = []
        try:
            text = get(url).decode()
        except OSError:
            text = ""               # starting: not yet
        for line in text.splitlines():
            if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
                v = line.split(":", 1)[1].rstrip("Z")
                main, _, frac = v.partition(".")
                pdt = calendar.timegm(time.strptime(main, "%Y-%m-%dT%H:%M:%S")) + \
                    float("0." + (frac or "0"))
            elif line.startswith("#EXTINF:"):
                dur = float(line.split(":", 1)[1].split(",")[0])
            elif line and not line.startswith("#"):
                if pdt is not None and pdt <= wall < pdt + dur:
                    # Not past its last frame (seeking there would give none).
                    return base + line, min(wall - pdt, max(0.0, dur - 0.1))
                if pdt is not None:
                    end = pdt + dur
                    spans.append("%.3f+%.3f" % (pdt, dur))
                pdt = None
        # Not encoded yet (a loaded machine): wait for it; gone: too late.
        if (end is not None and end > wall) or time.monotonic() > give_up:
            raise SystemExit("no segment of %s airs at %.3f (it lists %s)" %
                             (url, wall, ", ".join(spans) or "none"))
        time.sleep(0.3)


def measure(path, off, save=None):
    """The JSON object of the frame at off s into the TS segment at path."""
    st = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height,sample_aspect_ratio,color_space,color_transfer,color_primaries",
         "-of", "json", path], check=True, capture_output=True, text=True).stdout)
    v = st["streams"][0]
    w, h = int(v["width"]), int(v["height"])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-ss", "%.3f" % off,
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray",
                          "-src_range", "0", "-dst_range", "0", "-"],
                         check=True, capture_output=True).stdout
    if len(raw) < w * h:
        raise SystemExit("no frame at %.3f s of the segment" % off)
    if save:
        with open(save, "wb") as f:
            f.write(b"P5 %d %d 255\n" % (w, h) + raw[:w * h])
    rows = [raw[y * w:(y + 1) * w] for y in range(h)]
    lit = [[x for x in range(w) if r[x] > 40] for r in rows]
    ys = [y for y in range(h) if len(lit[y]) > w // 50]
    xs = [x for y in ys for x in (lit[y][0], lit[y][-1])]
    if not ys:
        x0 = y0 = x1 = y1 = 0
    else:
        x0, x1, y0, y1 = min(xs), max(xs) + 1, ys[0], ys[-1] + 1
    area = [rows[y][x] for y in range(y0, y1) for x in range(x0, x1)]
    mid = (x0 + x1) // 2
    left = [rows[y][x] for y in range(y0, y1) for x in range(x0, mid)]
    right = [rows[y][x] for y in range(y0, y1) for x in range(mid, x1)]
    mean = lambda a: round(sum(a) / len(a), 1) if a else 0
    return {
        "w": w, "h": h, "sar": v.get("sample_aspect_ratio", "1:1"),
        "space": v.get("color_space"), "transfer": v.get("color_transfer"),
        "primaries": v.get("color_primaries"),
        "x0": x0, "y0": y0, "x1": x1, "y1": y1, "aw": x1 - x0, "ah": y1 - y0,
        "apl": mean(area), "left": mean(left), "right": mean(right),
    }


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    url, out = sys.argv[1], sys.argv[2]
    got = []
    for k, ms in enumerate(sys.argv[3:]):
        try:
            seg, off = segment_at(url, int(ms) / 1000.0)
            path = "%s.%d.ts" % (out, k)
            with open(path, "wb") as f:
                f.write(get(seg))
            got.append((k, path, off, None))
        except SystemExit as e:
            got.append((k, None, 0, str(e)))
    for k, path, off, err in got:
        with open("%s.%d" % (out, k), "w") as f:
            if err is None:
                save = "%s.%d.pgm" % (out, k) if os.environ.get("PICTURE_SAVE") else None
                try:
                    err = json.dumps(measure(path, off, save))
                except (SystemExit, subprocess.CalledProcessError) as e:
                    err = "measuring: %s" % e
                os.unlink(path)
            f.write(err + "\n")


if __name__ == "__main__":
    main()
