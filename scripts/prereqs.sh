# Shared by test.sh, local.sh and bench.sh: install only what is missing.
# Sourced, not run.

# Debian packages the tests use: a real ZooKeeper server and Apache's C client,
# kcat as an independent Kafka client, the official Mesos v1 protos with protoc
# for the conformance tests, and headless Chromium for the dashboard's browser tests.
SLUICE_TEST_APT_PACKAGES=(
  zookeeper libzookeeper-mt2 netcat-openbsd kcat
  protobuf-compiler golang-github-mesos-mesos-go-dev golang-github-gogo-protobuf-dev
  chromium
)

sluice_log() { printf '\033[1m[sluice]\033[0m %s\n' "$*" >&2; }

sluice_ensure_apt() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    sluice_log "missing packages ${missing[*]} and no apt-get to install them"
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  sluice_log "installing ${missing[*]}"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

sluice_ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    sluice_log "the .NET 10 SDK is required (dotnet not found on PATH)"
    return 1
  fi
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}
