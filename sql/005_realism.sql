-- Retrovue schema, migration 5: what makes a channel look like real cable.
--
-- The fine log gets generated items of new kinds (the engine draws them;
-- they have no media file unless the station has its own clip):
--   signoff      the sign-off programme (station name, "This concludes our
--                broadcast day", the anthem)
--   offair       colour bars and 1 kHz tone, or a test card, until sign-on
--   signon       the sign-on clip
--   rating_card  "The following program is rated TV-PG"
--   next_bumper  "Coming up next: TITLE / Later: TITLE"
--   guide        a guide channel's scrolling listing
-- SQLite cannot change a CHECK in place: the table is rebuilt with the same
-- columns in the same order, every row kept, its indexes made again. The
-- migration runs with foreign keys off (src/db.c), so the as-run log's
-- references to these rows survive the swap.
CREATE TABLE schedule_items_v5 (
    id                 INTEGER PRIMARY KEY,
    channel_id         INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    start_ms           INTEGER NOT NULL,
    end_ms             INTEGER NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('programme', 'commercial', 'bumper',
                           'station_id', 'promo', 'interstitial', 'filler', 'slate',
                           'signoff', 'signon', 'offair', 'rating_card', 'next_bumper',
                           'guide')),
    media_file_id      INTEGER REFERENCES media_files (id) ON DELETE SET NULL,
    in_ms              INTEGER NOT NULL DEFAULT 0 CHECK (in_ms >= 0),
    out_ms             INTEGER NOT NULL,
    schedule_id        INTEGER REFERENCES schedules (id) ON DELETE SET NULL,
    programme_start_ms INTEGER,
    act                INTEGER,
    title              TEXT,
    CHECK (end_ms > start_ms),
    CHECK (out_ms > in_ms)
);
INSERT INTO schedule_items_v5 (id, channel_id, start_ms, end_ms, kind, media_file_id, in_ms,
    out_ms, schedule_id, programme_start_ms, act, title)
    SELECT id, channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, schedule_id,
        programme_start_ms, act, title FROM schedule_items;
DROP TABLE schedule_items;
ALTER TABLE schedule_items_v5 RENAME TO schedule_items;
CREATE UNIQUE INDEX schedule_items_time ON schedule_items (channel_id, start_ms);
CREATE INDEX schedule_items_media ON schedule_items (media_file_id);

-- Sign-off and sign-on: local "HH:MM" in the channel's zone (both NULL: on
-- the air around the clock). From the first programme end at or after
-- signoff_time until signon_time the channel is off the air. anthem_path:
-- audio played under the generated sign-off card (NULL: silence).
-- test_card: what airs while off: 'bars' (SMPTE bars, 1 kHz tone at
-- -20 dBFS) or 'card' (a test card with the station's name, same tone).
-- rating_cards: a "The following program is rated ..." card opens each
-- rated programme. next_bumpers: with bumpers on and no bumper clip that
-- fits, a generated "Coming up next" bumper closes the station break.
ALTER TABLE channels ADD COLUMN signoff_time TEXT;
ALTER TABLE channels ADD COLUMN signon_time TEXT;
ALTER TABLE channels ADD COLUMN anthem_path TEXT;
ALTER TABLE channels ADD COLUMN test_card TEXT NOT NULL DEFAULT 'bars'
    CHECK (test_card IN ('bars', 'card'));
ALTER TABLE channels ADD COLUMN rating_cards INTEGER NOT NULL DEFAULT 0
    CHECK (rating_cards IN (0, 1));
ALTER TABLE channels ADD COLUMN next_bumpers INTEGER NOT NULL DEFAULT 1
    CHECK (next_bumpers IN (0, 1));

-- Where each placed programme's block ends, so another channel's build can
-- see what file is on the air where (no simultaneous repeats). NULL in
-- rows written before this migration.
ALTER TABLE sched_airings ADD COLUMN end_ms INTEGER;
DROP INDEX sched_airings_media;
CREATE INDEX sched_airings_media ON sched_airings (media_file_id, start_ms);

-- Seasons, date ranges, marathons and syndication order live in
-- schedules.rule (JSON, src/coarse.h): "dates", "marathon", "chance",
-- "position", "from". A slot with "position": "own" keeps its own place
-- in a series: sched_airings rows with its schedule_id.
