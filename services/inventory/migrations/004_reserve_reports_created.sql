-- reserve_stock also says whether this call created the reservation (`created`). Only the first call for
-- an order creates it, and orders stores an order only after reserving its stock: so when the reservation
-- is new, no earlier request stored the order, and orders skips its replay lookup.
DROP FUNCTION reserve_stock(uuid, jsonb);

CREATE FUNCTION reserve_stock(p_order uuid, p_items jsonb)
RETURNS TABLE (status text, items jsonb, shortages text[], created boolean)
LANGUAGE plpgsql AS $$
DECLARE
  line record;
  held jsonb := '[]';
  missing text[] := '{}';
BEGIN
  INSERT INTO reservations (order_id, status, items) VALUES (p_order, 'reserved', p_items)
    ON CONFLICT (order_id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN QUERY SELECT r.status, r.items, NULL::text[], false FROM reservations r WHERE r.order_id = p_order;
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
    RETURN QUERY SELECT 'reserved'::text, p_items, NULL::text[], true;
    RETURN;
  END IF;
  -- all or nothing: give back what this call held
  UPDATE stock s SET reserved = s.reserved - (h->>'quantity')::int, version = s.version + 1, updated_at = now()
    FROM jsonb_array_elements(held) h WHERE s.product_id = (h->>'productId')::uuid;
  UPDATE reservations SET status = 'rejected', updated_at = now() WHERE order_id = p_order;
  RETURN QUERY SELECT 'rejected'::text, p_items, missing, true;
END $$;
