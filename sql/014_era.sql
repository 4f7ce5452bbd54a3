-- Retrovue schema: commercials and bumpers of their time.
--
-- media_files.production_year: the year its source gives (Plex's year, an
-- .nfo's <year> or the year of its <aired> date, a name like "Ad (1987)").
-- content_scheduling_metadata.production_year: a year set by hand
-- ('content set ID year=1987') or by <retrovue><year>; it wins.
-- content_scheduling_metadata.series_title: the series a bumper belongs to
-- ('content set ID series="Cheers"', <retrovue><series>): it airs in that
-- series' breaks only, before any bumper of no series.
-- channels.era: the years a channel's breaks prefer ("1980-1989"), or
-- "programme" for the decade of the programme each break is in; NULL none.
ALTER TABLE media_files ADD COLUMN production_year INTEGER;
ALTER TABLE content_scheduling_metadata ADD COLUMN production_year INTEGER;
ALTER TABLE content_scheduling_metadata ADD COLUMN series_title TEXT;
ALTER TABLE channels ADD COLUMN era TEXT;
