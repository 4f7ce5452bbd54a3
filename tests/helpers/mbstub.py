#!/usr/bin/env python3
"""A stand-in for a Jellyfin or an Emby server, for Retrovue's tests and benchmark.

It answers the requests Retrovue makes the way the servers' HTTP API
(the "MediaBrowser" API both keep) answers them: JSON query results
{"Items": [...], "TotalRecordCount": N, "StartIndex": S} paged with
StartIndex and Limit; BaseItemDto objects with the optional fields only
when asked for in Fields; the user's views; /Shows/ID/Episodes; the
episodes saved since MinDateLastSaved; Jellyfin's /MediaSegments/ID;
Emby's intro and credits as chapters with a MarkerType.

The API key: a Jellyfin stand-in takes it only in the Authorization
header of the MediaBrowser scheme (Token="..."), as Jellyfin 12 does; an
Emby stand-in only in X-Emby-Token. A key in the URL gets 400.

Its library (written for these tests, not copied from anywhere): five
movies, four series (two "Battlestar Galactica", 1978 and 2003), with
provider ids, ratings, genres, networks, paths, streams, chapters and
intro/credits; or, with --generate MOVIES,SHOWS,EPISODES, a large one.

Tests steer it through /_stub/ URLs (no key needed):
  /_stub/set?scenario=run2     what changes between two syncs (apply_run2)
  /_stub/set?scenario=shrink   one movie and one series left
  /_stub/set?scenario=full[&rekey=1][&move=1]
                               the fixture library again; rekey: new Ids;
                               move: new paths
  /_stub/set?scenario=weird    fields missing, null, of the wrong type
  /_stub/set?segments=0|1      the media segments API there or not (404)
  /_stub/fault?match=S&kind=K[&count=N]
                               requests whose path contains S fail: K is
                               401, 404, 500, hang, malformed, html
  /_stub/clear                 no faults
  /_stub/log                   the request paths so far, one a line
  /_stub/reset-log

Usage: mbstub.py --flavor jellyfin|emby --port-file FILE --api-key KEY
                 [--generate MOVIES,SHOWS,EPISODES]
"""
import argparse
import copy
import hashlib
import json
import os
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
SERVER_ID = "5f2d7a3c9b8e41d6a0c4e1f27b6d9a30"
TICKS = 10000           # per millisecond

# The fields a client gets only when it names them in Fields.
OPTIONAL = ("Path", "ProviderIds", "Genres", "Studios", "Overview", "DateLastSaved",
            "MediaSources", "MediaStreams", "Chapters", "RecursiveItemCount", "ChildCount")


def hexid(*parts):
    return hashlib.md5("/".join(str(p) for p in parts).encode()).hexdigest()


