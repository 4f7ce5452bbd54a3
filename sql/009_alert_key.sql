-- Retrovue schema, migration 9: an alert carries a key made by its sender.
-- A sender that did not hear back (a timeout, a lost connection) sends the
-- same alert again with the same key; the station finds the key and airs
-- nothing twice. Alerts sent before this migration, and by senders that
-- make no key, have none.
ALTER TABLE emergency_alerts ADD COLUMN send_key TEXT;
CREATE UNIQUE INDEX emergency_alerts_send_key ON emergency_alerts (send_key)
    WHERE send_key IS NOT NULL;
