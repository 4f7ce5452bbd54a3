-- Retrovue schema, migration 13: master-control alarms and the sound
-- under generated items.
--
-- Each channel's output is watched for dead air (sound below -60 dBFS),
-- black and a frozen picture; an alarm is raised once the condition has
-- lasted the channel's threshold, in seconds (0: that alarm is off).
-- alarm_action_s: once an alarm has lasted this long in an item, the item
-- is cut and the slate airs until the next one (0: never, the default).
-- card_audio: the sound under the generated cards, the slate and a guide
-- without music: 'music' (the music folder, guide_music_dir, when there is
-- one, else a generated bed), 'tone' (the generated bed) or 'silence'.
ALTER TABLE channels ADD COLUMN alarm_dead_air_s INTEGER NOT NULL DEFAULT 5
    CHECK (alarm_dead_air_s BETWEEN 0 AND 3600);
ALTER TABLE channels ADD COLUMN alarm_black_s INTEGER NOT NULL DEFAULT 5
    CHECK (alarm_black_s BETWEEN 0 AND 3600);
ALTER TABLE channels ADD COLUMN alarm_frozen_s INTEGER NOT NULL DEFAULT 20
    CHECK (alarm_frozen_s BETWEEN 0 AND 3600);
ALTER TABLE channels ADD COLUMN alarm_action_s INTEGER NOT NULL DEFAULT 0
    CHECK (alarm_action_s BETWEEN 0 AND 3600);
ALTER TABLE channels ADD COLUMN card_audio TEXT NOT NULL DEFAULT 'music'
    CHECK (card_audio IN ('music', 'tone', 'silence'));
