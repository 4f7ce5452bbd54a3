-- Retrovue schema, migration 2: what the content library needs beyond the
-- brief's tables.
--
-- media_files.title: a display title for every file (commercials, bumpers
-- and other clips have no movies/episodes row to carry one).
-- library_key: the Plex section an item came from, so a sync of one
-- library never removes another's items.
-- shows: the origin of a show (Plex section, or the TMM directory and
-- tvshow.nfo it was read from) for incremental TMM scans and removals.
ALTER TABLE media_files ADD COLUMN title TEXT;
ALTER TABLE media_files ADD COLUMN library_key TEXT;
ALTER TABLE shows ADD COLUMN library_key TEXT;
ALTER TABLE shows ADD COLUMN library_name TEXT;
ALTER TABLE shows ADD COLUMN tmm_directory_id INTEGER REFERENCES tmm_directories (id) ON DELETE SET NULL;
ALTER TABLE shows ADD COLUMN nfo_path TEXT;
ALTER TABLE shows ADD COLUMN nfo_mtime INTEGER;
ALTER TABLE shows ADD COLUMN nfo_size INTEGER;

CREATE INDEX media_files_library ON media_files (source_id, library_key);
CREATE INDEX media_files_tmm_key ON media_files (tmm_directory_id, source_key);
CREATE INDEX shows_origin ON shows (source_id, library_key);
CREATE INDEX shows_nfo ON shows (nfo_path) WHERE nfo_path IS NOT NULL;
