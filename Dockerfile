# syntax=docker/dockerfile:1
#
# Tawasul's production image. Not built by the test suite (no Docker engine runs on the project's
# machines); test/unit/deploy.test.ts reads this file and checks what it can: a node:24 base, a
# non-root user, production dependencies only and a HEALTHCHECK on /readyz. See "Production" in README.md.
#
#   docker build -t tawasul:latest .
#
# Node 24 LTS (Debian bookworm, slim). Pin a digest (node:24-bookworm-slim@sha256:...) where
# builds must be reproducible.

# ---- deps: production dependencies only (tsx, which runs the TypeScript sources, is one of them)
FROM node:24-bookworm-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime: the sources and what they read at run time, owned by root and read-only to the app
FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/tmp/tawasul
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY views ./views
COPY public ./public
COPY data/demo ./data/demo
# The image's own unprivileged user (uid 1000). It can write nothing under /app.
USER node
EXPOSE 3000
# Ready = the process answers and reaches its database (503 otherwise). Node has fetch; the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs (tsx src/server.ts), in one process: SIGTERM from `docker stop` reaches the
# server itself, which stops taking connections, finishes in-flight requests and closes the database.
CMD ["node", "--import", "tsx", "src/server.ts"]
