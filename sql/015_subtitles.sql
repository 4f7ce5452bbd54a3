-- Retrovue schema: subtitles. A media file's subtitle tracks, found when
-- it is imported (or validated): the streams inside the file and the
-- sidecar files beside it (Name.en.srt, Name.en.forced.srt, Name.ass,
-- Name.idx), each with its language and flags. A sidecar is kept by its
-- name alone, so a path mapping that moves the video moves it too.
CREATE TABLE subtitle_tracks (
    id               INTEGER PRIMARY KEY,
    media_file_id    INTEGER NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
    origin           TEXT NOT NULL CHECK (origin IN ('embedded', 'sidecar')),
    stream_index     INTEGER,                -- embedded: its stream in the file
    file_name        TEXT,                   -- sidecar: its name, beside the video
    codec            TEXT NOT NULL,          -- FFmpeg's name: subrip, ass, mov_text, ...
    bitmap           INTEGER NOT NULL DEFAULT 0 CHECK (bitmap IN (0, 1)),
    language         TEXT,                   -- ISO 639-2 ("eng"), NULL: unknown
    forced           INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
    hearing_impaired INTEGER NOT NULL DEFAULT 0 CHECK (hearing_impaired IN (0, 1)),
    is_default       INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    title            TEXT,
    CHECK ((origin = 'embedded') = (stream_index IS NOT NULL)),
    CHECK ((origin = 'sidecar') = (file_name IS NOT NULL))
);
CREATE UNIQUE INDEX subtitle_tracks_key ON subtitle_tracks
    (media_file_id, coalesce(stream_index, -1), coalesce(file_name, ''));

-- What a channel does with subtitles: nothing, burn in forced ones only,
-- burn in the first track in a wanted language, or offer it to HLS
-- players as a WebVTT rendition they switch on and off (forced ones
-- burned in). subtitle_languages: ISO 639-2 codes in order ("eng,spa").
ALTER TABLE channels ADD COLUMN subtitles TEXT NOT NULL DEFAULT 'off'
    CHECK (subtitles IN ('off', 'forced', 'always', 'selectable'));
ALTER TABLE channels ADD COLUMN subtitle_languages TEXT;

-- An item's own choice, over its channels': the mode (NULL: the
-- channel's) and the track (a subtitle_tracks id; NULL: chosen by
-- language). Not a foreign key: a removed file comes back with new track
-- rows, and a stale id is ignored.
ALTER TABLE content_scheduling_metadata ADD COLUMN subtitle_mode TEXT
    CHECK (subtitle_mode IN ('off', 'forced', 'always'));
ALTER TABLE content_scheduling_metadata ADD COLUMN subtitle_track_id INTEGER;
