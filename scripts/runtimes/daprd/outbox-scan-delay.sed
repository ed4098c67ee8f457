# Applied at build time (build-dapr.sh) to a copy of the module and file on the `# file:` line (Dapr v1.18.2).
# file: github.com/dapr/dapr pkg/runtime/pubsub/outbox.go
# daprd publishes an outbox message to its internal topic before it commits the state transaction that
# carries the message's marker. Its handler then sleeps a fixed second (defaultStateScanDelay) before it
# reads the marker, so every event of the saga waited at least a second. Our transactions commit within
# milliseconds of that publish; a marker read before its commit is read again by the handler's backoff
# (first after ~500 ms), so a shorter wait loses nothing. 100 ms: created → confirmed p50 fell from ~1 s.
# expect: defaultStateScanDelay *= 100 \* time\.Millisecond$
s/^\(\tdefaultStateScanDelay *= \)time\.Second \* 1$/\1100 * time.Millisecond/
