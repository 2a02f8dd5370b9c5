# syntax=docker/dockerfile:1
# One image for the gateway and every subgraph; the command chooses which (compose.yaml,
# deploy/kubernetes). Built once with esbuild: production runs plain `node`, never tsx.
#
#   docker build -t grondslag .
#   docker run --rm -e GRONDSLAG_ENV=production ... grondslag node stack/dist/subgraph.js identity

FROM node:20-bookworm-slim AS base
ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0 CI=true
RUN corepack enable
WORKDIR /app

# Install exactly the lockfile, build the two entries, then drop the development dependencies.
FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm build
RUN pnpm install --frozen-lockfile --prod --offline

# The runtime: the built entries, the production node_modules, and the files read at run time
# beside their sources (each subgraph's schema.graphql and drizzle migrations, the committed
# supergraph, the registered operations). Runs as the unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production GRONDSLAG_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /app /app
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
CMD ["node", "stack/dist/gateway.js"]
