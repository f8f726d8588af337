#!/usr/bin/env bash
# The auditor's path end to end: two real nodes exchange messages over their
# mutual-TLS link, each exports its ledger, and tests/auditor/check_export.py
# (Python, hashlib and PyNaCl only) checks both exports. Then one byte of an
# export is changed, and the checker must refuse it.
#
# When this build has `hotline alert`, the nodes also agree and exchange a
# TLP:RED alert (raised by alpha, acknowledged by bravo) and an AMBER one:
# the RED alert's content must be in neither export (its envelopes are
# exported as leaf hashes only, docs/auditing.md), and the exports must
# still check.
#
# Usage: run.sh HOTLINE_BIN   (ctest passes the built binary)
set -euo pipefail

bin=${1:?usage: run.sh HOTLINE_BIN}
here=$(cd "$(dirname "$0")" && pwd)
checker="$here/check_export.py"

py=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import nacl.signing' 2>/dev/null; then
    py=$candidate
    break
  fi
done
if [[ -z $py ]]; then
  echo "run.sh: no python3 with PyNaCl; install python3-nacl (scripts/bootstrap does)" >&2
  exit 1
fi

# Heads every second when this build has the option, so that the exports
# also hold heads received from the peer (else only the node's own).
head_opt=()
if "$bin" serve --help 2>/dev/null | grep -q -- --head-interval; then head_opt=(--head-interval 1); fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hotline-auditor-XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

