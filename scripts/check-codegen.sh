#!/usr/bin/env bash
# Fails when a subgraph's resolver types are stale: it regenerates them from every subgraph's
# schema.graphql (GraphQL Code Generator, codegen.ts) and looks for anything that changed.
set -euo pipefail
cd "$(dirname "$0")/.."
npx -y pnpm@10 --silent codegen --silent
# `/*`: a pathspec's `*` must match the whole path, so a bare folder pattern matches no file in it.
changes=$(git status --porcelain --untracked-files=all -- 'subgraphs/*/src/generated/*')
if [ -n "$changes" ]; then
  echo "The committed resolver types are stale; pnpm codegen changed:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- 'subgraphs/*/src/generated/*' >&2
  echo "Run \`pnpm codegen\` after changing a subgraph's schema.graphql, and commit the result." >&2
  exit 1
fi
echo "Resolver types match the SDL of all five subgraphs."
