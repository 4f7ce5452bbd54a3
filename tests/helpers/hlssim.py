#!/usr/bin/env python3
"""A live HLS player, simulated: what a viewer of a channel would live through.

It tunes in the way hls.js does with its default live settings: it loads
the playlist, starts three target durations behind the live edge (or at
the first segment when the playlist is shorter than that), downloads
segments in order, and plays in real time from the moment its first
segment is in. It reloads the playlist as hls.js does (after the last
segment's duration near the live edge, the target duration otherwise, half
of it when nothing changed). A stall is the play position reaching the end
of what is downloaded.

    hlssim.py URL SECONDS [--json] [-v] [--audio LANG (as the playlist has it: es)]

prints (or returns as JSON): time to the first playlist and the first
playable segment, the media the playlist holds 1 and 2 s after the first
request, the stalls (count and seconds), how far behind the schedule the
viewer watches (from EXT-X-PROGRAM-DATE-TIME), and the buffer's low point
after the start.

A master playlist is followed as hls.js does: its (first) variant plays,
and an audio rendition with a URI of its own (the one in LANG, else the
DEFAULT=YES one) is loaded beside it, segment for segment: "audio" then
says which (language, name), how many of its segments came, how many
the variant had that it lacked (missing), and how many did not match the
variant's in number, duration and date (misaligned).
"""
import calendar
import json
import sys
import time
import urllib.request


