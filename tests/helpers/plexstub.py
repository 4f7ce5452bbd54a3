#!/usr/bin/env python3
"""A stand-in for Plex Media Server, for Retrovue's tests and benchmark.

It answers the requests Retrovue makes as PMS does: JSON when the client
sends Accept: application/json, XML otherwise; X-Plex-Token checked;
X-Plex-Container-Start/Size paging with totalSize; the title filter and
includeGuids on /library/sections/N/all; allLeaves. Its library is built
from the real PMS responses in the fixtures directory (plex/json and
plex/xml), with two "Battlestar Galactica" shows (1978 and 2003) cloned from
the real show and episode records.

Tests steer it through /_stub/ URLs (no token needed):
  /_stub/set?scenario=run2     updatedAt changes, a new and a changed
                               episode, deletions (see apply_run2)
  /_stub/set?scenario=weird    fields missing, null and of the wrong type
  /_stub/set?scenario=shrink   the libraries suddenly answer with one movie
                               and one show (a server rebuilding its index)
  /_stub/set?scenario=full[&rekey=1][&move=1]
                               the whole fixture library again; rekey: new
                               ratingKeys (a rebuilt library), move: new
                               file paths (the same items, GUIDs kept)
  /_stub/set?format=xml        answer XML even to JSON requests
  /_stub/fault?match=S&kind=K[&count=N]
                               requests whose path contains S fail: K is
                               401, 404, 500, hang, malformed, badxml, html;
                               count N times (default: always)
  /_stub/clear                 no faults
  /_stub/log                   the request paths so far, one a line
  /_stub/reset-log

Usage: plexstub.py --fixtures DIR --port-file FILE [--token T]
                   [--generate MOVIES,SHOWS,EPISODES]
"""
import argparse
import copy
import json
import os
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def load_json(fixtures, name):
    with open(os.path.join(fixtures, "plex", "json", name), encoding="utf-8") as f:
        return json.load(f)


