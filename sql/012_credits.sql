-- Retrovue schema, migration 12: what a channel does with a programme's
-- end credits in a tight slot (a programme that runs over its slots by
-- less than its credits, or leaves its breaks no room): 'keep' airs them
-- whole (the programme takes the next slot too), 'squeeze' keeps what
-- fits of them, 'cut' ends the programme where its credits start.
ALTER TABLE channels ADD COLUMN credits TEXT NOT NULL DEFAULT 'keep'
    CHECK (credits IN ('keep', 'squeeze', 'cut'));
