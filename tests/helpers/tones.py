#!/usr/bin/env python3
"""The tones of an audio stream, window by window: which test tone aired when.

    tones.py FILE [STREAM [WINDOW_S]]

decodes STREAM (an ffmpeg stream specifier, default a:0) of FILE to mono
48 kHz and prints, for each WINDOW_S (default 0.25 s) with sound, its start
(seconds from the stream's first sample), its pitch in Hz (from zero
crossings: test tones are pure sines) and its level in dBFS.
"""
import math
import struct
import subprocess
import sys


def windows(path, stream="a:0", win_s=0.25):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:" + stream, "-ac", "1",
                          "-ar", "48000", "-f", "s16le", "-"], check=True,
                         capture_output=True).stdout
    s = struct.unpack("<%dh" % (len(raw) // 2), raw)
    w = int(48000 * win_s)
    out = []
    for i in range(0, len(s) - w, w):
        x = s[i:i + w]
        rms = math.sqrt(sum(v * v for v in x) / w) / 32768
        if rms < 1e-4:
            out.append((i / 48000, 0, -120.0))
            continue
        zc = sum(1 for a, b in zip(x, x[1:]) if (a < 0) != (b < 0))
        out.append((i / 48000, round(zc / 2 / win_s), 20 * math.log10(rms)))
    return out


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    stream = sys.argv[2] if len(sys.argv) > 2 else "a:0"
    win = float(sys.argv[3]) if len(sys.argv) > 3 else 0.25
    for t, hz, db in windows(sys.argv[1], stream, win):
        print("%.2f %d %.1f" % (t, hz, db))


if __name__ == "__main__":
    main()