class Library:
    """Sections, their items and the episodes of each show."""

    def __init__(self, fixtures, generate=None):
        self.fixtures = fixtures
        self.sections = self.load_sections()
        self.movies = {}        # section key -> [movie]
        self.shows = {}         # section key -> [show]
        self.episodes = {}      # show ratingKey -> [episode]
        self.templates()
        if generate:
            self.generate(*generate)
        else:
            self.fixture_library()
        self.fix_counts()

    def load_sections(self):
        path = os.path.join(self.fixtures, "plex", "xml", "library_sections.movie_show_artist.xml")
        root = ET.parse(path).getroot()
        out = []
        for d in root.findall("Directory"):
            s = dict(d.attrib)
            s["Location"] = [dict(l.attrib) for l in d.findall("Location")]
            for k in ("updatedAt", "createdAt", "scannedAt", "contentChangedAt"):
                if k in s:
                    s[k] = int(s[k])
            out.append(s)
        return out

    def templates(self):
        movies = load_json(self.fixtures, "library_sections_1_all.movies.json")
        self.t_movies = movies["MediaContainer"]["Metadata"]
        for name in ("library_metadata_1036.movie_plex_agent_guids.json",
                     "library_metadata_108.movie_legacy_agent.json",
                     "library_metadata_159637.movie_two_media.json"):
            m = load_json(self.fixtures, name)["MediaContainer"]["Metadata"][0]
            for k in ("librarySectionTitle", "librarySectionID", "librarySectionKey"):
                m.pop(k, None)
            # The full record replaces the listing's entry for the same item.
            self.t_movies = [t for t in self.t_movies if t["ratingKey"] != m["ratingKey"]]
            self.t_movies.append(m)
        shows = load_json(self.fixtures, "library_sections_2_all.shows.json")
        self.t_shows = shows["MediaContainer"]["Metadata"]
        eps = load_json(self.fixtures, "library_metadata_89_children.episodes.json")
        self.t_episodes = eps["MediaContainer"]["Metadata"]

    def clone_show(self, base, key, title, year, guid, guids):
        s = copy.deepcopy(base)
        s["ratingKey"] = key
        s["key"] = "/library/metadata/%s/children" % key
        s["title"] = title
        s["year"] = year
        s["guid"] = guid
        s.pop("titleSort", None)
        if guids:
            s["Guid"] = [{"id": g} for g in guids]
        s["originallyAvailableAt"] = "%d-09-17" % year
        return s

    def clone_episode(self, base, show, key, season, index, updated):
        e = copy.deepcopy(base)
        e["ratingKey"] = str(key)
        e["key"] = "/library/metadata/%s" % key
        e["grandparentRatingKey"] = show["ratingKey"]
        e["grandparentTitle"] = show["title"]
        e["grandparentKey"] = "/library/metadata/%s" % show["ratingKey"]
        e["title"] = "%s %dx%02d" % (show["title"], season, index)
        e["index"] = index
        e["parentIndex"] = season
        e["year"] = show["year"]
        e["guid"] = "com.plexapp.agents.thetvdb://%s/%d/%d?lang=en" % (show["ratingKey"], season, index)
        e["updatedAt"] = updated
        e["contentRating"] = show.get("contentRating", "TV-14")
        folder = "%s (%d)" % (show["title"], show["year"])
        part = e["Media"][0]["Part"][0]
        part["file"] = "/data/TV-Shows/%s/Season %02d/%s - S%02dE%02d.mkv" % (
            folder, season, show["title"], season, index)
        part["id"] = key
        e["Media"][0]["id"] = key
        e["duration"] = 1320000 + (key % 120) * 1000
        e["Media"][0]["duration"] = e["duration"]
        part["duration"] = e["duration"]
        return e

    def fixture_library(self):
        self.movies["1"] = copy.deepcopy(self.t_movies)
        the100, got = copy.deepcopy(self.t_shows[0]), copy.deepcopy(self.t_shows[1])
        bsg78 = self.clone_show(self.t_shows[0], "1001", "Battlestar Galactica", 1978,
                                "plex://show/5d9c086c46115600200aa2fe",
                                ["imdb://tt0076984", "tmdb://501", "tvdb://71173"])
        bsg03 = self.clone_show(self.t_shows[0], "1002", "Battlestar Galactica", 2003,
                                "com.plexapp.agents.thetvdb://73545?lang=en", ["tmdb://1972"])
        bsg03["contentRating"] = "TV-14"
        bsg78["contentRating"] = "TV-PG"
        self.shows["2"] = [the100, got, bsg78, bsg03]
        self.episodes["22"] = copy.deepcopy(self.t_episodes)
        key = 5000
        for show, count in ((got, 3), (bsg78, 4), (bsg03, 5)):
            eps = []
            for i in range(1, count + 1):
                key += 1
                eps.append(self.clone_episode(self.t_episodes[i % len(self.t_episodes)], show,
                                              key, 1, i, 1600000000 + key))
                if show is bsg78:
                    add_marks(eps[-1], key)
            self.episodes[show["ratingKey"]] = eps

    def generate(self, nmovies, nshows, nepisodes):
        movies = []
        for i in range(nmovies):
            m = copy.deepcopy(self.t_movies[i % len(self.t_movies)])
            key = 100000 + i
            m["ratingKey"] = str(key)
            m["key"] = "/library/metadata/%d" % key
            m["title"] = "%s %d" % (m["title"], i)
            m["guid"] = "com.plexapp.agents.imdb://tt%07d?lang=en" % (1000000 + i)
            m.pop("Guid", None)
            m["updatedAt"] = 1600000000 + i
            m["Media"] = m["Media"][:1]
            m["Media"][0]["Part"][0]["file"] = "/data/Movies/Movie %d (%d).mkv" % (i, m.get("year", 2000))
            for k in ("Role", "Similar", "Producer", "Writer", "Rating", "Country", "Collection"):
                m.pop(k, None)
            for p in m["Media"][0]["Part"]:
                p.pop("Stream", None)
            movies.append(m)
        self.movies["1"] = movies
        shows = []
        key = 500000
        per = nepisodes // nshows
        extra = nepisodes % nshows
        for i in range(nshows):
            s = self.clone_show(self.t_shows[i % 2], str(200000 + i), "Show %d" % i, 1960 + i % 60,
                                "com.plexapp.agents.thetvdb://%d?lang=en" % (300000 + i), None)
            s["updatedAt"] = 1600000000 + i
            for k in ("Role", "Collection"):
                s.pop(k, None)
            shows.append(s)
            eps = []
            count = per + (1 if i < extra else 0)
            for j in range(count):
                key += 1
                e = self.clone_episode(self.t_episodes[j % len(self.t_episodes)], s, key,
                                       1 + j // 20, 1 + j % 20, 1600000000 + key)
                e["summary"] = e["summary"][:200]
                for k in ("Writer", "Director", "Role"):
                    e.pop(k, None)
                eps.append(e)
            self.episodes[s["ratingKey"]] = eps
        self.shows["2"] = shows

    def fix_counts(self):
        for shows in self.shows.values():
            for s in shows:
                n = len(self.episodes.get(s["ratingKey"], []))
                s["leafCount"] = n
                s["childCount"] = len({e.get("parentIndex") for e in self.episodes.get(s["ratingKey"], [])})

    def show(self, key):
        for shows in self.shows.values():
            for s in shows:
                if s["ratingKey"] == key:
                    return s
        return None

    def item(self, key):
        for movies in self.movies.values():
            for m in movies:
                if m["ratingKey"] == key:
                    return m
        s = self.show(key)
        if s is not None:
            return s
        for eps in self.episodes.values():
            for e in eps:
                if e["ratingKey"] == key:
                    return e
        return None

    def apply_run2(self):
        """What changes between two syncs."""
        movies = self.movies["1"]
        # Elephants Dream is re-matched: new title and updatedAt.
        for m in movies:
            if m["title"] == "Elephants Dream":
                m["title"] = "Elephants Dream (Orange)"
                m["updatedAt"] += 1000
        # The third movie leaves the library.
        del movies[2]
        # Game of Thrones leaves entirely.
        self.shows["2"] = [s for s in self.shows["2"] if s["ratingKey"] != "68"]
        self.episodes.pop("68", None)
        # The 100: one episode renamed, one deleted, one added; the show's updatedAt moves.
        the100 = self.show("22")
        the100["updatedAt"] += 500
        eps = self.episodes["22"]
        eps[2]["title"] = "Earth Kills (Director's Cut)"
        eps[2]["updatedAt"] += 500
        del eps[1]
        new = self.clone_episode(eps[0], the100, 9999, 2, 1, 1700000000)
        new["title"] = "The 48"
        eps.append(new)
        self.fix_counts()

    def apply_shrink(self):
        """Only the first movie and the first show are left."""
        self.movies["1"] = self.movies["1"][:1]
        keep = self.shows["2"][:1]
        for s in self.shows["2"][1:]:
            self.episodes.pop(s["ratingKey"], None)
        self.shows["2"] = keep
        self.fix_counts()

    def apply_full(self, rekey, move):
        """The fixture library again, maybe under new keys and paths."""
        self.movies, self.shows, self.episodes = {}, {}, {}
        self.fixture_library()
        if rekey:
            eps = {}
            for items in list(self.movies.values()) + list(self.shows.values()):
                for i in items:
                    old = i["ratingKey"]
                    i["ratingKey"] = str(int(old) + 100000)
                    i["key"] = i["key"].replace("/%s" % old, "/%s" % i["ratingKey"])
                    if old in self.episodes:
                        eps[i["ratingKey"]] = self.episodes.pop(old)
            self.episodes.update(eps)
            for el in self.episodes.values():
                for e in el:
                    e["ratingKey"] = str(int(e["ratingKey"]) + 100000)
        if move:
            for items in list(self.movies.values()) + list(self.episodes.values()):
                for i in items:
                    for m in i.get("Media") or []:
                        for part in m.get("Part") or []:
                            part["file"] = "/moved" + part["file"]
        self.fix_counts()

    def apply_weird(self):
        """Fields missing, null, or of the wrong type, as hostile or old servers send."""
        movies = self.movies["1"]
        movies[0]["year"] = "nineteen"
        movies[0]["updatedAt"] = str(movies[0]["updatedAt"])
        movies[0]["Genre"] = {"tag": "Animation"}
        movies[1]["title"] = None
        movies[1]["Media"] = None
        movies[2]["Guid"] = "imdb://tt0000001"
        movies[2]["duration"] = "long"
        movies[3]["ratingKey"] = 56000
        movies[3]["Media"] = [{"Part": [{"file": 42}]}, {"Part": [{"file": "/data/Movies/second.mkv"}]}]
        movies.append({"title": "No key at all"})
        movies.append([1, 2, 3])
        s = self.show("22")
        s["leafCount"] = "many"
        s["contentRating"] = 14
        self.episodes["22"][0]["index"] = None
        self.episodes["22"][1]["parentIndex"] = "one"


def add_marks(e, key):
    """Chapters and intro/credits markers, as a server with them sends
    them when asked (includeChapters=1, includeMarkers=1)."""
    d = e["duration"]
    cuts = [0, 440000, 880000, d]
    e["Chapter"] = [{"id": key * 10 + i, "filter": "thumb=%d" % (key * 10 + i), "index": i + 1,
                     "startTimeOffset": cuts[i], "endTimeOffset": cuts[i + 1],
                     "thumb": "/library/media/%d/chapterImages/%d" % (key, i + 1)}
                    for i in range(3)]
    e["Marker"] = [{"id": key * 10 + 5, "type": "intro", "startTimeOffset": 30000,
                    "endTimeOffset": 75000},
                   {"id": key * 10 + 6, "type": "credits", "startTimeOffset": d - 60000,
                    "endTimeOffset": d, "final": True}]


def strip_marks(item, q):
    """What a server leaves out unless asked for."""
    if not isinstance(item, dict) or ("Chapter" not in item and "Marker" not in item):
        return item
    item = dict(item)
    if q.get("includeChapters") != "1":
        item.pop("Chapter", None)
    if q.get("includeMarkers") != "1":
        item.pop("Marker", None)
    return item


def to_xml(container, items_tag):
    """PMS XML from the JSON shape: scalars are attributes, lists of objects child elements."""
    def element(tag, obj):
        el = ET.Element(tag)
        for k, v in obj.items():
            if isinstance(v, list):
                for child in v:
                    if isinstance(child, dict):
                        ctag = k
                        if k == "Metadata":
                            ctag = items_tag(child)
                        el.append(element(ctag, child))
            elif isinstance(v, dict):
                el.append(element(k, v))
            elif v is None:
                continue
            elif isinstance(v, bool):
                el.set(k, "1" if v else "0")
            else:
                el.set(k, str(v))
        return el
    root = element("MediaContainer", container)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def item_tag(obj):
    t = obj.get("type") if isinstance(obj, dict) else None
    return "Directory" if t in ("show", "season") else "Video"


class State:
    def __init__(self, lib, token):
        self.lib = lib
        self.token = token
        self.faults = []        # [match, kind, remaining or None]
        self.log = []
        self.format = "auto"
        self.cache = {}


def strip_guids(item):
    if isinstance(item, dict) and "Guid" in item:
        item = dict(item)
        del item["Guid"]
    return item


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PlexMediaServer/1.32.5.7349"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Plex-Protocol", "1.0")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        st = self.server.state
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if url.path.startswith("/_stub/"):
            return self.control(st, url.path, q)
        with LOCK:
            st.log.append(self.path)
        token = self.headers.get("X-Plex-Token") or q.get("X-Plex-Token")
        fault = self.fault(st, self.path)
        if fault == "hang":
            time.sleep(120)
            return
        if fault == "401" or (st.token and token != st.token):
            return self.send(401, b"<html><head><title>Unauthorized</title></head><body>"
                             b"<h1>401 Unauthorized</h1></body></html>", "text/html")
        if fault in ("404", "500"):
            return self.send(int(fault), b"<html><body><h1>%s</h1></body></html>" % fault.encode(),
                             "text/html")
        if fault == "html":
            return self.send(200, b"<!DOCTYPE html><html><body>Captive portal</body></html>",
                             "text/html")
        if fault == "badxml":
            return self.send(200, b'<?xml version="1.0"?>\n<MediaContainer size="2">\n'
                             b'<Video ratingKey="1" title="Broken', "text/xml")
        want_json = "json" in (self.headers.get("Accept") or "") and st.format != "xml"
        # PMS answers from its database quickly; the stand-in caches what it wrote.
        key = (self.path, want_json, self.headers.get("X-Plex-Container-Start"),
               self.headers.get("X-Plex-Container-Size"))
        with LOCK:
            cached = st.cache.get(key)
        if cached is None:
            container = self.route(st, url.path, q)
            if container is None:
                return self.send(404, b"<html><body><h1>404 Not Found</h1></body></html>",
                                 "text/html")
            if want_json:
                cached = (json.dumps({"MediaContainer": container}).encode(), "application/json")
            else:
                cached = (to_xml(container, item_tag), "text/xml;charset=utf-8")
            with LOCK:
                st.cache[key] = cached
        body, ctype = cached
        if fault == "malformed":
            body = body[:len(body) // 2]
        return self.send(200, body, ctype)

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
            if path == "/_stub/set":
                if q.get("scenario") == "run2":
                    st.lib.apply_run2()
                elif q.get("scenario") == "weird":
                    st.lib.apply_weird()
                elif q.get("scenario") == "shrink":
                    st.lib.apply_shrink()
                elif q.get("scenario") == "full":
                    st.lib.apply_full(q.get("rekey") == "1", q.get("move") == "1")
                if "format" in q:
                    st.format = q["format"]
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

    def page(self, q, headers, items, extra):
        start = q.get("X-Plex-Container-Start") or headers.get("X-Plex-Container-Start")
        size = q.get("X-Plex-Container-Size") or headers.get("X-Plex-Container-Size")
        total = len(items)
        if start is not None or size is not None:
            s = int(start or 0)
            n = int(size) if size is not None else total
            items = items[s:s + n]
            extra["offset"] = s
        extra["totalSize"] = total
        extra["size"] = len(items)
        if items:
            extra["Metadata"] = items
        return extra

    def route(self, st, path, q):
        lib = st.lib
        parts = [p for p in path.split("/") if p]
        if path == "/":
            return {"size": 0, "friendlyName": "Retrovue Test PMS", "version": "1.32.5.7349-test",
                    "machineIdentifier": "0123456789abcdef", "platform": "Linux"}
        if path == "/identity":
            return {"size": 0, "machineIdentifier": "0123456789abcdef", "version": "1.32.5.7349-test"}
        if path == "/library/sections":
            dirs = copy.deepcopy(lib.sections)
            return {"size": len(dirs), "allowSync": False, "title1": "Plex Library", "Directory": dirs}
        if len(parts) == 4 and parts[:2] == ["library", "sections"] and parts[3] == "all":
            key = parts[2]
            sec = next((s for s in lib.sections if s["key"] == key), None)
            if sec is None:
                return None
            typ = q.get("type")
            if sec["type"] == "movie":
                items = lib.movies.get(key, [])
            elif sec["type"] == "show" and typ == "4":
                items = [e for s in lib.shows.get(key, []) for e in lib.episodes.get(s["ratingKey"], [])]
            elif sec["type"] == "show":
                items = lib.shows.get(key, [])
            else:
                items = []
            if "title" in q:
                t = q["title"].lower()
                items = [i for i in items if isinstance(i, dict) and isinstance(i.get("title"), str)
                         and t in i["title"].lower()]
            if q.get("includeGuids") != "1":
                items = [strip_guids(i) for i in items]
            items = [strip_marks(i, q) for i in items]
            return self.page(q, self.headers, items, {
                "allowSync": True, "librarySectionID": int(key), "librarySectionTitle": sec["title"],
                "librarySectionUUID": sec.get("uuid", ""), "title1": sec["title"],
                "viewGroup": sec["type"]})
        if len(parts) >= 3 and parts[:2] == ["library", "metadata"]:
            key = parts[2]
            if len(parts) == 4 and parts[3] == "allLeaves":
                show = lib.show(key)
                if show is None:
                    return None
                return self.page(q, self.headers, [strip_marks(i, q) for i in lib.episodes.get(key, [])], {
                    "allowSync": True, "key": key, "title1": "All episodes",
                    "title2": show.get("title"), "parentTitle": show.get("title"),
                    "grandparentRatingKey": int(key) if key.isdigit() else key,
                    "viewGroup": "episode"})
            if len(parts) == 3:
                item = lib.item(key)
                if item is None:
                    return None
                return {"size": 1, "allowSync": True, "Metadata": [item]}
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--token", default="")
    ap.add_argument("--generate", default="")
    ap.add_argument("--port", type=int, default=0, help="listen here (0: any free port)")
    args = ap.parse_args()
    gen = tuple(int(x) for x in args.generate.split(",")) if args.generate else None
    lib = Library(args.fixtures, gen)
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(lib, args.token)
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
