-- Retrovue schema, migration 11: importers behind one interface (Plex,
-- Jellyfin, Emby, TMM folders), and break points from every source.
--
-- The kind of a source is no longer a fixed list: src/importer.c's table of
-- importers names the kinds ("plex", "jellyfin", "emby", "tmm", plus
-- "manual" and "demo" for files added by hand or by the demo), and a new
-- kind is a new entry there, not a migration. The CHECKs that listed them
-- (content_sources, media_files and shows source_type, chapter_markers
-- source) now only refuse an empty value. SQLite cannot change a CHECK in
-- place, and rebuilding these tables would have to name every column, so
-- a column another migration adds to media_files would be lost; removing a
-- CHECK does not change what is stored, so the text of each table's
-- definition is edited instead (SQLite's "other kinds of table schema
-- changes"), the schema is read again (writable_schema = RESET) and the
-- CREATE TABLEs below move the schema version on.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (source_type IN (''plex'', ''tmm'', ''manual'', ''demo''))',
    'CHECK (source_type <> '''')')
    WHERE type = 'table' AND name IN ('content_sources', 'media_files', 'shows');
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (source IN (''manual'', ''plex'', ''nfo'', ''detected'', ''demo''))',
    'CHECK (source <> '''')')
    WHERE type = 'table' AND name = 'chapter_markers';
PRAGMA writable_schema = RESET;

-- content_sources: for every server kind, plex_server_url is the server's
-- URL and plex_token its secret (a Plex token, a Jellyfin or Emby API key:
-- never logged or shown). user_name: the Jellyfin or Emby user whose
-- libraries are read (NULL: the first administrator).
ALTER TABLE content_sources ADD COLUMN user_name TEXT;

-- The audio and subtitle languages a server reports for a file's streams
-- (ISO 639-2 codes, comma separated, "eng,fra"); NULL: not reported.
-- shows.plex_rating_key, movies/episodes.plex_rating_key and
-- updated_at_plex hold every server's item key and change stamp (Plex
-- updatedAt in seconds; Jellyfin and Emby DateLastSaved in milliseconds).
ALTER TABLE media_files ADD COLUMN source_audio_langs TEXT;
ALTER TABLE media_files ADD COLUMN source_subtitle_langs TEXT;

-- Where a programme's intro and end credits are: from a server (Plex
-- intro/credits markers, Jellyfin media segments, Emby's intro and credits
-- chapter marks) or from a file's chapters named so ('file'). The
-- scheduler puts no break inside them, and a credits span that reaches the
-- end tells it where the programme's content ends (channels.credits).
-- source is the importer that wrote the row; a sync replaces its own rows.
CREATE TABLE media_markers (
    id            INTEGER PRIMARY KEY,
    media_file_id INTEGER NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('intro', 'credits')),
    start_ms      INTEGER NOT NULL CHECK (start_ms >= 0),
    end_ms        INTEGER NOT NULL CHECK (end_ms > start_ms),
    source        TEXT NOT NULL CHECK (source <> ''),
    UNIQUE (media_file_id, kind, start_ms)
);

-- Per server library: the newest change stamp of a listing that was read
-- completely, so the next sync asks the server only for what changed
-- since (Jellyfin and Emby MinDateLastSaved).
CREATE TABLE source_libraries (
    source_id     INTEGER NOT NULL REFERENCES content_sources (id) ON DELETE CASCADE,
    library_key   TEXT NOT NULL,
    title         TEXT,
    changed_since INTEGER,
    synced_at     TEXT,
    PRIMARY KEY (source_id, library_key)
);
