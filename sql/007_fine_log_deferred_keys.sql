-- Retrovue schema, migration 7: the fine log's references are checked when
-- the transaction commits.
--
-- The scheduler writes a week of a channel many rows per INSERT. With
-- foreign keys checked at once, SQLite must keep a statement journal for
-- every such statement (to undo its first rows if a later one fails), and
-- that costs more than the rows per statement save. Checked at commit, no
-- journal is needed; the scheduler still refuses a build that leaves a
-- reference broken (it asks SQLite whether any is unresolved after each
-- channel and rolls that channel back), and ON DELETE actions still happen
-- at once. Rebuilt as in migration 5: same columns in the same order, every
-- row kept, the indexes made again, foreign keys off during the swap so
-- the as-run log's references to these rows survive it.
CREATE TABLE schedule_items_v7 (
    id                 INTEGER PRIMARY KEY,
    channel_id         INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE
                           DEFERRABLE INITIALLY DEFERRED,
    start_ms           INTEGER NOT NULL,
    end_ms             INTEGER NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('programme', 'commercial', 'bumper',
                           'station_id', 'promo', 'interstitial', 'filler', 'slate',
                           'signoff', 'signon', 'offair', 'rating_card', 'next_bumper',
                           'guide')),
    media_file_id      INTEGER REFERENCES media_files (id) ON DELETE SET NULL
                           DEFERRABLE INITIALLY DEFERRED,
    in_ms              INTEGER NOT NULL DEFAULT 0 CHECK (in_ms >= 0),
    out_ms             INTEGER NOT NULL,
    schedule_id        INTEGER REFERENCES schedules (id) ON DELETE SET NULL
                           DEFERRABLE INITIALLY DEFERRED,
    programme_start_ms INTEGER,
    act                INTEGER,
    title              TEXT,
    CHECK (end_ms > start_ms),
    CHECK (out_ms > in_ms)
);
INSERT INTO schedule_items_v7 (id, channel_id, start_ms, end_ms, kind, media_file_id, in_ms,
    out_ms, schedule_id, programme_start_ms, act, title)
    SELECT id, channel_id, start_ms, end_ms, kind, media_file_id, in_ms, out_ms, schedule_id,
        programme_start_ms, act, title FROM schedule_items ORDER BY id;
DROP TABLE schedule_items;
ALTER TABLE schedule_items_v7 RENAME TO schedule_items;
CREATE UNIQUE INDEX schedule_items_time ON schedule_items (channel_id, start_ms);
CREATE INDEX schedule_items_media ON schedule_items (media_file_id);
