-- One reservation per order: reserve, commit and release are keyed by order id and idempotent.
-- `rejected` records an out-of-stock answer so that a retried reserve gives the same answer;
-- `released` without a prior reserve is a tombstone, so a late reserve cannot hold stock for a dead order.
CREATE TABLE reservations (
  order_id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('reserved', 'committed', 'released', 'rejected')),
  -- [{ productId, quantity }] sorted by productId, as reserved
  items jsonb NOT NULL,
  -- the status the reservation was released from (what the release gave back)
  released_from text CHECK (released_from IN ('reserved', 'committed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
