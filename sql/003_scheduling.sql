-- Retrovue schema, migration 3: scheduling. How a channel breaks its
-- programmes, and what the scheduler has placed (series progress).

-- Break structure of a channel (the scheduler reads these; see src/sched.h).
-- act_seconds: the act length aimed for between breaks (a 22-minute show
-- with 480 gets two breaks). break_margin_s: no break this close to the
-- start or end of a programme. bumpers: "we'll be right back" and return
-- bumpers around each break. station_id_minutes: a station ID at local
-- times that are multiples of this (60: the top of every hour; 0: none).
-- unrated_ok: unrated content may air under the rating limit.
-- guide_group: the M3U group-title.
ALTER TABLE channels ADD COLUMN act_seconds INTEGER NOT NULL DEFAULT 480
    CHECK (act_seconds BETWEEN 30 AND 14400);
ALTER TABLE channels ADD COLUMN break_margin_s INTEGER NOT NULL DEFAULT 120
    CHECK (break_margin_s BETWEEN 0 AND 3600);
ALTER TABLE channels ADD COLUMN bumpers INTEGER NOT NULL DEFAULT 1 CHECK (bumpers IN (0, 1));
ALTER TABLE channels ADD COLUMN station_id_minutes INTEGER NOT NULL DEFAULT 60
    CHECK (station_id_minutes BETWEEN 0 AND 1440);
ALTER TABLE channels ADD COLUMN unrated_ok INTEGER NOT NULL DEFAULT 1 CHECK (unrated_ok IN (0, 1));
ALTER TABLE channels ADD COLUMN guide_group TEXT;

-- Every programme the scheduler placed in the fine log: where series stand
-- (the last episode placed before a time, by season and episode number so
-- a re-imported file keeps its place), and what aired recently. Rows from
-- a rebuilt future are deleted with the fine log items they describe.
-- mode is the schedule_type that placed it.
CREATE TABLE sched_airings (
    id             INTEGER PRIMARY KEY,
    channel_id     INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    start_ms       INTEGER NOT NULL,        -- the programme's start, UTC ms
    mode           TEXT NOT NULL CHECK (mode IN ('series', 'shuffle', 'episode', 'movie',
                       'movies', 'fill')),
    media_file_id  INTEGER REFERENCES media_files (id) ON DELETE SET NULL,
    show_id        INTEGER REFERENCES shows (id) ON DELETE CASCADE,
    season_number  INTEGER,
    episode_number INTEGER,
    schedule_id    INTEGER REFERENCES schedules (id) ON DELETE SET NULL
);
CREATE INDEX sched_airings_time ON sched_airings (channel_id, start_ms);
CREATE INDEX sched_airings_show ON sched_airings (channel_id, show_id, start_ms);
CREATE INDEX sched_airings_media ON sched_airings (media_file_id);
