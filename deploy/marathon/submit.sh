#!/usr/bin/env bash
# Submit (or update) the Sluice scheduler as a Marathon app.
#   deploy/marathon/submit.sh --marathon http://marathon:8080 [--update] [--file APP.json] [--token TOKEN]
# POST /v2/apps creates the app; --update PUTs /v2/apps/<id>. A 4xx from Marathon prints its
# message and exits 1; a connection failure exits 2.
set -euo pipefail

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

marathon="" update=0 token="${MARATHON_TOKEN:-}"
file="$(dirname "$0")/sluice-scheduler.json"
while [ $# -gt 0 ]; do
  case "$1" in
    --marathon) [ $# -ge 2 ] || usage; marathon="${2%/}"; shift 2 ;;
    --update) update=1; shift ;;
    --file) [ $# -ge 2 ] || usage; file="$2"; shift 2 ;;
    --token) [ $# -ge 2 ] || usage; token="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "submit.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$marathon" ] || { echo "submit.sh: --marathon URL is required" >&2; usage; }
[ -f "$file" ] || { echo "submit.sh: app definition '$file' not found" >&2; exit 2; }

id=$(sed -n 's/^ *"id" *: *"\([^"]*\)".*/\1/p' "$file" | head -n 1)
[ -n "$id" ] || { echo "submit.sh: '$file' has no \"id\"" >&2; exit 2; }

if [ "$update" -eq 1 ]; then
  method=PUT url="$marathon/v2/apps${id}"
else
  method=POST url="$marathon/v2/apps"
fi

auth=()
[ -n "$token" ] && auth=(-H "Authorization: token=$token")
response=$(mktemp)
trap 'rm -f "$response"' EXIT
if ! status=$(curl -sS -o "$response" -w '%{http_code}' -X "$method" "${auth[@]}" \
      -H 'Content-Type: application/json' --data-binary @"$file" "$url"); then
  echo "submit.sh: could not reach Marathon at $marathon" >&2
  exit 2
fi

case "$status" in
  2??)
    echo "submit.sh: $method $url → $status"
    cat "$response"; echo
    ;;
  *)
    message=$(sed -n 's/.*"message" *: *"\([^"]*\)".*/\1/p' "$response" | head -n 1)
    echo "submit.sh: Marathon answered $status to $method $url: ${message:-$(head -c 500 "$response")}" >&2
    exit 1
    ;;
esac