json_get() {  # json_get FILE EXPRESSION  (EXPRESSION in Python over `j`)
  "$py" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

"$bin" init --dir "$tmp/a" --party Alpha >/dev/null
"$bin" init --dir "$tmp/b" --party Bravo >/dev/null
for n in a b; do
  "$bin" serve --dir "$tmp/$n" --listen 127.0.0.1:0 --peer-listen 127.0.0.1:0 \
    "${head_opt[@]}" 2>"$tmp/$n.log" &
  pids+=($!)
done
for n in a b; do
  for _ in $(seq 200); do [[ -s $tmp/$n/run/serve.json ]] && break; sleep 0.05; done
  [[ -s $tmp/$n/run/serve.json ]] || { echo "node $n did not start:"; cat "$tmp/$n.log"; exit 1; }
done
url_a=$(json_get "$tmp/a/run/serve.json" 'j["peer_url"]')
url_b=$(json_get "$tmp/b/run/serve.json" 'j["peer_url"]')
"$bin" peer add --dir "$tmp/a" --name bravo --url "$url_b" --key "$(cat "$tmp/b/identity.pub")" >/dev/null
"$bin" peer add --dir "$tmp/b" --name alpha --url "$url_a" --key "$(cat "$tmp/a/identity.pub")" >/dev/null

red_summary="Exfiltration to 198.51.100.23 by actor REDSUMMARY-c41e"
red_details="Informant REDDETAILS-8a2f: do not share"
amber_summary="Scanning from 203.0.113.0/24 AMBERSUMMARY-5d09"
items=""
if "$bin" alert raise --help >/dev/null 2>&1; then
  items=1
  "$bin" agreement propose --dir "$tmp/a" --peer bravo >/dev/null
  ok=""
  for _ in $(seq 300); do
    if "$bin" agreement accept --dir "$tmp/b" --peer alpha >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.1
  done
  [[ -n $ok ]] || { echo "bravo never received alpha's agreement proposal"; cat "$tmp/a.log" "$tmp/b.log"; exit 1; }
  ok=""
  for _ in $(seq 300); do
    "$bin" agreement show --dir "$tmp/a" --peer bravo --json >"$tmp/agreement.json"
    if [[ $(json_get "$tmp/agreement.json" 'j["current"] is not None') == True ]]; then ok=1; break; fi
    sleep 0.1
  done
  [[ -n $ok ]] || { echo "alpha never saw the agreement accepted"; exit 1; }
  "$bin" alert raise --dir "$tmp/a" --to bravo --summary "$red_summary" --details "$red_details" \
    --tlp TLP:RED --as duty-a >/dev/null
  "$bin" alert raise --dir "$tmp/a" --to bravo --summary "$amber_summary" --tlp TLP:AMBER \
    --as duty-a >/dev/null
  red_id=""
  for _ in $(seq 300); do
    "$bin" alert list --dir "$tmp/b" --all --json >"$tmp/alerts.json"
    red_id=$(RED="$red_summary" json_get "$tmp/alerts.json" '([a["id"] for a in j if a.get("summary") == __import__("os").environ["RED"]] + [""])[0]')
    [[ -n $red_id ]] && break
    sleep 0.1
  done
  [[ -n $red_id ]] || { echo "the TLP:RED alert did not reach bravo"; cat "$tmp/alerts.json"; exit 1; }
  "$bin" alert ack --dir "$tmp/b" "$red_id" --as duty-b >/dev/null
fi

for i in 1 2 3; do "$bin" send --dir "$tmp/a" --to bravo "Message $i from Alpha: ünïcödé \"quoted\"" >/dev/null; done
for i in 1 2; do "$bin" send --dir "$tmp/b" --to alpha "Message $i from Bravo" >/dev/null; done

delivered() {  # delivered DIR PEER COUNT: COUNT of ours receipted, nothing queued
  "$bin" peer list --dir "$1" --json >"$tmp/peers.json"
  [[ $(json_get "$tmp/peers.json" "[p for p in j if p['name']=='$2'][0]['last_receipted_out'] >= $3 and [p for p in j if p['name']=='$2'][0]['queue'] == 0") == True ]]
}
ok=""
for _ in $(seq 300); do
  if delivered "$tmp/a" bravo 3 && delivered "$tmp/b" alpha 2; then ok=1; break; fi
  sleep 0.1
done
[[ -n $ok ]] || { echo "messages were not delivered"; cat "$tmp/a.log" "$tmp/b.log"; exit 1; }

if ((${#head_opt[@]})); then
  for n in a b; do
    ok=""
    for _ in $(seq 100); do
      "$bin" ledger status --dir "$tmp/$n" --json >"$tmp/status.json"
      if [[ $(json_get "$tmp/status.json" 'j["peers"][0]["latest_head"] is not None') == True ]]; then ok=1; break; fi
      sleep 0.1
    done
    [[ -n $ok ]] || { echo "node $n received no tree head from its peer"; exit 1; }
  done
fi

for n in a b; do
  "$bin" ledger verify --dir "$tmp/$n"
  "$bin" ledger export --dir "$tmp/$n" --out "$tmp/$n.jsonl"
  "$py" "$checker" "$tmp/$n.jsonl" --key "$(cat "$tmp/$n/identity.pub")" | tee "$tmp/check.txt"
  if [[ -n $items ]]; then
    for secret in "$red_summary" "$red_details" REDSUMMARY-c41e REDDETAILS-8a2f 198.51.100.23; do
      if grep -qF -- "$secret" "$tmp/$n.jsonl"; then
        echo "the export of node $n carries TLP:RED content: $secret"
        exit 1
      fi
    done
    grep -qF -- "$amber_summary" "$tmp/$n.jsonl" || { echo "the export of node $n lacks the AMBER alert"; exit 1; }
    # alpha's raise and bravo's acknowledgement, on each node.
    [[ $(grep -c '"redacted":"TLP:RED"' "$tmp/$n.jsonl") == 2 ]] || { echo "node $n: expected 2 redacted leaves"; exit 1; }
    grep -q "2 leaves are envelopes of TLP:RED items" "$tmp/check.txt" || { echo "the checker did not report the redacted leaves"; exit 1; }
  fi
done

expect_refused() {  # expect_refused WHAT FILE [ARGS...]
  local what=$1 file=$2
  shift 2
  if "$py" "$checker" "$file" "$@" >"$tmp/out.txt"; then
    echo "the checker accepted an export with $what:"
    cat "$tmp/out.txt"
    exit 1
  fi
  echo "refused as expected ($what):"
  grep -m3 FAIL "$tmp/out.txt" | sed 's/^/  /'
}

# One byte of a message changed.
sed '0,/Message 2 from Alpha/s//Message 7 from Alpha/' "$tmp/b.jsonl" >"$tmp/body.jsonl"
cmp -s "$tmp/b.jsonl" "$tmp/body.jsonl" && { echo "tamper did not apply"; exit 1; }
expect_refused "one byte of a message changed" "$tmp/body.jsonl"

# One hex digit of a signed root changed.
"$py" - "$tmp/a.jsonl" "$tmp/root.jsonl" <<'EOF'
import json, sys
out = []
done = False
for line in open(sys.argv[1]):
    j = json.loads(line)
    if not done and j["type"] == "head" and j["link"] == "":
        r = j["root"]
        j["root"] = ("1" if r[0] != "1" else "2") + r[1:]
        line = json.dumps(j, ensure_ascii=False, separators=(",", ":")) + "\n"
        done = True
    out.append(line)
open(sys.argv[2], "w").write("".join(out))
EOF
expect_refused "a changed root" "$tmp/root.jsonl"

# A leaf left out.
awk 'BEGIN{n=0} /"type":"leaf"/ && n==0 && /"index":2,/ {n=1; next} {print}' "$tmp/a.jsonl" >"$tmp/gap.jsonl"
cmp -s "$tmp/a.jsonl" "$tmp/gap.jsonl" && { echo "tamper did not apply"; exit 1; }
expect_refused "a leaf removed" "$tmp/gap.jsonl"

# A receipt moved to another place in the batch its signature covers.
"$py" - "$tmp/a.jsonl" "$tmp/batch.jsonl" <<'EOF'
import json, sys
out = []
done = False
for line in open(sys.argv[1]):
    j = json.loads(line)
    if not done and j["type"] == "leaf" and j.get("batch"):
        j["batch"]["size"] += 1
        j["batch"]["position"] = j["batch"]["size"] - 1
        line = json.dumps(j, ensure_ascii=False, separators=(",", ":")) + "\n"
        done = True
    out.append(line)
if not done:
    sys.exit("no receipt signed in a batch in the export")
open(sys.argv[2], "w").write("".join(out))
EOF
expect_refused "a receipt's place in its signed batch changed" "$tmp/batch.jsonl"

if [[ -n $items ]]; then
  # A withheld leaf is acceptable only as TLP:RED; unmarked, it is a missing item.
  sed '0,/"redacted":"TLP:RED"/s//"redacted":"AMBER"/' "$tmp/a.jsonl" >"$tmp/mark.jsonl"
  cmp -s "$tmp/a.jsonl" "$tmp/mark.jsonl" && { echo "tamper did not apply"; exit 1; }
  expect_refused "a leaf withheld for another reason than TLP:RED" "$tmp/mark.jsonl"
  sed '0,/"redacted":"TLP:RED"/s//"redacted":null/' "$tmp/a.jsonl" >"$tmp/unmarked.jsonl"
  expect_refused "a withheld leaf not marked TLP:RED" "$tmp/unmarked.jsonl"
  # The leaf hash of a redacted leaf is taken as it is, but the roots must
  # still match it.
  "$py" - "$tmp/a.jsonl" "$tmp/redhash.jsonl" <<'EOF'
import json, sys
out = []
done = False
for line in open(sys.argv[1]):
    j = json.loads(line)
    if not done and j.get("redacted") == "TLP:RED":
        h = j["leaf_hash"]
        j["leaf_hash"] = ("1" if h[0] != "1" else "2") + h[1:]
        line = json.dumps(j, ensure_ascii=False, separators=(",", ":")) + "\n"
        done = True
    out.append(line)
open(sys.argv[2], "w").write("".join(out))
EOF
  expect_refused "the leaf hash of a redacted leaf changed" "$tmp/redhash.jsonl"
fi

# The right export, but not of the key the auditor expects.
expect_refused "another node's key" "$tmp/a.jsonl" --key "$(cat "$tmp/b/identity.pub")"

echo "auditor check: OK"
