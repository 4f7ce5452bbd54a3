-- Retrovue schema, migration 1: the data model of the project brief.
--
-- Conventions: times a person reads (created_at, updated_at, sync times) are
-- ISO-8601 UTC text; times the scheduler and the engine compute with are
-- INTEGER milliseconds since the Unix epoch, UTC (columns ending in _ms);
-- Plex's updatedAt is kept as Plex sends it (INTEGER seconds).
-- Booleans are INTEGER 0/1.

-- Where content comes from: a Plex server, a TinyMediaManager tree, manual
-- entries, the built-in demo.
CREATE TABLE content_sources (
    id              INTEGER PRIMARY KEY,
    source_type     TEXT NOT NULL CHECK (source_type IN ('plex', 'tmm', 'manual', 'demo')),
    source_name     TEXT NOT NULL UNIQUE,
    plex_server_url TEXT,
    plex_token      TEXT,                   -- secret: never logged or shown
    last_sync_time  TEXT,
    sync_enabled    INTEGER NOT NULL DEFAULT 1 CHECK (sync_enabled IN (0, 1)),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Directories of TinyMediaManager/Kodi .nfo files to scan.
CREATE TABLE tmm_directories (
    id                     INTEGER PRIMARY KEY,
    directory_path         TEXT NOT NULL UNIQUE,
    name                   TEXT,
    description            TEXT,
    include_subdirectories INTEGER NOT NULL DEFAULT 1 CHECK (include_subdirectories IN (0, 1)),
    enabled                INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    last_scan_time         TEXT,
    created_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Rewrites of the paths a Plex server reports into paths this machine can
-- open. A NULL source applies to every Plex source.
CREATE TABLE plex_path_replacements (
    id                   INTEGER PRIMARY KEY,
    plex_media_source_id INTEGER REFERENCES content_sources (id) ON DELETE CASCADE,
    plex_path            TEXT NOT NULL CHECK (plex_path <> ''),
    local_path           TEXT NOT NULL,
    created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (plex_media_source_id, plex_path)
);

-- Every playable file, whatever it is and wherever it came from.
-- file_path is the path this machine opens (after path mapping);
-- source_path is what the source reported. source_key identifies the item
-- in its source (a Plex ratingKey, the .nfo path for TMM).
CREATE TABLE media_files (
    id                 INTEGER PRIMARY KEY,
    file_path          TEXT NOT NULL,
    source_path        TEXT,
    duration_ms        INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
    media_type         TEXT NOT NULL CHECK (media_type IN ('movie', 'episode', 'clip')),
    source_type        TEXT NOT NULL CHECK (source_type IN ('plex', 'tmm', 'manual', 'demo')),
    source_id          INTEGER REFERENCES content_sources (id) ON DELETE CASCADE,
    tmm_directory_id   INTEGER REFERENCES tmm_directories (id) ON DELETE CASCADE,
    source_key         TEXT,
    library_name       TEXT,
    file_size          INTEGER,
    file_mtime         INTEGER,             -- seconds since the epoch
    nfo_path           TEXT,
    nfo_mtime          INTEGER,
    nfo_size           INTEGER,
    -- What validation found (retrovue validate).
    validation_status  TEXT NOT NULL DEFAULT 'unchecked'
                       CHECK (validation_status IN ('unchecked', 'ok', 'warning', 'missing', 'error')),
    validation_message TEXT,
    validated_at       TEXT,
    video_codec        TEXT,
    audio_codec        TEXT,
    width              INTEGER,
    height             INTEGER,
    frame_rate         REAL,
    loudness_lufs      REAL,                -- integrated loudness (EBU R128)
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX media_files_source_key ON media_files (source_type, source_id, source_key)
    WHERE source_key IS NOT NULL;
CREATE INDEX media_files_path ON media_files (file_path);
CREATE INDEX media_files_tmm ON media_files (tmm_directory_id) WHERE tmm_directory_id IS NOT NULL;

CREATE TABLE movies (
    id              INTEGER PRIMARY KEY,
    media_file_id   INTEGER NOT NULL UNIQUE REFERENCES media_files (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    year            INTEGER,
    rating          TEXT,
    summary         TEXT,
    genre           TEXT,
    director        TEXT,
    studio          TEXT,
    plex_rating_key TEXT,
    guid_primary    TEXT,
    updated_at_plex INTEGER,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX movies_title ON movies (title, year);

CREATE TABLE movie_guids (
    id          INTEGER PRIMARY KEY,
    movie_id    INTEGER NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    provider    TEXT NOT NULL CHECK (provider IN ('tvdb', 'tmdb', 'imdb', 'plex')),
    external_id TEXT NOT NULL,
    UNIQUE (movie_id, provider, external_id)
);
CREATE INDEX movie_guids_lookup ON movie_guids (provider, external_id);

-- A series. (title, year) tells remakes apart; plex_rating_key ties it to
-- its Plex item.
CREATE TABLE shows (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    year            INTEGER,
    plex_rating_key TEXT UNIQUE,
    guid_primary    TEXT,
    total_seasons   INTEGER,
    total_episodes  INTEGER,
    show_rating     TEXT,
    show_summary    TEXT,
    genre           TEXT,
    studio          TEXT,
    source_type     TEXT NOT NULL CHECK (source_type IN ('plex', 'tmm', 'manual', 'demo')),
    source_id       INTEGER REFERENCES content_sources (id) ON DELETE CASCADE,
    updated_at_plex INTEGER,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (title, year)
);

CREATE TABLE show_guids (
    id          INTEGER PRIMARY KEY,
    show_id     INTEGER NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
    provider    TEXT NOT NULL CHECK (provider IN ('tvdb', 'tmdb', 'imdb', 'plex')),
    external_id TEXT NOT NULL,
    UNIQUE (provider, external_id)
);
CREATE INDEX show_guids_show ON show_guids (show_id);

CREATE TABLE episodes (
    id              INTEGER PRIMARY KEY,
    media_file_id   INTEGER NOT NULL UNIQUE REFERENCES media_files (id) ON DELETE CASCADE,
    show_id         INTEGER NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
    episode_title   TEXT,
    season_number   INTEGER,
    episode_number  INTEGER,
    rating          TEXT,
    summary         TEXT,
    air_date        TEXT,
    plex_rating_key TEXT,
    guid_primary    TEXT,
    updated_at_plex INTEGER,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX episodes_order ON episodes (show_id, season_number, episode_number);

-- How the scheduler may use a file. content_type is its role on air.
-- rating_level is content_rating on the project's scale (src/rating.h), so
-- a channel's limit is one comparison.
CREATE TABLE content_scheduling_metadata (
    id                    INTEGER PRIMARY KEY,
    media_file_id         INTEGER NOT NULL UNIQUE REFERENCES media_files (id) ON DELETE CASCADE,
    content_type          TEXT NOT NULL CHECK (content_type IN ('movie', 'episode', 'commercial',
                              'bumper', 'station_id', 'intro', 'outro', 'interstitial', 'promo')),
    daypart_preference    TEXT,             -- morning, afternoon, prime, late_night; NULL: any
    seasonal_preference   TEXT,             -- spring, summer, fall, winter, holiday, or MM-DD..MM-DD
    content_rating        TEXT,             -- normalised: G, PG, PG-13, R, NC-17, TV-Y ... TV-MA
    rating_level          INTEGER,
    commercial_company    TEXT,
    commercial_category   TEXT,
    commercial_duration   INTEGER,          -- seconds (15, 30, 60)
    commercial_expiration TEXT,             -- YYYY-MM-DD, last day it may air
    target_demographic    TEXT,             -- family, adult, children, seniors
    content_warnings      TEXT,
    scheduling_notes      TEXT,
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX csm_type ON content_scheduling_metadata (content_type, rating_level);

-- Act breaks inside a file; where commercial breaks may fall.
CREATE TABLE chapter_markers (
    id            INTEGER PRIMARY KEY,
    media_file_id INTEGER NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
    chapter_title TEXT,
    timestamp_ms  INTEGER NOT NULL CHECK (timestamp_ms >= 0),
    source        TEXT NOT NULL DEFAULT 'manual'
                  CHECK (source IN ('manual', 'plex', 'nfo', 'detected', 'demo')),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (media_file_id, timestamp_ms)
);

-- Commercials pinned to a chapter break of one file (the brief's manual
-- break plan); the scheduler fills unpinned breaks itself.
CREATE TABLE commercial_breaks (
    id                    INTEGER PRIMARY KEY,
    media_file_id         INTEGER NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
    chapter_marker_id     INTEGER REFERENCES chapter_markers (id) ON DELETE CASCADE,
    commercial_content_id INTEGER NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
    start_time            INTEGER NOT NULL CHECK (start_time >= 0),   -- ms into the file
    end_time              INTEGER NOT NULL CHECK (end_time >= start_time),
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX commercial_breaks_file ON commercial_breaks (media_file_id);

-- Pre-cut pieces of a file (the brief's pre-generated segments).
CREATE TABLE media_segments (
    id                INTEGER PRIMARY KEY,
    media_file_id     INTEGER NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
    segment_path      TEXT NOT NULL,
    start_time        INTEGER NOT NULL CHECK (start_time >= 0),       -- ms into the file
    end_time          INTEGER NOT NULL CHECK (end_time >= start_time),
    chapter_marker_id INTEGER REFERENCES chapter_markers (id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX media_segments_file ON media_segments (media_file_id);

-- A channel: its guide identity, its rules and its output format.
CREATE TABLE channels (
    id                   INTEGER PRIMARY KEY,
    number               TEXT NOT NULL UNIQUE,   -- guide number, "4" or "4.1"
    name                 TEXT NOT NULL,
    call_sign            TEXT,
    description          TEXT,
    target_demographic   TEXT,
    content_rating_limit TEXT,
    timezone             TEXT NOT NULL DEFAULT 'UTC',
    slot_minutes         INTEGER NOT NULL DEFAULT 30 CHECK (slot_minutes BETWEEN 1 AND 1440),
    logo_path            TEXT,
    bug_path             TEXT,
    width                INTEGER NOT NULL DEFAULT 1280 CHECK (width BETWEEN 16 AND 7680),
    height               INTEGER NOT NULL DEFAULT 720 CHECK (height BETWEEN 16 AND 4320),
    fps_num              INTEGER NOT NULL DEFAULT 30 CHECK (fps_num > 0),
    fps_den              INTEGER NOT NULL DEFAULT 1 CHECK (fps_den > 0),
    video_bitrate_kbps   INTEGER NOT NULL DEFAULT 3000 CHECK (video_bitrate_kbps > 0),
    audio_bitrate_kbps   INTEGER NOT NULL DEFAULT 128 CHECK (audio_bitrate_kbps > 0),
    audio_language       TEXT,                   -- ISO 639-2, e.g. "eng"
    always_on            INTEGER NOT NULL DEFAULT 0 CHECK (always_on IN (0, 1)),
    enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The coarse schedule: slots by day of week and local time. days is a
-- bit mask, bit 0 Sunday .. bit 6 Saturday; start_time/end_time are local
-- "HH:MM" in the channel's timezone (end may be "24:00"). What fills the
-- slot depends on schedule_type; rule holds type-specific options as JSON.
CREATE TABLE schedules (
    id            INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    days          INTEGER NOT NULL DEFAULT 127 CHECK (days BETWEEN 1 AND 127),
    start_time    TEXT NOT NULL,
    end_time      TEXT NOT NULL,
    schedule_type TEXT NOT NULL CHECK (schedule_type IN ('series', 'shuffle', 'episode', 'movie',
                      'movies', 'fill')),
    show_id       INTEGER REFERENCES shows (id) ON DELETE CASCADE,
    content_id    INTEGER REFERENCES media_files (id) ON DELETE CASCADE,
    rule          TEXT,
    priority      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX schedules_channel ON schedules (channel_id);

-- The fine log: what airs, item by item, at absolute times. It is the
-- contract between the scheduler and the engine. An item plays
-- [in_ms, out_ms) of its file from start_ms; end_ms - start_ms equals
-- out_ms - in_ms. A NULL media_file_id is a generated item (slate, bars).
-- programme_start_ms groups the acts and breaks of one guide programme.
CREATE TABLE schedule_items (
    id                 INTEGER PRIMARY KEY,
    channel_id         INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    start_ms           INTEGER NOT NULL,
    end_ms             INTEGER NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('programme', 'commercial', 'bumper',
                           'station_id', 'promo', 'interstitial', 'filler', 'slate')),
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
CREATE UNIQUE INDEX schedule_items_time ON schedule_items (channel_id, start_ms);
CREATE INDEX schedule_items_media ON schedule_items (media_file_id);

-- The as-run log: what actually aired.
CREATE TABLE playout_logs (
    id                 INTEGER PRIMARY KEY,
    channel_id         INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    schedule_item_id   INTEGER REFERENCES schedule_items (id) ON DELETE SET NULL,
    content_id         INTEGER REFERENCES media_files (id) ON DELETE SET NULL,
    title              TEXT,
    scheduled_start_ms INTEGER,
    start_time         INTEGER NOT NULL,    -- ms, actual
    end_time           INTEGER,             -- ms, actual; NULL while on air
    actual_duration    INTEGER,             -- ms
    status             TEXT NOT NULL CHECK (status IN ('playing', 'aired', 'partial', 'failed',
                           'slate', 'interrupted')),
    errors             TEXT
);
CREATE INDEX playout_logs_channel ON playout_logs (channel_id, start_time);

CREATE TABLE sync_history (
    id              INTEGER PRIMARY KEY,
    source_type     TEXT NOT NULL,
    source_name     TEXT NOT NULL,
    sync_type       TEXT NOT NULL,          -- full, incremental, selective, title
    start_time      TEXT NOT NULL,
    end_time        TEXT,
    status          TEXT NOT NULL CHECK (status IN ('running', 'success', 'partial', 'failed',
                        'cancelled')),
    items_processed INTEGER NOT NULL DEFAULT 0,
    items_added     INTEGER NOT NULL DEFAULT 0,
    items_updated   INTEGER NOT NULL DEFAULT 0,
    items_removed   INTEGER NOT NULL DEFAULT 0,
    items_skipped   INTEGER NOT NULL DEFAULT 0,
    error_message   TEXT
);
CREATE INDEX sync_history_time ON sync_history (start_time);

CREATE TABLE system_config (
    key         TEXT PRIMARY KEY,
    value       TEXT,
    description TEXT,
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Emergency alerts (SAME, 47 CFR 11.31). channels is "all" or a comma
-- separated list of channel numbers; locations is a comma separated list
-- of PSSCCC codes.
CREATE TABLE emergency_alerts (
    id             INTEGER PRIMARY KEY,
    originator     TEXT NOT NULL DEFAULT 'EAS',
    event_code     TEXT NOT NULL,
    locations      TEXT NOT NULL,
    purge          TEXT NOT NULL,           -- HHMM
    issue_time     TEXT NOT NULL,           -- JJJHHMM, UTC
    station_id     TEXT NOT NULL,
    message        TEXT NOT NULL CHECK (message <> ''),
    priority       INTEGER NOT NULL DEFAULT 0,
    display        TEXT NOT NULL DEFAULT 'crawl' CHECK (display IN ('crawl', 'slate')),
    channels       TEXT NOT NULL DEFAULT 'all',
    sent_by        TEXT,
    status         TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'active', 'ended', 'cleared')),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    start_time     INTEGER,                 -- ms
    end_time       INTEGER                  -- ms
);

-- When each alert started and ended on each channel.
CREATE TABLE emergency_alert_log (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL REFERENCES emergency_alerts (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    started_ms INTEGER NOT NULL,
    ended_ms   INTEGER
);
CREATE INDEX emergency_alert_log_alert ON emergency_alert_log (alert_id);
