-- Retrovue schema, migration 4: on-air graphics per channel. A channel
-- without a row uses the defaults below.
--
-- The bug (the channel's PNG, channels.bug_path) sits in a corner:
-- bug_margin and bug_size are percent of the picture height; it shows
-- during programmes and, when bug_in_breaks is set, during breaks too.
-- Lower thirds: "Up next: TITLE" for the last upnext_seconds of the last
-- break before a programme, "Now: TITLE" for the first now_seconds of it.
-- Colours are FFmpeg colours ("white", "0x102a6b@0.85").
CREATE TABLE channel_graphics (
    channel_id     INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    bug_position   TEXT NOT NULL DEFAULT 'bottom-right'
                   CHECK (bug_position IN ('top-left', 'top-right', 'bottom-left', 'bottom-right')),
    bug_margin     INTEGER NOT NULL DEFAULT 4 CHECK (bug_margin BETWEEN 0 AND 40),
    bug_size       INTEGER NOT NULL DEFAULT 12 CHECK (bug_size BETWEEN 2 AND 50),
    bug_opacity    REAL NOT NULL DEFAULT 0.7 CHECK (bug_opacity BETWEEN 0 AND 1),
    bug_in_breaks  INTEGER NOT NULL DEFAULT 0 CHECK (bug_in_breaks IN (0, 1)),
    lower_thirds   INTEGER NOT NULL DEFAULT 1 CHECK (lower_thirds IN (0, 1)),
    lt_font        TEXT,                   -- a font file; NULL: DejaVu Sans
    lt_color       TEXT NOT NULL DEFAULT 'white',
    lt_box_color   TEXT NOT NULL DEFAULT '0x102a6b@0.85',
    lt_accent      TEXT NOT NULL DEFAULT '0xf2b705',
    lt_position    TEXT NOT NULL DEFAULT 'bottom-left'
                   CHECK (lt_position IN ('top-left', 'top-right', 'bottom-left', 'bottom-right')),
    upnext_seconds INTEGER NOT NULL DEFAULT 10 CHECK (upnext_seconds BETWEEN 0 AND 600),
    now_seconds    INTEGER NOT NULL DEFAULT 8 CHECK (now_seconds BETWEEN 0 AND 600),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
