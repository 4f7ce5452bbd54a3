-- Retrovue schema, migration 6: the guide channel. A channel of type
-- 'guide' airs the programme guide itself, in the style of the old cable
-- listings channels: the lower part of the picture scrolls the next
-- guide_hours of every enabled regular channel; the upper part shows what
-- guide_source_id is airing (NULL: promos from the library, else a branded
-- background); the audio is the music files of guide_music_dir in turn
-- (NULL: silence). Its fine log holds one generated item per slot, titled
-- "Program Guide", so the XMLTV guide, the M3U list and the HDHomeRun
-- lineup list it like any channel.
ALTER TABLE channels ADD COLUMN channel_type TEXT NOT NULL DEFAULT 'regular'
    CHECK (channel_type IN ('regular', 'guide'));
ALTER TABLE channels ADD COLUMN guide_source_id INTEGER
    REFERENCES channels (id) ON DELETE SET NULL;
ALTER TABLE channels ADD COLUMN guide_music_dir TEXT;
ALTER TABLE channels ADD COLUMN guide_hours INTEGER NOT NULL DEFAULT 2
    CHECK (guide_hours BETWEEN 1 AND 12);
