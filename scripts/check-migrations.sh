#!/usr/bin/env bash
# Fails when a subgraph's drizzle tables changed without a committed migration: it runs
# drizzle-kit generate for every subgraph and looks for anything it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
npx -y pnpm@10 --silent db:generate >/dev/null
# `/*` and all untracked files: a pathspec's `*` must match the whole path, so the bare folder
# pattern matched no file in it and this check could never fail.
changes=$(git status --porcelain --untracked-files=all -- 'subgraphs/*/drizzle/*' 'integrations/*/drizzle/*')
if [ -n "$changes" ]; then
  echo "The committed migrations are stale; drizzle-kit generated:" >&2
  echo "$changes" >&2
  echo "Review the new migration, name it (drizzle-kit generate --name ...), and commit it." >&2
  exit 1
fi
echo "Migrations match the tables of all five subgraphs and the partner outbox."
