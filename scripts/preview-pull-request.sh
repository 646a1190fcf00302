#!/usr/bin/env bash
# The change preview of a pull request (docs/reviewing.md): each configuration file at the pull
# request's base, synthesized with the base's code, against the file and code of the pull request.
# Writes one Markdown report, posts it as a comment where it can, and exits as the preview does:
# 0 nothing live is replaced or deleted, 2 something is, 1 a configuration or ref is wrong.
#
#   BASE_REF          the base to compare with, e.g. origin/main (required; the checkout needs
#                     its history: actions/checkout with fetch-depth: 0)
#   PREVIEW_CONFIGS   configuration files, separated by spaces (default: $EKS_EDGE_CONFIG, else
#                     the built-in example)
#   PREVIEW_OUTPUT    the Markdown report (default: preview.md)
#   ALLOW_DISRUPTIVE  "true": a replacement or delete does not fail the job (e.g. from a label)
#   PR_NUMBER         with GH_TOKEN set and the GitHub CLI `gh` on PATH: the report is posted on
#                     this pull request, replacing the comment this script posted before (found
#                     by the marker on its first line; GH_REPO names the repository where the
#                     checkout's remote does not)
set -uo pipefail
cd "$(dirname "$0")/.."

: "${BASE_REF:?set BASE_REF to the pull request base, e.g. origin/main}"
configs=${PREVIEW_CONFIGS:-${EKS_EDGE_CONFIG:-config/example.yaml}}
output=${PREVIEW_OUTPUT:-preview.md}
allow=()
[ "${ALLOW_DISRUPTIVE:-}" = "true" ] && allow=(--allow-disruptive)

# GitHub refuses comments over 65,536 characters: a longer report is cut, with a note.
limit=60000
marker='<!-- eks-edge-preview -->'
worst=0
printf '%s\n' "$marker" >"$output"
for config in $configs; do
  errors=$(mktemp)
  CHECKPOINT_DISABLE=1 npm run -s preview -- --git "$BASE_REF" "$config" --format markdown \
    "${allow[@]}" >>"$output" 2>"$errors"
  code=$?
  if [ "$code" -eq 1 ]; then
    printf '## eks-edge preview of `%s`: failed\n\n```\n%s\n```\n\n' "$config" "$(cat "$errors")" \
      >>"$output"
  fi

  cat "$errors" >&2
  rm -f "$errors"
  # Anything but 0 and 2 is a failure; an error outranks a disruptive change (1 over 2 over 0).
  case "$code" in 0 | 2) ;; *) code=1 ;; esac
  if [ "$code" -eq 1 ] || { [ "$code" -eq 2 ] && [ "$worst" -ne 1 ]; }; then worst=$code; fi
done

size=$(wc -c <"$output")
if [ "$size" -gt "$limit" ]; then
  cut=$(mktemp)
  head -c "$limit" "$output" >"$cut"
  printf '\n\n_… cut at %s of %s characters (GitHub allows 65,536 in a comment): run `npm run preview -- --git %s` for the whole report._\n' \
    "$limit" "$size" "$BASE_REF" >>"$cut"
  mv "$cut" "$output"
fi

if [ -n "${PR_NUMBER:-}" ] && [ -n "${GH_TOKEN:-}" ] && command -v gh >/dev/null 2>&1; then
  # This script's own comment (its first line is the marker), not another workflow's.
  comments="repos/{owner}/{repo}/issues/$PR_NUMBER/comments"
  id=$(gh api "$comments" --paginate --jq ".[] | select(.body | startswith(\"$marker\")) | .id" |
    tail -n 1)
  if [ -n "$id" ]; then
    gh api -X PATCH "repos/{owner}/{repo}/issues/comments/$id" -F "body=@$output" >/dev/null
  else
    gh pr comment "$PR_NUMBER" --body-file "$output"
  fi || echo "preview: could not post the report on pull request $PR_NUMBER" >&2
fi
exit "$worst"
