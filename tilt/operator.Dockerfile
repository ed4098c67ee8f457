# The operator for Tilt: its TypeScript run as it is (Node strips the types) under `node --watch-path`, with
# the sources owned by the operator's user so that live_update (tar through exec) can replace them.
# operator/Dockerfile builds the production image, an esbuild bundle without the sources.
# Context: the repository root (its .dockerignore). Classic-builder compatible.
ARG BASE_IMAGE=node:24-bookworm-slim
# The npm layer (images/npm-cache/Dockerfile), which the Tiltfile builds too.
ARG NPM_CACHE_IMAGE=shopstack.local/npm-cache:local

# every workspace: cdk8s derives objects from the services' manifests, which import their config schemas
FROM ${NPM_CACHE_IMAGE} AS deps
RUN npm ci --omit=dev --prefer-offline --ignore-scripts --no-audit --no-fund --include-workspace-root=false \
      --workspaces

FROM ${BASE_IMAGE}
ENV NODE_ENV=development
WORKDIR /app
COPY --from=deps /app/ /app/
COPY --chown=10001:10001 services/ /app/services/
COPY --chown=10001:10001 cdk8s/src/ /app/cdk8s/src/
COPY --chown=10001:10001 operator/src/ /app/operator/src/
USER 10001:10001
# directories, not files: tar replaces a file (a new inode), which watching the file itself misses
ENTRYPOINT ["sh", "-c", "exec node --watch-path=operator/src --watch-path=cdk8s/src $(for d in services/*/src; do printf -- '--watch-path=%s ' \"$d\"; done) operator/src/main.ts"]