def stamp(t):
    """DateLastSaved as the servers write it: seven decimals and a Z."""
    dt = datetime.fromtimestamp(t, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%07dZ" % int(round((t % 1) * 1e7) % 10000000)


def parse_time(s):
    s = s.replace("Z", "+00:00")
    if "." in s:
        head, frac = s.split(".", 1)
        tz = ""
        for sep in ("+", "-"):
            if sep in frac:
                frac, tz = frac.split(sep, 1)
                tz = sep + tz
                break
        frac = (frac + "000000")[:6]
        s = head + "." + frac + tz
    return datetime.fromisoformat(s).timestamp()


def streams(audio=("eng",), subs=()):
    out = [{"Codec": "h264", "Type": "Video", "Index": 0, "Width": 1280, "Height": 720,
            "IsDefault": True, "Language": None}]
    for i, lang in enumerate(audio):
        out.append({"Codec": "aac", "Type": "Audio", "Index": 1 + i, "Language": lang,
                    "Channels": 2, "IsDefault": i == 0})
    for i, lang in enumerate(subs):
        out.append({"Codec": "subrip", "Type": "Subtitle", "Index": 1 + len(audio) + i,
                    "Language": lang, "IsExternal": False})
    return out


class Library:
    def __init__(self, generate=None):
        self.users = [
            {"Name": "admin", "ServerId": SERVER_ID, "Id": hexid("user", "admin"),
             "HasPassword": True, "Policy": {"IsAdministrator": True, "IsDisabled": False}},
            {"Name": "kids", "ServerId": SERVER_ID, "Id": hexid("user", "kids"),
             "HasPassword": False, "Policy": {"IsAdministrator": False, "IsDisabled": False}},
        ]
        self.views = [
            self.view("Movies", "movies"), self.view("TV Shows", "tvshows"),
            self.view("Music", "music"),
        ]
        self.movies = []        # BaseItemDto of movies (ParentId: the Movies view)
        self.series = []
        self.episodes = {}      # series Id -> [episode]
        self.segments = {}      # item Id -> [segment]
        if generate:
            self.generate(*generate)
        else:
            self.fixture()
        self.fix_counts()

    def view(self, name, ctype):
        return {"Name": name, "ServerId": SERVER_ID, "Id": hexid("view", name),
                "Type": "CollectionFolder", "CollectionType": ctype, "IsFolder": True}

    def movie(self, title, year, rating, genres, studio, ids, minutes, saved, audio=("eng",),
              subs=(), chapters=None, n=0):
        mid = hexid("movie", title, year, n)
        path = "/srv/media/movies/%s (%d)/%s (%d).mkv" % (title, year, title, year)
        ticks = minutes * 60 * 1000 * TICKS
        m = {
            "Name": title, "ServerId": SERVER_ID, "Id": mid,
            "DateCreated": stamp(saved - 86400), "DateLastSaved": stamp(saved),
            "Container": "mkv", "PremiereDate": "%d-06-15T00:00:00.0000000Z" % year,
            "OfficialRating": rating, "ProductionYear": year, "IsFolder": False,
            "Type": "Movie", "Path": path, "Overview": "%s, a film of %d." % (title, year),
            "Genres": list(genres), "Studios": [{"Name": studio, "Id": hexid("studio", studio)}],
            "ProviderIds": dict(ids), "RunTimeTicks": ticks, "MediaType": "Video",
            "LocationType": "FileSystem", "ParentId": self.views[0]["Id"],
            "MediaSources": [{"Protocol": "File", "Id": mid, "Path": path, "Type": "Default",
                              "Container": "mkv", "Size": 1500000000 + n, "Name": title,
                              "RunTimeTicks": ticks, "MediaStreams": streams(audio, subs)}],
            "MediaStreams": streams(audio, subs),
            "Chapters": chapters if chapters is not None else [],
            "UserData": {"PlaybackPositionTicks": 0, "PlayCount": 0, "IsFavorite": False,
                         "Played": False},
            "ImageTags": {"Primary": hexid("img", mid)},
        }
        return m

    def show(self, title, year, rating, genres, network, ids, saved):
        sid = hexid("series", title, year)
        return {
            "Name": title, "ServerId": SERVER_ID, "Id": sid,
            "DateCreated": stamp(saved - 86400), "DateLastSaved": stamp(saved),
            "PremiereDate": "%d-09-17T00:00:00.0000000Z" % year, "OfficialRating": rating,
            "ProductionYear": year, "IsFolder": True, "Type": "Series",
            "Path": "/srv/media/tv/%s (%d)" % (title, year),
            "Overview": "%s (%d), a series." % (title, year), "Genres": list(genres),
            "Studios": [{"Name": network, "Id": hexid("studio", network)}],
            "ProviderIds": dict(ids), "Status": "Ended", "LocationType": "FileSystem",
            "ParentId": self.views[1]["Id"], "UserData": {"UnplayedItemCount": 0},
            "ImageTags": {"Primary": hexid("img", sid)},
        }

    def episode(self, show, season, index, minutes, saved, title=None, key=None):
        eid = key or hexid("episode", show["Id"], season, index)
        name = title or "%s %dx%02d" % (show["Name"], season, index)
        folder = "%s (%d)" % (show["Name"], show["ProductionYear"])
        path = "/srv/media/tv/%s/Season %02d/%s - S%02dE%02d.mkv" % (
            folder, season, show["Name"], season, index)
        ticks = minutes * 60 * 1000 * TICKS
        return {
            "Name": name, "ServerId": SERVER_ID, "Id": eid,
            "DateCreated": stamp(saved - 86400), "DateLastSaved": stamp(saved),
            "Container": "mkv", "PremiereDate": "%d-%02d-%02dT00:00:00.0000000Z" % (
                show["ProductionYear"], 1 + season % 12, min(28, index)),
            "OfficialRating": show["OfficialRating"], "ProductionYear": show["ProductionYear"],
            "IndexNumber": index, "ParentIndexNumber": season, "IsFolder": False,
            "Type": "Episode", "SeriesName": show["Name"], "SeriesId": show["Id"],
            "SeasonId": hexid("season", show["Id"], season), "SeasonName": "Season %d" % season,
            "Path": path, "Overview": "Episode %d of season %d." % (index, season),
            "Genres": [], "Studios": [], "ProviderIds": {"Tvdb": str(9000000 + index + 100 * season)},
            "RunTimeTicks": ticks, "MediaType": "Video", "LocationType": "FileSystem",
            "ParentId": hexid("season", show["Id"], season),
            "MediaSources": [{"Protocol": "File", "Id": eid, "Path": path, "Type": "Default",
                              "Container": "mkv", "Size": 400000000 + index, "Name": name,
                              "RunTimeTicks": ticks,
                              "MediaStreams": streams(("eng", "spa"), ("eng",))}],
            "MediaStreams": streams(("eng", "spa"), ("eng",)),
            "Chapters": [
                {"StartPositionTicks": 0, "Name": "Opening", "ImageDateModified": "0001-01-01T00:00:00.0000000Z"},
                {"StartPositionTicks": 11 * 60 * 1000 * TICKS, "Name": "Act Two",
                 "ImageDateModified": "0001-01-01T00:00:00.0000000Z"},
                {"StartPositionTicks": 27 * 60 * 1000 * TICKS, "Name": "Act Three",
                 "ImageDateModified": "0001-01-01T00:00:00.0000000Z"},
            ],
            "UserData": {"PlaybackPositionTicks": 0, "PlayCount": 0, "Played": False},
        }

    def add_episodes(self, show, count, minutes, saved, season_len=20):
        eps = []
        for i in range(count):
            eps.append(self.episode(show, 1 + i // season_len, 1 + i % season_len, minutes,
                                    saved + i))
        self.episodes[show["Id"]] = eps
        for e in eps:
            ms = e["RunTimeTicks"] // TICKS
            self.segments[e["Id"]] = [
                {"Id": hexid("seg", e["Id"], "intro"), "ItemId": e["Id"], "Type": "Intro",
                 "StartTicks": 60 * 1000 * TICKS, "EndTicks": 90 * 1000 * TICKS},
                {"Id": hexid("seg", e["Id"], "outro"), "ItemId": e["Id"], "Type": "Outro",
                 "StartTicks": (ms - 90 * 1000) * TICKS, "EndTicks": ms * TICKS},
            ]

    def fixture(self):
        base = 1704100000       # early 2024
        ch = lambda *mins: [{"StartPositionTicks": int(m * 60 * 1000 * TICKS),
                             "Name": "Chapter %d" % (i + 1)} for i, m in enumerate(mins)]
        self.movies = [
            self.movie("The Long Weekend", 1978, "PG", ["Comedy"], "Harbor Pictures",
                       {"Tmdb": "40213", "Imdb": "tt0077001"}, 95, base + 10,
                       ("eng", "fra"), ("eng", "fra"), ch(0, 24, 51.5, 77), 1),
            self.movie("Night Freight", 1983, "R", ["Thriller", "Crime"], "Eastside Films",
                       {"Tmdb": "51877", "Imdb": "tt0085002"}, 104, base + 20,
                       ("eng",), ("eng",), ch(0, 30, 62), 2),
            self.movie("Signal Lost", 1991, "PG-13", ["Science Fiction"], "Orbit Studios",
                       {"Tmdb": "66201", "Imdb": "tt0102003", "Tvdb": "1409"}, 112, base + 30,
                       ("eng",), (), ch(0), 3),
            self.movie("Paper Moons", 1969, "G", ["Family"], "Harbor Pictures",
                       {"Imdb": "tt0064004"}, 88, base + 40, ("eng",), (), [], 4),
            self.movie("Cold Harbour", 2001, "de/12", ["Drama"], "Nordlicht",
                       {"Tmdb": "10455"}, 99, base + 50, ("deu", "eng"), ("eng",),
                       ch(0, 45), 5),
        ]
        bsg78 = self.show("Battlestar Galactica", 1978, "TV-PG", ["Science Fiction"], "ABC",
                          {"Tvdb": "71173", "Tmdb": "501", "Imdb": "tt0076984"}, base + 100)
        bsg03 = self.show("Battlestar Galactica", 2003, "TV-14", ["Science Fiction", "Drama"],
                          "Sci Fi", {"Tvdb": "73545", "Tmdb": "1972"}, base + 200)
        desk = self.show("Night Desk", 1985, "TV-PG", ["News", "Drama"], "WRVU",
                         {"Tvdb": "78001"}, base + 300)
        harbor = self.show("Harbor Lights", 1992, "TV-G", ["Family"], "Channel Nine",
                           {"Tvdb": "81234", "Imdb": "tt0103005"}, base + 400)
        self.series = [bsg78, bsg03, desk, harbor]
        self.add_episodes(bsg78, 4, 46, base + 1000)
        self.add_episodes(bsg03, 5, 44, base + 2000)
        self.add_episodes(desk, 3, 24, base + 3000)
        self.add_episodes(harbor, 6, 22, base + 4000)

    def generate(self, nmovies, nshows, nepisodes):
        base = 1704100000
        for i in range(nmovies):
            m = self.movie("Movie %d" % i, 1950 + i % 70, "PG", ["Drama"], "Studio %d" % (i % 9),
                           {"Imdb": "tt%07d" % (2000000 + i)}, 90 + i % 40, base + i, ("eng",),
                           (), [{"StartPositionTicks": 0, "Name": "Chapter 1"},
                                {"StartPositionTicks": 30 * 60 * 1000 * TICKS, "Name": "Chapter 2"}],
                           i)
            m["Overview"] = m["Overview"][:200]
            self.movies.append(m)
        per, extra = divmod(nepisodes, nshows)
        for i in range(nshows):
            s = self.show("Show %d" % i, 1960 + i % 60, "TV-PG", ["Drama"], "Network %d" % (i % 7),
                          {"Tvdb": str(300000 + i)}, base + i)
            self.series.append(s)
            self.add_episodes(s, per + (1 if i < extra else 0), 22, base + 100000 + i * 1000)

    def fix_counts(self):
        for s in self.series:
            eps = self.episodes.get(s["Id"], [])
            s["RecursiveItemCount"] = len(eps)
            s["ChildCount"] = len({e["ParentIndexNumber"] for e in eps})

    def find(self, key):
        """The item with Id key (an index, built again after every change)."""
        index = getattr(self, "index", None)
        if index is None:
            index = {}
            for e in [i for eps in self.episodes.values() for i in eps] + self.series + self.movies:
                if isinstance(e, dict) and isinstance(e.get("Id"), str):
                    index[e["Id"]] = e
            self.index = index
        return index.get(key)

    def by_name(self, name, year=None):
        for s in self.series:
            if s["Name"] == name and (year is None or s["ProductionYear"] == year):
                return s
        return None

    def apply_run2(self):
        later = 1735700000      # 2025
        # "Night Freight" is renamed (a new save).
        for m in self.movies:
            if m["Name"] == "Night Freight":
                m["Name"] = "Night Freight (Director's Cut)"
                m["DateLastSaved"] = stamp(later)
        # "Paper Moons" leaves the library.
        self.movies = [m for m in self.movies if m["Name"] != "Paper Moons"]
        # "Harbor Lights" leaves entirely.
        harbor = self.by_name("Harbor Lights")
        self.series.remove(harbor)
        self.episodes.pop(harbor["Id"])
        # Night Desk: one episode renamed, nothing else: the series' own stamp
        # and count stay, only MinDateLastSaved can tell.
        desk = self.by_name("Night Desk")
        ep = self.episodes[desk["Id"]][1]
        ep["Name"] = "The Late Edition"
        ep["DateLastSaved"] = stamp(later + 10)
        # Battlestar Galactica (2003): one episode gone, one added; the series is saved again.
        bsg = self.by_name("Battlestar Galactica", 2003)
        eps = self.episodes[bsg["Id"]]
        del eps[4]
        new = self.episode(bsg, 2, 1, 44, later + 20, "Scattered")
        eps.append(new)
        self.segments[new["Id"]] = []
        bsg["DateLastSaved"] = stamp(later + 20)
        self.fix_counts()

    def apply_shrink(self):
        self.movies = self.movies[:1]
        for s in self.series[1:]:
            self.episodes.pop(s["Id"], None)
        self.series = self.series[:1]
        self.fix_counts()

    def apply_full(self, rekey, move):
        self.movies, self.series, self.episodes, self.segments = [], [], {}, {}
        self.fixture()
        if rekey:
            for m in self.movies:
                m["Id"] = hexid("rekeyed", m["Id"])
            new = {}
            for s in self.series:
                old = s["Id"]
                s["Id"] = hexid("rekeyed", old)
                eps = self.episodes.pop(old)
                for e in eps:
                    seg = self.segments.pop(e["Id"], [])
                    e["Id"] = hexid("rekeyed", e["Id"])
                    e["SeriesId"] = s["Id"]
                    self.segments[e["Id"]] = seg
                new[s["Id"]] = eps
            self.episodes = new
        if move:
            for m in self.movies + [e for el in self.episodes.values() for e in el]:
                m["Path"] = "/moved" + m["Path"]
                for src in m.get("MediaSources") or []:
                    src["Path"] = "/moved" + src["Path"]
        self.fix_counts()

    def apply_weird(self):
        m = self.movies
        m[0]["ProductionYear"] = "nineteen"
        m[0]["Genres"] = None
        m[1]["Name"] = None
        m[1]["Path"] = None
        m[1]["MediaSources"] = []
        m[2]["ProviderIds"] = "imdb"
        m[2]["RunTimeTicks"] = "long"
        m[0]["Chapters"] = [{"StartPositionTicks": "x"}, 7, {"Name": "no time"}]
        m.append({"Name": "No Id at all", "Type": "Movie"})
        m.append([1, 2, 3])
        s = self.series[0]
        s["RecursiveItemCount"] = "many"
        s["OfficialRating"] = 14
        eps = self.episodes[s["Id"]]
        eps[0]["IndexNumber"] = None
        eps[1]["ParentIndexNumber"] = "one"
        eps[2]["DateLastSaved"] = "yesterday"


class State:
    def __init__(self, lib, flavor, key):
        self.lib = lib
        self.flavor = flavor
        self.key = key
        self.faults = []
        self.log = []
        self.cache = {}
        self.segments = flavor == "jellyfin"


def trim(item, fields):
    """The optional fields only when asked for, as the servers do."""
    if not isinstance(item, dict):
        return item
    return {k: v for k, v in item.items() if k not in OPTIONAL or k in fields}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Kestrel"
    disable_nagle_algorithm = True      # headers and body go as they are written

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype="application/json; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authorized(self, st, q):
        if any(k.lower() in ("api_key", "apikey") for k in q):
            return "in-url"
        if not st.key:
            return "ok"
        if st.flavor == "jellyfin":
            auth = self.headers.get("Authorization") or ""
            if not auth.startswith("MediaBrowser "):
                return "no"
            for part in auth[len("MediaBrowser "):].split(","):
                name, _, value = part.strip().partition("=")
                if name == "Token" and value.strip('"') == st.key:
                    return "ok"
            return "no"
        return "ok" if self.headers.get("X-Emby-Token") == st.key else "no"

    def do_GET(self):
        st = self.server.state
        url = urllib.parse.urlsplit(self.path)
        q = {k: v for k, v in urllib.parse.parse_qsl(url.query, keep_blank_values=True)}
        if url.path.startswith("/_stub/"):
            return self.control(st, url.path, q)
        with LOCK:
            st.log.append(self.path)
        fault = self.fault(st, self.path)
        if fault == "hang":
            time.sleep(120)
            return
        auth = self.authorized(st, q)
        if auth == "in-url":
            return self.send(400, b'{"message":"the API key belongs in a header"}')
        if fault == "401" or auth != "ok":
            return self.send(401, b"", "text/plain")
        if fault in ("404", "500"):
            return self.send(int(fault), b"", "text/plain")
        if fault == "html":
            return self.send(200, b"<!DOCTYPE html><html><body>Login</body></html>", "text/html")
        key = self.path
        with LOCK:
            cached = st.cache.get(key)
        if cached is None:
            doc = self.route(st, url.path, {k.lower(): v for k, v in q.items()})
            if doc is None:
                return self.send(404, b"", "text/plain")
            cached = json.dumps(doc).encode()
            with LOCK:
                st.cache[key] = cached
        body = cached
        if fault == "malformed":
            body = body[:len(body) // 2]
        return self.send(200, body)

    def fault(self, st, path):
        with LOCK:
            for f in st.faults:
                if f[0] in path and (f[2] is None or f[2] > 0):
                    if f[2] is not None:
                        f[2] -= 1
                    return f[1]
        return None

    def control(self, st, path, q):
        with LOCK:
            st.cache = {}
            st.lib.index = None
            if path == "/_stub/set":
                sc = q.get("scenario")
                if sc == "run2":
                    st.lib.apply_run2()
                elif sc == "shrink":
                    st.lib.apply_shrink()
                elif sc == "full":
                    st.lib.apply_full(q.get("rekey") == "1", q.get("move") == "1")
                elif sc == "weird":
                    st.lib.apply_weird()
                if "segments" in q:
                    st.segments = q["segments"] == "1"
                body = b"ok\n"
            elif path == "/_stub/fault":
                count = int(q["count"]) if "count" in q else None
                st.faults.append([q.get("match", ""), q.get("kind", "500"), count])
                body = b"ok\n"
            elif path == "/_stub/clear":
                st.faults = []
                body = b"ok\n"
            elif path == "/_stub/log":
                body = ("\n".join(st.log) + "\n").encode()
            elif path == "/_stub/reset-log":
                st.log = []
                body = b"ok\n"
            else:
                body = b"unknown\n"
        self.send(200, body, "text/plain")

    def user(self, st, uid):
        return next((u for u in st.lib.users if u["Id"] == uid), None)

    def views_of(self, st, user):
        if user["Policy"]["IsAdministrator"]:
            return st.lib.views
        return [v for v in st.lib.views if v["CollectionType"] == "tvshows"]

    def page(self, items, q):
        total = len(items)
        start = int(q.get("startindex") or 0)
        limit = q.get("limit")
        items = items[start:start + int(limit)] if limit is not None else items[start:]
        return {"Items": items, "TotalRecordCount": total, "StartIndex": start}

    def items(self, st, q):
        lib = st.lib
        fields = set((q.get("fields") or "").split(","))
        types = set((q.get("includeitemtypes") or "").split(",")) - {""}
        parent = q.get("parentid")
        out = []
        if parent in (lib.views[0]["Id"],):
            out = [m for m in lib.movies if not types or "Movie" in types]
        elif parent == lib.views[1]["Id"]:
            if not types or "Series" in types:
                out += lib.series
            if "Episode" in types:
                out += [e for s in lib.series for e in lib.episodes.get(s["Id"], [])]
        elif parent is not None and lib.find(parent) is not None:
            if "Episode" in types or not types:
                out = list(lib.episodes.get(parent, []))
        elif parent is not None:
            return None
        if "searchterm" in q:
            t = q["searchterm"].lower()
            out = [i for i in out if isinstance(i, dict) and isinstance(i.get("Name"), str)
                   and t in i["Name"].lower()]
        if "mindatelastsaved" in q:
            since = parse_time(q["mindatelastsaved"])
            def saved(i):
                try:
                    return parse_time(i.get("DateLastSaved") or "")
                except (ValueError, AttributeError):
                    return 0
            out = [i for i in out if isinstance(i, dict) and saved(i) >= since]
        return self.page([trim(i, fields) for i in out], q)

    def route(self, st, path, q):
        lib = st.lib
        parts = [p for p in path.split("/") if p]
        if path == "/System/Info":
            return {"ServerName": "Retrovue Test %s" % st.flavor.capitalize(),
                    "Version": "10.10.3" if st.flavor == "jellyfin" else "4.8.10.0",
                    "ProductName": "Jellyfin Server" if st.flavor == "jellyfin" else "Emby Server",
                    "OperatingSystem": "Linux", "Id": SERVER_ID, "StartupWizardCompleted": True}
        if path == "/Users":
            return copy.deepcopy(lib.users)
        if path == "/UserViews" and st.flavor == "jellyfin":
            u = self.user(st, q.get("userid"))
            return None if u is None else {"Items": self.views_of(st, u),
                                           "TotalRecordCount": len(self.views_of(st, u)),
                                           "StartIndex": 0}
        if len(parts) == 3 and parts[0] == "Users" and parts[2] == "Views":
            u = self.user(st, parts[1])
            return None if u is None else {"Items": self.views_of(st, u),
                                           "TotalRecordCount": len(self.views_of(st, u)),
                                           "StartIndex": 0}
        if path == "/Items" and st.flavor == "jellyfin":
            if self.user(st, q.get("userid")) is None:
                return None
            return self.items(st, q)
        if len(parts) == 3 and parts[0] == "Users" and parts[2] == "Items":
            if self.user(st, parts[1]) is None:
                return None
            return self.items(st, q)
        if len(parts) == 3 and parts[0] == "Shows" and parts[2] == "Episodes":
            if lib.find(parts[1]) is None or parts[1] not in lib.episodes:
                return None
            fields = set((q.get("fields") or "").split(","))
            return self.page([trim(e, fields) for e in lib.episodes[parts[1]]], q)
        if len(parts) == 2 and parts[0] == "MediaSegments" and st.segments:
            if lib.find(parts[1]) is None:
                return None
            segs = lib.segments.get(parts[1], [])
            return {"Items": segs, "TotalRecordCount": len(segs), "StartIndex": 0}
        return None


def emby_chapters(lib):
    """Emby keeps intro and credits as chapters marked IntroStart, IntroEnd, CreditsStart."""
    for eps in lib.episodes.values():
        for e in eps:
            marks = []
            for s in lib.segments.get(e["Id"], []):
                if s["Type"] == "Intro":
                    marks.append({"StartPositionTicks": s["StartTicks"], "Name": "Intro",
                                  "MarkerType": "IntroStart"})
                    marks.append({"StartPositionTicks": s["EndTicks"], "Name": "Intro End",
                                  "MarkerType": "IntroEnd"})
                elif s["Type"] == "Outro":
                    marks.append({"StartPositionTicks": s["StartTicks"], "Name": "Credits",
                                  "MarkerType": "CreditsStart"})
            for c in e["Chapters"]:
                c["MarkerType"] = "Chapter"
            e["Chapters"] = sorted(e["Chapters"] + marks, key=lambda c: c["StartPositionTicks"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flavor", choices=("jellyfin", "emby"), default="jellyfin")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--api-key", default="")
    ap.add_argument("--generate", default="")
    ap.add_argument("--port", type=int, default=0, help="listen here (0: any free port)")
    args = ap.parse_args()
    gen = tuple(int(x) for x in args.generate.split(",")) if args.generate else None
    lib = Library(gen)
    if args.flavor == "emby":
        emby_chapters(lib)
        orig = Library.apply_full
        def full(self, rekey, move):
            orig(self, rekey, move)
            emby_chapters(self)
        Library.apply_full = full
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(lib, args.flavor, args.api_key)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
