-- Retrovue schema, migration 10: audio languages, the second audio
-- program, and picture shapes. A channel's audio_language becomes a list
-- in order of preference ("eng,spa"; the column is unchanged). A channel
-- may carry a second audio program (SAP) in sap_language: each item's
-- track in that language, else its main audio. aspect_policy says what
-- a picture of another shape than the channel's gets: letter- or
-- pillarboxed, stretched, or zoomed to fill; display_aspect ("4:3") is
-- the channel's own shape when its pixels are not square (720x480 at
-- 4:3), NULL when they are. A media file's audio_track is the operator's
-- choice of its audio for every airing: a language ("spa") or the
-- file's Nth audio track ("2"); NULL: the channel's languages choose.
ALTER TABLE channels ADD COLUMN sap_language TEXT;
ALTER TABLE channels ADD COLUMN aspect_policy TEXT NOT NULL DEFAULT 'pillarbox'
    CHECK (aspect_policy IN ('pillarbox', 'stretch', 'zoom'));
ALTER TABLE channels ADD COLUMN display_aspect TEXT;
ALTER TABLE media_files ADD COLUMN audio_track TEXT;
