-- Retrovue schema, migration 8: a flaky disk or server never wipes the
-- library.
--
-- tmm_directories.device: the device (st_dev) a directory's files were on
-- at the last scan that found any. A scan that finds the directory on its
-- parent's device instead (an empty, unmounted mount point) removes
-- nothing. NULL: not known yet.
ALTER TABLE tmm_directories ADD COLUMN device INTEGER;

-- What a sync, or the removal of a Plex source or a TMM directory, took
-- out of the library, kept restorable for a grace period (system_config
-- 'library.removed_grace_days', 30 by default; older rows are purged).
-- snapshot is a JSON object with the rows the file had: "media_files",
-- "movies" and "movie_guids", or "episodes" with its "show" and
-- "show_guids", "content_scheduling_metadata" and "chapter_markers".
-- When the same file (same source and key, or same path) or an item with
-- the same external id comes back, its scheduling metadata and chapter
-- markers come back with it and the row goes; 'retrovue content restore'
-- brings a row back by hand. source_id and tmm_directory_id are not
-- references: the row outlives its source.
CREATE TABLE removed_items (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: ids are told to operators
    media_file_id    INTEGER NOT NULL,       -- the id the file had
    removed_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    reason           TEXT NOT NULL,          -- "sync of TMM directory TV", ...
    media_type       TEXT NOT NULL,
    title            TEXT NOT NULL,          -- the display title it had
    source_type      TEXT NOT NULL,
    source_id        INTEGER,
    tmm_directory_id INTEGER,
    library_key      TEXT,
    source_key       TEXT,
    file_path        TEXT NOT NULL,
    season_number    INTEGER,                -- episodes: guids match only with these
    episode_number   INTEGER,
    chapters         INTEGER NOT NULL DEFAULT 0,
    snapshot         TEXT NOT NULL
);
CREATE INDEX removed_items_key ON removed_items (source_type, source_key);
CREATE INDEX removed_items_path ON removed_items (file_path);
CREATE INDEX removed_items_time ON removed_items (removed_at);

-- The external ids ("tvdb://268592/1/1", "plex://movie/5d77...") a removed
-- item had, to know it again when it comes back under another key.
CREATE TABLE removed_item_guids (
    removed_id INTEGER NOT NULL REFERENCES removed_items (id) ON DELETE CASCADE,
    guid       TEXT NOT NULL,
    PRIMARY KEY (removed_id, guid)
);
CREATE INDEX removed_item_guids_guid ON removed_item_guids (guid);
