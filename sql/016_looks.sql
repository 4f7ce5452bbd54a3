-- Retrovue schema, migration 13: a channel's look. look: 'clean', or
-- 'crt' (scan lines, bloom, softness, vignette, rounded corners) or 'vhs'
-- (chroma bleed and shift, softness, tape noise, the head-switching band,
-- a tracking wobble now and then), made in the channel's tail graph.
-- look_strength: how strong, 1 to 100. look_alerts: 1 the look covers an
-- emergency alert's crawl or slate too, 0 the alert stays crisp over it.
ALTER TABLE channels ADD COLUMN look TEXT NOT NULL DEFAULT 'clean'
    CHECK (look IN ('clean', 'crt', 'vhs'));
ALTER TABLE channels ADD COLUMN look_strength INTEGER NOT NULL DEFAULT 50
    CHECK (look_strength BETWEEN 1 AND 100);
ALTER TABLE channels ADD COLUMN look_alerts INTEGER NOT NULL DEFAULT 1
    CHECK (look_alerts IN (0, 1));
