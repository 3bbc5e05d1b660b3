# syntax=docker/dockerfile:1
# One image for the whole platform (issue #24): the service is chosen by the first argument,
#   docker run mercato catalog | gateway | simulators | mercato migrate
# Checked by tools/deploy/dockerfile.test.ts (hadolint is not installable here: a checklist).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Only the package manifests, so the dependency layers are rebuilt when they change, not
# on every source change (every workspace is found: a new service needs no edit here).
FROM base AS manifests
COPY . /src
RUN mkdir -p /out \
    && cd /src \
    && cp package.json package-lock.json /out/ \
    && find apps packages services -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

# Production dependencies only.
FROM base AS deps
ENV NODE_ENV=production
COPY --from=manifests /out/ ./
RUN npm ci --omit=dev && npm cache clean --force

# Everything, to build what has a build step (the web app, apps/web, when it exists).
FROM base AS build
COPY --from=manifests /out/ ./
RUN npm ci
COPY . .
RUN npm run build --workspaces --if-present \
    && mkdir -p /out \
    && for d in apps/*/dist; do if [ -d "$d" ]; then cp -r --parents "$d" /out/; fi; done

FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0
COPY --from=deps /app/ ./
COPY . .
COPY --from=build /out/ ./
RUN chmod 0555 deploy/entrypoint.sh
# Files stay root's and read-only to the process: the root filesystem can be mounted read-only.
USER node
EXPOSE 8080 8101-8115 8190-8191
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["node", "deploy/healthcheck.ts"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gateway"]
