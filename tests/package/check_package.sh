#!/usr/bin/env bash
# The Debian package (`make package`, cmake/Package.cmake): builds it with
# CPack from the release build as it is (no compile) into a temporary folder,
# then checks its control fields and maintainer scripts (dpkg-deb -I), its
# contents (dpkg-deb -c), the packaged unit file's hardening, and runs the
# packaged binary extracted into a temporary root (dpkg-deb -x): --version,
# --help, and `serve` with the packaged web app under the kernel's
# MemoryDenyWriteExecute (PR_SET_MDWE, what the unit asks of systemd). Never
# installs anything into the system.
# Usage: check_package.sh BUILD_DIR VERSION
set -euo pipefail
build=${1:?usage: check_package.sh BUILD_DIR VERSION}
version=${2:?usage: check_package.sh BUILD_DIR VERSION}

tmp=$(mktemp -d)
serve_pid=
cleanup() {
  if [[ -n $serve_pid ]]; then kill "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "check_package: FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "check_package: ok: $*"; }

# -- build ------------------------------------------------------------------
if ! cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log" >&2
  echo "check_package: FAIL: cpack could not build the package (log above)" >&2
  exit 1
fi
arch=$(dpkg --print-architecture)
deb="$tmp/out/hotline_${version}-1_${arch}.deb"
[[ -f $deb ]] || { ls -l "$tmp/out" >&2; echo "check_package: FAIL: expected $deb" >&2; exit 1; }
ok "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# -- control fields and maintainer scripts ----------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
expect_field() {
  local name=$1 want=$2 got
  got=$(field "$name")
  if [[ $got == "$want" ]]; then ok "$name: $got"; else fail "$name: expected '$want', found '$got'"; fi
}
expect_field Package hotline
expect_field Version "${version}-1"
expect_field Architecture "$arch"
[[ -n $(field Maintainer) ]] && ok "Maintainer: $(field Maintainer)" || fail "Maintainer: expected a value, found none"
[[ -n $(field Description) ]] || fail "Description: expected a value, found none"
# Depends from dpkg-shlibdeps: the libraries the binary links, with versions.
depends=$(field Depends)
names=$(sed 's/ *([^)]*)//g; s/, */\n/g' <<<"$depends")
for lib in libc6 libstdc++6 libssl3 libsqlite3-0 libsodium23 libjemalloc2 libpq5 libpqxx-6.4 libcairo2; do
  grep -Fxq "$lib" <<<"$names" || fail "Depends: expected $lib, found '$depends'"
done
grep -q '(>= ' <<<"$depends" || fail "Depends: expected versioned dependencies (dpkg-shlibdeps), found '$depends'"
ok "Depends: $depends"

mkdir "$tmp/control"
dpkg-deb -e "$deb" "$tmp/control"
for script in postinst prerm postrm; do
  f="$tmp/control/$script"
  if [[ -x $f ]] && sh -n "$f"; then ok "$script: executable, parses"; else fail "$script: expected an executable shell script"; fi
done
grep -qx /etc/default/hotline "$tmp/control/conffiles" && ok "conffiles: /etc/default/hotline" ||
  fail "conffiles: expected /etc/default/hotline, found '$(cat "$tmp/control/conffiles" 2>/dev/null)'"
# The data directory is never deleted by the scripts, whatever the argument
# (a message may tell the office how to do it).
if grep -En 'rm[[:space:]]+(-[a-zA-Z]+[[:space:]]+)*("?\$DATA|/var/lib/hotline)' \
  "$tmp/control/postrm" "$tmp/control/prerm" "$tmp/control/postinst" | grep -Ev '^[^:]+:[0-9]+:[[:space:]]*echo '; then
  fail "maintainer scripts: expected no rm of the data directory, found the lines above"
else
  ok "maintainer scripts: no rm of the data directory"
fi

