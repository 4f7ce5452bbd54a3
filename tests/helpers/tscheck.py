#!/usr/bin/env python3
# tests/helpers/tscheck.py: independent checks of Retrovue's output with ffprobe and
# ffmpeg (the engine tests call it).
#
#   tscheck.py ts FILE            timestamps, gaps, A/V offset, one format
#   tscheck.py codes FILE         the burned-in frame codes, one per line
#   tscheck.py make FILE ITEM SECONDS W H FPS AUDIO...
#                                 a test clip whose frames carry a code
#
# Test clips carry, in the top quarter of each picture, 16 black/white
# blocks: the binary of (frame number + 4096 * ITEM). Compression keeps
# blocks that big intact, so the code read back from Retrovue's stream
# says which item and which frame of it aired.
import json
import subprocess
import sys


def probe(path, stream):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", stream,
                          "-show_entries", "packet=pts,dts,duration,flags", "-of", "json", path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out).get("packets", [])


def streams(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "stream=codec_type,codec_name,width,height,r_frame_rate,sample_rate,channels",
                          "-of", "json", path], check=True, capture_output=True, text=True).stdout
    return json.loads(out).get("streams", [])


def check_ts(path):
    problems = []
    v = probe(path, "v:0")
    a = probe(path, "a:0")
    if len(v) < 10 or len(a) < 10:
        print("too few packets: %d video, %d audio" % (len(v), len(a)))
        return 1
    frame = 3000  # 90 kHz at 30 fps; worked out below from the stream
    st = streams(path)
    vs = [s for s in st if s["codec_type"] == "video"]
    if len(vs) != 1:
        problems.append("expected one video stream, got %d" % len(vs))
    num, den = (int(x) for x in vs[0]["r_frame_rate"].split("/"))
    frame = 90000 * den // num
    for name, pk, step in (("video", v, frame), ("audio", a, 1920)):
        for i in range(1, len(pk)):
            p0, p1 = int(pk[i - 1]["pts"]), int(pk[i]["pts"])
            d0, d1 = int(pk[i - 1]["dts"]), int(pk[i]["dts"])
            if d1 <= d0 or p1 <= p0:
                problems.append("%s packet %d: pts %d->%d dts %d->%d not increasing" %
                                (name, i, p0, p1, d0, d1))
            if d1 - d0 > step + frame:
                problems.append("%s packet %d: gap of %d ticks" % (name, i, d1 - d0))
    off = abs(int(v[0]["pts"]) - int(a[0]["pts"]))
    if off >= frame:
        problems.append("A/V start offset %d ticks (a frame is %d)" % (off, frame))
    # One resolution and frame rate through the whole stream (every frame).
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "frame=width,height", "-of", "csv=p=0", path],
                         check=True, capture_output=True, text=True).stdout
    sizes = {l.strip().strip(",") for l in out.splitlines() if l.strip().strip(",")}
    if len(sizes) != 1:
        problems.append("resolutions: %s" % sorted(sizes))
    for p in problems[:20]:
        print(p)
    print("%d video packets, %d audio packets, %s, A/V offset %d ticks, %d problems" %
          (len(v), len(a), "/".join(sorted(sizes)), off, len(problems)))
    return 1 if problems else 0


def codes(path):
    st = [s for s in streams(path) if s["codec_type"] == "video"][0]
    w, h = int(st["width"]), int(st["height"])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "rawvideo",
                          "-pix_fmt", "gray", "-"], check=True, capture_output=True).stdout
    size = w * h
    y = h // 8
    for k in range(len(raw) // size):
        row = raw[k * size + y * w:k * size + (y + 1) * w]
        code = 0
        for bit in range(16):
            x = int((bit + 0.5) * w / 16)
            if row[x] > 128:
                code |= 1 << bit
        print(code)
    return 0


def make(path, item, seconds, w, h, fps, audio):
    vf = ("color=c=gray:s=%sx%s:r=%s:d=%s,geq=lum='if(lt(Y,H/4),"
          "255*mod(floor((N+4096*%s)/pow(2,floor(X*16/W))),2),128)':cb=128:cr=128"
          % (w, h, fps, seconds, item))
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", vf]
    cmd += audio
    cmd += ["-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-g", str(fps),
            "-pix_fmt", "yuv420p", "-c:a", "aac", path]
    subprocess.run(cmd, check=True)
    return 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "ts":
        return check_ts(sys.argv[2])
    if len(sys.argv) >= 3 and sys.argv[1] == "codes":
        return codes(sys.argv[2])
    if len(sys.argv) >= 8 and sys.argv[1] == "make":
        return make(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6],
                    sys.argv[7], sys.argv[8:])
    print(__doc__ if __doc__ else "usage: tscheck.py ts|codes|make ...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
