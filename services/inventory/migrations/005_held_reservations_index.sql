-- Orders' expiry sweep asks for reservations still held long after any order could still need them (an
-- order write that never committed leaves its reservation behind). This partial index keeps that question
-- to the few rows still `reserved`, however many orders the table has seen.
CREATE INDEX reservations_held_since ON reservations (updated_at) WHERE status = 'reserved';
