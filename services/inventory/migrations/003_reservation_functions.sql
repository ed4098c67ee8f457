-- Reserve, commit and release as server-side functions: each is one round trip, so the stock row
-- locks (hot products under a checkout burst) are held for microseconds instead of several round trips.
-- Lines are taken in product id order, so concurrent calls lock rows in the same order (no deadlocks).

CREATE FUNCTION reserve_stock(p_order uuid, p_items jsonb)
RETURNS TABLE (status text, items jsonb, shortages text[])
LANGUAGE plpgsql AS $$
DECLARE
  line record;
  held jsonb := '[]';
  missing text[] := '{}';
BEGIN
  INSERT INTO reservations (order_id, status, items) VALUES (p_order, 'reserved', p_items)
    ON CONFLICT (order_id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN QUERY SELECT r.status, r.items, NULL::text[] FROM reservations r WHERE r.order_id = p_order;
    RETURN;
  END IF;
  FOR line IN
    SELECT (x->>'productId')::uuid AS product_id, (x->>'quantity')::int AS quantity
    FROM jsonb_array_elements(p_items) x ORDER BY 1
  LOOP
    UPDATE stock SET reserved = reserved + line.quantity, version = version + 1, updated_at = now()
      WHERE product_id = line.product_id AND available >= line.quantity;
    IF FOUND THEN
      held := held || jsonb_build_object('productId', line.product_id, 'quantity', line.quantity);
    ELSE
      missing := missing || line.product_id::text;
    END IF;
  END LOOP;
  IF cardinality(missing) = 0 THEN
    RETURN QUERY SELECT 'reserved'::text, p_items, NULL::text[];
    RETURN;
  END IF;
  -- all or nothing: give back what this call held
  UPDATE stock s SET reserved = s.reserved - (h->>'quantity')::int, version = s.version + 1, updated_at = now()
    FROM jsonb_array_elements(held) h WHERE s.product_id = (h->>'productId')::uuid;
  UPDATE reservations SET status = 'rejected', updated_at = now() WHERE order_id = p_order;
  RETURN QUERY SELECT 'rejected'::text, p_items, missing;
END $$;

-- reserved → committed; returns the status the reservation ends in (NULL when there is none)
CREATE FUNCTION commit_stock(p_order uuid)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  r reservations%ROWTYPE;
BEGIN
  SELECT * INTO r FROM reservations WHERE order_id = p_order FOR UPDATE;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF r.status <> 'reserved' THEN RETURN r.status; END IF;
  UPDATE stock s SET reserved = s.reserved - (x->>'quantity')::int, committed = s.committed + (x->>'quantity')::int,
      version = s.version + 1, updated_at = now()
    FROM jsonb_array_elements(r.items) x WHERE s.product_id = (x->>'productId')::uuid;
  UPDATE reservations SET status = 'committed', updated_at = now() WHERE order_id = p_order;
  RETURN 'committed';
END $$;

-- reserved (or, unless p_only_reserved, committed) → released; a 'released' tombstone when nothing
-- was reserved. Returns the status before the call ('none' for the tombstone case).
CREATE FUNCTION release_stock(p_order uuid, p_only_reserved boolean)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  r reservations%ROWTYPE;
BEGIN
  INSERT INTO reservations (order_id, status, items) VALUES (p_order, 'released', '[]')
    ON CONFLICT (order_id) DO NOTHING;
  IF FOUND THEN RETURN 'none'; END IF;
  SELECT * INTO r FROM reservations WHERE order_id = p_order FOR UPDATE;
  IF r.status NOT IN ('reserved', 'committed') OR (p_only_reserved AND r.status = 'committed') THEN
    RETURN r.status;
  END IF;
  IF r.status = 'reserved' THEN
    UPDATE stock s SET reserved = s.reserved - (x->>'quantity')::int, version = s.version + 1, updated_at = now()
      FROM jsonb_array_elements(r.items) x WHERE s.product_id = (x->>'productId')::uuid;
  ELSE
    UPDATE stock s SET committed = s.committed - (x->>'quantity')::int, version = s.version + 1, updated_at = now()
      FROM jsonb_array_elements(r.items) x WHERE s.product_id = (x->>'productId')::uuid;
  END IF;
  UPDATE reservations SET status = 'released', released_from = r.status, updated_at = now() WHERE order_id = p_order;
  RETURN r.status;
END $$;