# -- contents -----------------------------------------------------------------
dpkg-deb -c "$deb" >"$tmp/contents"
has() {
  local mode=$1 path=$2
  if grep -Eq "^${mode}[^ ]* root/root +[0-9]+ [0-9-]+ [0-9:]+ \./${path}\$" "$tmp/contents"; then
    ok "contains /$path"
  else
    fail "expected /$path (mode $mode, root/root) in the package"
  fi
}
has -rwxr-xr-x usr/bin/hotline
has -rw-r--r-- usr/lib/systemd/system/hotline.service
has -rw-r--r-- usr/lib/sysusers.d/hotline.conf
has -rw-r--r-- etc/default/hotline
has -rw-r--r-- usr/share/hotline/web/index.html
has -rw-r--r-- 'usr/share/hotline/web/assets/[^ ]+\.js'
has -rw-r--r-- usr/share/doc/hotline/copyright
has -rw-r--r-- usr/share/doc/hotline/README.md
has -rw-r--r-- usr/share/doc/hotline/operations.md
has -rw-r--r-- usr/share/doc/hotline/api/openapi.yaml
has -rw-r--r-- usr/share/man/man1/hotline.1.gz
# Nothing else: no data directory, nothing outside /usr and /etc/default.
outside=$(awk '{print $6}' "$tmp/contents" | grep -Ev '^\./($|usr/|etc/$|etc/default/)' || true)
[[ -z $outside ]] && ok "nothing outside /usr and /etc/default" ||
  fail "expected only /usr and /etc/default, found: $outside"
notroot=$(awk '$2 != "root/root" {print $6}' "$tmp/contents")
[[ -z $notroot ]] || fail "expected every file owned by root/root, found: $notroot"

