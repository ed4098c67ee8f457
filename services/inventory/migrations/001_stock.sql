-- Stock per product. `reserved` is held for orders awaiting payment, `committed` is sold (paid) but
-- still counted on hand until it ships; what can still be sold is on_hand - reserved - committed.
CREATE TABLE stock (
  product_id uuid PRIMARY KEY,
  on_hand integer NOT NULL DEFAULT 0 CONSTRAINT stock_on_hand_nonnegative CHECK (on_hand >= 0),
  reserved integer NOT NULL DEFAULT 0 CONSTRAINT stock_reserved_nonnegative CHECK (reserved >= 0),
  committed integer NOT NULL DEFAULT 0 CONSTRAINT stock_committed_nonnegative CHECK (committed >= 0),
  available integer GENERATED ALWAYS AS (on_hand - reserved - committed) STORED,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- no code path can oversell: an UPDATE that would make available negative fails as a whole
  CONSTRAINT stock_available_nonnegative CHECK (on_hand - reserved - committed >= 0)
);
