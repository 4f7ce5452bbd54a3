#!/usr/bin/env python3
# tests/helpers/subcheck.py: is a burned-in subtitle on screen when it should be,
# and only then? Reads a recording of a channel with ffmpeg.
#
#   subcheck.py check FILE CLIP_FPS ITEM=A-B[,C-D...] ...
#       Every frame of the clips named (tscheck.py's frame codes say which clip
#       and which of its frames aired, so which instant of it) must show a
#       subtitle inside the spans (seconds of the clip) and none outside them,
#       bright pixels (Y > 200) low in the picture; frames within 0.12 s of a
#       span's edge are not judged. "ITEM=" (no spans): never. Prints what it
#       saw per item; exit 1 on a wrong frame.
#   subcheck.py first FILE CLIP_FPS
#       The clip instant (item code, seconds) of the first frame.
#   subcheck.py at FILE PTS
#       The clip code and frame of the video frame with 90 kHz time stamp PTS
#       (the nearest one), as "ITEM FRAME".
#
# The clips' pictures are flat grey below the code blocks of their top
# quarter, so anything brighter than Y 200 in the lower 45% is a subtitle.
import subprocess
import sys

EDGE = 0.12
MIN_ON = 20


def frames(path):
    """[(pts or None, code, bright)] of every video frame, in order."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height", "-of", "csv=p=0", path],
                         check=True, capture_output=True, text=True).stdout
    w, h = (int(x) for x in out.split()[0].strip(",").split(",")[:2])
    pts = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "frame=pts", "-of", "csv=p=0", path],
                         check=True, capture_output=True, text=True).stdout.split()
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-fps_mode",
                          "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         check=True, capture_output=True).stdout
    size = w * h
    res = []
    for k in range(len(raw) // size):
        f = raw[k * size:(k + 1) * size]
        row = f[(h // 8) * w:(h // 8 + 1) * w]
        code = 0
        for bit in range(16):
            if row[int((bit + 0.5) * w / 16)] > 128:
                code |= 1 << bit
        low = f[(h * 55 // 100) * w:]
        bright = sum(1 for v in low if v > 200)
        p = pts[k].strip(",") if k < len(pts) else ""
        res.append((int(p) if p.lstrip("-").isdigit() else None, code, bright))
    return res


def spans_of(text):
    out = []
    for part in filter(None, text.split(",")):
        a, b = part.split("-")
        out.append((float(a), float(b)))
    return out


def check(path, fps, specs):
    want = {}
    for s in specs:
        item, _, spans = s.partition("=")
        want[int(item)] = spans_of(spans)
    seen = {i: [0, 0, 0, 0, None, None] for i in want}  # on, off, wrong, judged, first t, on
    bad = []
    for _, code, bright in frames(path):
        item, n = code // 4096, code % 4096
        if item not in want:
            continue
        t = n / fps
        st = seen[item]
        if st[4] is None:
            st[4] = t
            st[5] = bright >= MIN_ON
        inside = any(a <= t < b for a, b in want[item])
        if any(abs(t - a) < EDGE or abs(t - b) < EDGE for a, b in want[item]):
            continue
        st[3] += 1
        on = bright >= MIN_ON
        if on:
            st[0] += 1
        else:
            st[1] += 1
        if (inside and not on) or (not inside and bright > 0):
            st[2] += 1
            if len(bad) < 10:
                bad.append("item %d at %.2f s: %d bright pixels, %s" %
                           (item, t, bright, "wanted a subtitle" if inside else "wanted none"))
    ok = True
    for item in sorted(want):
        on, off, wrong, judged, first, first_on = seen[item]
        print("item %d: %d frames judged (first at %s s, %s), %d with a subtitle, %d without, "
              "%d wrong" % (item, judged, "%.2f" % first if first is not None else "-",
                            "with a subtitle" if first_on else "without", on, off, wrong))
        if judged < 10 or wrong:
            ok = False
    for b in bad:
        print(b)
    return 0 if ok else 1


def first(path, fps):
    for _, code, _ in frames(path):
        print(code // 4096, "%.3f" % ((code % 4096) / fps))
        return 0
    return 1


def at(path, pts):
    best = None
    for p, code, _ in frames(path):
        if p is None:
            continue
        if best is None or abs(p - pts) < abs(best[0] - pts):
            best = (p, code)
    if best is None:
        return 1
    print(best[1] // 4096, best[1] % 4096)
    return 0


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "check":
        return check(sys.argv[2], float(sys.argv[3]), sys.argv[4:])
    if len(sys.argv) == 4 and sys.argv[1] == "first":
        return first(sys.argv[2], float(sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == "at":
        return at(sys.argv[2], int(sys.argv[3]))
    sys.stderr.write("usage: subcheck.py check|first|at ...\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