# -- the unit file --------------------------------------------------------------
mkdir "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
unit="$tmp/root/usr/lib/systemd/system/hotline.service"
# The [Service] section's settings, NAME=VALUE, a repeated name's values joined
# by a space (systemd adds them up, as for SystemCallFilter).
service_setting() {
  awk -v want="$1" '
    /^\[/ { in_service = ($0 == "[Service]"); next }
    in_service && /^[A-Za-z]+=/ {
      i = index($0, "="); name = substr($0, 1, i - 1); value = substr($0, i + 1)
      if (name == want) { found = 1; all = (all == "" ? value : all " " value) }
    }
    END { if (found) print all; else print "<unset>" }' "$unit"
}
expect_unit() {
  local name=$1 want=$2 got
  got=$(service_setting "$name")
  if [[ $got == "$want" ]]; then ok "unit: $name=$got"; else fail "unit: expected $name=$want, found '$got'"; fi
}
expect_unit User hotline
expect_unit Group hotline
expect_unit ExecStart '/usr/bin/hotline serve --dir /var/lib/hotline $HOTLINE_SERVE_OPTS'
expect_unit EnvironmentFile -/etc/default/hotline
expect_unit NoNewPrivileges yes
expect_unit ProtectSystem strict
expect_unit ProtectHome yes
expect_unit PrivateTmp yes
expect_unit PrivateDevices yes
expect_unit ReadWritePaths /var/lib/hotline
expect_unit StateDirectory hotline
expect_unit StateDirectoryMode 0700
expect_unit RestrictAddressFamilies 'AF_UNIX AF_INET AF_INET6'
expect_unit SystemCallArchitectures native
expect_unit SystemCallFilter '@system-service ~@privileged @resources'
expect_unit CapabilityBoundingSet ''
expect_unit AmbientCapabilities ''
expect_unit LockPersonality yes
expect_unit MemoryDenyWriteExecute yes
expect_unit ProtectKernelTunables yes
expect_unit ProtectKernelModules yes
expect_unit ProtectKernelLogs yes
expect_unit ProtectControlGroups yes
expect_unit RestrictNamespaces yes
expect_unit RestrictRealtime yes
expect_unit RestrictSUIDSGID yes
expect_unit UMask 0077
expect_unit Restart on-failure
grep -Eq '^u hotline - "[^"]+" /var/lib/hotline$' "$tmp/root/usr/lib/sysusers.d/hotline.conf" &&
  ok "sysusers: the system user hotline, home /var/lib/hotline" ||
  fail "sysusers: expected 'u hotline - \"...\" /var/lib/hotline', found '$(cat "$tmp/root/usr/lib/sysusers.d/hotline.conf")'"
# systemd's own score (docs/operations.md gives it): 0 is best, 10 worst;
# the unit scored 1.2 when written, more than 2.0 means a setting went.
if command -v systemd-analyze >/dev/null; then
  score=$(systemd-analyze security --offline=yes "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for hotline.service: \([0-9.]*\).*/\1/p')
  if [[ -n $score ]] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    ok "systemd-analyze security: $score"
  else
    fail "systemd-analyze security: expected an exposure of at most 2.0, found '${score:-no score}'"
  fi
fi

# -- the packaged binary ------------------------------------------------------------
bin="$tmp/root/usr/bin/hotline"
got=$("$bin" --version)
[[ $got == "hotline $version" ]] && ok "--version: $got" || fail "--version: expected 'hotline $version', found '$got'"
if "$bin" --help >"$tmp/help" 2>&1 && grep -q '^  serve ' "$tmp/help"; then ok "--help lists serve"; else fail "--help: expected exit 0 and the serve command"; fi

# serve from the extracted root finds the packaged web app (<bin>/../share/
# hotline/web) and runs under MemoryDenyWriteExecute: PR_SET_MDWE (65) with
# PR_MDWE_REFUSE_EXEC_GAIN (1), inherited across exec (Linux 6.3 and later).
"$bin" init --dir "$tmp/node" --party "Package Test" >/dev/null
cat >"$tmp/mdwe.py" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0:
    print("mdwe: unavailable (errno %d)" % ctypes.get_errno(), file=sys.stderr)
else:
    print("mdwe: on", file=sys.stderr)
os.execv(sys.argv[1], sys.argv[1:])
PY
python3 "$tmp/mdwe.py" "$bin" serve --dir "$tmp/node" --listen 127.0.0.1:0 \
  --peer-listen 127.0.0.1:0 2>"$tmp/serve.log" &
serve_pid=$!
for _ in $(seq 1 100); do
  [[ -f $tmp/node/run/serve.json ]] && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -f $tmp/node/run/serve.json ]]; then
  url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["operator_url"])' "$tmp/node/run/serve.json")
  grep -q '^mdwe: on' "$tmp/serve.log" && ok "serve runs under MemoryDenyWriteExecute" ||
    echo "check_package: note: $(grep '^mdwe:' "$tmp/serve.log"): serve ran without it"
  grep -q "event=web_app root=\"$tmp/root/usr/share/hotline/web\"" "$tmp/serve.log" &&
    ok "serve found the packaged web app" ||
    fail "serve: expected event=web_app root=\"$tmp/root/usr/share/hotline/web\" in its log"
  health=$(curl -sk --max-time 10 "$url/health" || true)
  [[ $health == *'"status":"ok"'* ]] && ok "GET /health: $health" || fail "GET /health: expected status ok, found '$health'"
  page=$(curl -sk --max-time 10 "$url/" || true)
  [[ $page == "$(cat "$tmp/root/usr/share/hotline/web/index.html")" ]] && ok "GET / serves the packaged index.html" ||
    fail "GET /: expected the packaged index.html, found '${page:0:200}'"
  kill -TERM "$serve_pid"
  if wait "$serve_pid"; then ok "serve stopped on SIGTERM with 0"; else fail "serve: expected exit 0 on SIGTERM, found $?"; fi
else
  fail "serve: expected run/serve.json within 10 s; its log:"
  cat "$tmp/serve.log" >&2
fi
serve_pid=

# -- lintian, when installed (optional) ------------------------------------------------
if command -v lintian >/dev/null; then
  lintian --fail-on error "$deb" && ok "lintian: no errors" || fail "lintian: errors above"
fi

if [[ $failures -ne 0 ]]; then
  echo "check_package: $failures check(s) failed" >&2
  exit 1
fi
echo "check_package: all checks passed"