def parse(text):
    """(target, media sequence, [(seq, duration, pdt seconds or None)])."""
    target, seq, segs, dur, pdt = 2.0, 0, [], None, None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXT-X-TARGETDURATION:"):
            target = float(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            seq = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            v = line.split(":", 1)[1].rstrip("Z")
            main, _, frac = v.partition(".")
            pdt = calendar.timegm(time.strptime(main, "%Y-%m-%dT%H:%M:%S")) + \
                float("0." + (frac or "0"))
        elif line.startswith("#EXTINF:"):
            dur = float(line.split(":", 1)[1].split(",")[0])
        elif line and not line.startswith("#"):
            segs.append((seq + len(segs), dur or target, pdt, line))
            dur = pdt = None
    return target, segs


VERBOSE = False


def attributes(line):
    """The attribute list of a tag line as a dict (quoted values unquoted)."""
    out, rest = {}, line.split(":", 1)[1]
    while rest:
        key, _, rest = rest.partition("=")
        if rest.startswith('"'):
            val, _, rest = rest[1:].partition('"')
            rest = rest[1:] if rest.startswith(",") else rest
        else:
            val, _, rest = rest.partition(",")
        out[key.strip()] = val
    return out


def master(url, text, lang):
    """(variant URL, audio rendition dict with its URL or None, all renditions)."""
    media, variant, lines = [], None, text.splitlines()
    for i, line in enumerate(lines):
        line = line.strip()
        if line.startswith("#EXT-X-MEDIA:"):
            media.append(attributes(line))
        elif line.startswith("#EXT-X-STREAM-INF:") and variant is None:
            for nxt in lines[i + 1:]:
                if nxt.strip() and not nxt.startswith("#"):
                    variant = nxt.strip()
                    break
    base = url.rsplit("/", 1)[0] + "/"
    audio = [m for m in media if m.get("TYPE") == "AUDIO"]
    pick = None
    for m in audio:
        if lang and m.get("LANGUAGE", "").lower().split("-")[0] == lang.lower():
            pick = m
            break
    if pick is None:
        pick = next((m for m in audio if m.get("DEFAULT") == "YES"), None)
    if pick is not None and "URI" in pick:
        pick = dict(pick, url=base + pick["URI"])
    elif pick is not None:
        pick = dict(pick, url=None)
    return base + variant, pick, media


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def simulate(url, seconds, lang=None):
    t0 = time.monotonic()
    text = get(url).decode()
    rendition, renditions = None, []
    if "#EXT-X-STREAM-INF:" in text:
        url, rendition, renditions = master(url, text, lang)
    base = url.rsplit("/", 1)[0] + "/"
    a_url = rendition["url"] if rendition is not None else None
    a_base = a_url.rsplit("/", 1)[0] + "/" if a_url else None
    a_known = {}
    a_stats = {"segments": 0, "missing": 0, "misaligned": 0}

    def reload_audio():
        _, segs = parse(get(a_url).decode())
        for seq, dur, pdt, name in segs:
            a_known.setdefault(seq, (dur, pdt, name))

    def fetch_audio(seq, dur, pdt):
        if seq not in a_known:
            reload_audio()
        if seq not in a_known:
            a_stats["missing"] += 1
            return
        adur, apdt, aname = a_known[seq]
        if len(get(a_base + aname)) == 0:
            raise SystemExit("audio segment %s is empty" % aname)
        a_stats["segments"] += 1
        if abs(adur - dur) > 0.001 or (pdt is not None and apdt != pdt):
            a_stats["misaligned"] += 1

    known = {}                      # seq -> (duration, pdt, name)
    target = 2.0
    playlist_at = []                # (seconds since t0, media seconds listed)
    first_playlist = None
    next_reload = 0.0
    last_count = 0

    def reload():
        nonlocal target, first_playlist, next_reload, last_count
        target, segs = parse(get(url).decode())
        now = time.monotonic() - t0
        if first_playlist is None:
            first_playlist = now
        for seq, dur, pdt, name in segs:
            known.setdefault(seq, (dur, pdt, name))
        playlist_at.append((now, sum(d for _, d, _, _ in segs)))
        updated = len(known) != last_count
        last_count = len(known)
        if not updated:
            interval = target / 2
        elif segs and segs[-1][1] < target:
            interval = segs[-1][1]
        else:
            interval = target
        next_reload = now + interval
        return segs

    segs = reload()
    # Where a live client starts: three target durations from the end.
    total = sum(d for _, d, _, _ in segs)
    start_seq, skip = segs[0][0], 0.0
    if total >= 3 * target:
        back, acc = 3 * target, 0.0
        for seq, d, _, _ in reversed(segs):
            acc += d
            start_seq = seq
            if acc >= back:
                skip = acc - back   # hls.js seeks into the fragment
                break

    want = start_seq
    buffered = 0.0                  # media seconds downloaded from the start point
    position = None                 # media seconds played
    play_wall = None                # wall time (since t0) when playback (re)started
    play_pos0 = 0.0
    stalls, stall_s, stalled_at = 0, 0.0, None
    first_frame = None
    low = None
    behind = []
    media_pdt0 = None
    while True:
        now = time.monotonic() - t0
        if play_wall is not None and now - play_wall + play_pos0 >= buffered and stalled_at is None:
            # The play position has reached the end of the buffer.
            stalled_at = play_wall + (buffered - play_pos0)
            stalls += 1
            if VERBOSE:
                sys.stderr.write("stall at %.3f s: played %.3f s of %.3f s downloaded\n" %
                                 (stalled_at, buffered, buffered))
        if first_frame is not None and now - first_frame >= seconds:
            break
        if now >= next_reload:
            reload()
        if want in known:
            dur, pdt, name = known[want]
            data = get(base + name)
            if len(data) == 0:
                raise SystemExit("segment %s is empty" % name)
            if a_url is not None:
                fetch_audio(want, dur, pdt)
            now = time.monotonic() - t0
            if media_pdt0 is None and pdt is not None:
                media_pdt0 = pdt + (skip if want == start_seq else 0)
            buffered += dur - (skip if want == start_seq else 0)
            want += 1
            if first_frame is None:
                first_frame = now
                play_wall, play_pos0 = now, 0.0
            elif stalled_at is not None:
                stall_s += now - stalled_at
                play_wall, play_pos0 = now, buffered - dur
                stalled_at = None
            if play_wall is not None:
                pos = now - play_wall + play_pos0
                ahead = buffered - pos
                if now - first_frame > 1.0:
                    low = ahead if low is None else min(low, ahead)
                if media_pdt0 is not None:
                    behind.append(time.time() - (media_pdt0 + pos))
            continue
        # Nothing to download: wait for the next reload (or the end).
        time.sleep(max(0.0, min(next_reload - (time.monotonic() - t0), 0.05)))

    def listed(at):
        best = 0.0
        for when, media in playlist_at:
            if when <= at:
                best = media
        return best

    r = {
        "first_playlist_s": round(first_playlist, 3),
        "first_frame_s": round(first_frame, 3),
        "start": "live edge - 3 targets" if total >= 3 * target else "first segment",
        "listed_1s": round(listed(1.0), 3),
        "listed_2s": round(listed(2.0), 3),
        "stalls": stalls,
        "stalled_s": round(stall_s, 3),
        "buffer_low_s": round(low, 3) if low is not None else None,
        "behind_s": round(sorted(behind)[len(behind) // 2], 3) if behind else None,
        "played_s": seconds,
    }
    if rendition is not None:
        r["renditions"] = [m.get("NAME") for m in renditions]
        r["audio"] = dict(a_stats, language=rendition.get("LANGUAGE"),
                          name=rendition.get("NAME"), uri=rendition.get("URI"))
    return r


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    global VERBOSE
    VERBOSE = "-v" in sys.argv
    lang = sys.argv[sys.argv.index("--audio") + 1] if "--audio" in sys.argv else None
    r = simulate(sys.argv[1], float(sys.argv[2]), lang)
    if "--json" in sys.argv:
        print(json.dumps(r))
    else:
        for k, v in r.items():
            print("%s %s" % (k, v))


if __name__ == "__main__":
    main()
