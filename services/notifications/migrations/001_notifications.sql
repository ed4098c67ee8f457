-- One row per consumed event; the unique event id makes a redelivery a no-op in the same statement
-- that records it. `seq` is the SSE event id a client resumes from (Last-Event-ID).
CREATE TABLE notifications (
  seq bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  user_id text NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_seq ON notifications (user_id, seq);
