# Applied at build time (build-dapr.sh) to a copy of the module and file on the `# file:` line (Dapr v1.18.2).
# file: github.com/dapr/dapr pkg/runtime/pubsub/outbox.go
# Its outbox handler builds an ExponentialBackOff literal without `Stop`, so after MaxElapsedTime (10 s)
# NextBackOff returns 0 instead of backoff.Stop and backoff.Retry polls the state store in a hot loop for
# ever: every outbox message whose state transaction failed (an ETag conflict) leaves a goroutine spinning
# on Postgres, and outboxDiscardWhenMissingState never takes effect. Setting Stop ends the retries.
# expect: Stop: *backoff\.Stop,
/^\t*Multiplier: *3,$/{
p
s/Multiplier: *3,/Stop:                backoff.Stop,/
}
