#!/usr/bin/env python3
"""alertline.py: the timeline of an emergency alert, measured from a
channel's sound alone (s16le mono, 22050 Hz, as multimon-ng reads it).

Each 50 ms window is sorted by where its energy is: the SAME bursts
(AFSK at 1562.5 and 2083 1/3 Hz), the attention signal (853 + 960 Hz),
the programme (a test tone, --tone Hz), silence, or anything else, which
in an alert is the spoken message. Prints one "name seconds" line per
point (seconds from the start of the recording; -1 when not found):

  header       the first burst of the header
  attention    the attention signal's start
  attention_end
  voice        the spoken message's start (after the attention signal)
  voice_end    its last sound before the end of message
  eom          the end of message's first burst
  eom_end      its last burst
  programme    the programme's tone back after the end of message (after
               the voice when there is none)
  tone_between seconds of programme tone between voice_end and eom
  programme_all  seconds of programme tone in all (after --after)
"""
import argparse
import math
import struct
import sys

RATE = 22050
WIN = RATE // 20


def goertzel(seg, hz):
    k = 2 * math.cos(2 * math.pi * hz / RATE)
    s1 = s2 = 0.0
    for x in seg:
        s1, s2 = x + k * s1 - s2, s1
    return (s1 * s1 + s2 * s2 - k * s1 * s2) / len(seg)


def classify(seg, tone):
    energy = sum(x * x for x in seg) / len(seg)
    if energy < 2000:           # under about -42 dBFS
        return "silence"
    # A pure tone's Goertzel power is about N/4 of its mean square.
    scale = len(seg) / 4
    afsk = (goertzel(seg, 1562.5) + goertzel(seg, 6250 / 3)) / scale
    att = (goertzel(seg, 853), goertzel(seg, 960))
    prog = goertzel(seg, tone) / scale
    if afsk > 0.5 * energy:
        return "afsk"
    if att[0] / scale > 0.25 * energy and att[1] / scale > 0.25 * energy:
        return "attention"
    if prog > 0.6 * energy:
        return "programme"
    return "other"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--tone", type=float, default=440)
    ap.add_argument("--after", type=float, default=0, help="look from this second")
    args = ap.parse_args()
    raw = open(args.raw, "rb").read()
    s = struct.unpack("<%dh" % (len(raw) // 2), raw)
    skip = int(args.after * 20) * WIN
    kinds = [classify(s[i:i + WIN], args.tone) if i >= skip else "skipped"
             for i in range(0, len(s) - WIN, WIN)]
    t = lambda i: i * WIN / RATE
    first = lambda kind, frm: next((i for i in range(frm, len(kinds)) if kinds[i] == kind), -1)
    # Speech: "other" windows next to another; a lone one straddles the
    # edge of a tone (the attention signal's end, the first burst's start).
    speech = lambda i: kinds[i] == "other" and (
        (i + 1 < len(kinds) and kinds[i + 1] == "other") or (i > 0 and kinds[i - 1] == "other"))
    out = dict.fromkeys(["header", "attention", "attention_end", "voice", "voice_end", "eom",
                         "eom_end", "programme"], -1.0)
    out["tone_between"] = 0.0
    h = first("afsk", int(args.after * 20))
    # Without SAME bursts (alert audio tone) the attention signal comes first.
    a = first("attention", h if h >= 0 else int(args.after * 20))
    if h >= 0:
        out["header"] = t(h)
    if a >= 0:
        out["attention"] = t(a)
        ae = a
        while ae + 1 < len(kinds) and kinds[ae + 1] == "attention":
            ae += 1
        out["attention_end"] = t(ae + 1)
        v = next((i for i in range(ae + 1, len(kinds)) if speech(i)), -1)
        e = first("afsk", ae + 1)
        if v >= 0 and (e < 0 or v < e):
            out["voice"] = t(v)
            ve = max(i for i in range(v, e if e >= 0 else len(kinds)) if speech(i))
            out["voice_end"] = t(ve + 1)
            out["tone_between"] = sum(1 for i in range(ve + 1, e if e >= 0 else len(kinds))
                                      if kinds[i] == "programme") / 20
        if e < 0 and v >= 0:
            p = first("programme", ve + 1)
            if p >= 0:
                out["programme"] = t(p)
        if e >= 0:
            out["eom"] = t(e)
            # Three bursts, a second of silence after each: the last within 5 s.
            ee = max(i for i in range(e, min(len(kinds), e + 100)) if kinds[i] == "afsk")
            out["eom_end"] = t(ee + 1)
            p = first("programme", ee + 1)
            if p >= 0:
                out["programme"] = t(p)
    out["programme_all"] = kinds.count("programme") / 20
    for k, v in out.items():
        print("%s %.2f" % (k, v))


if __name__ == "__main__":
    sys.exit(main())
