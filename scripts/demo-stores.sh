#!/usr/bin/env bash
# Two cities on loopback (窓口市 149802, 東窓市 149829) with a store hub and copier, and the relay between the
# cities for 広域交付. Seeds both cities and issues demo cards on first run (PIN 1234: an adult and a child in each
# city, and the 窓口市 adult's smartphone certificate), then serves until Ctrl-C. Open the copier at http://127.0.0.1:8095/ . Prints land in
# madoguchi-data/stores/prints. The law's cases (系譜 幸子 …) live in 東窓市, so 窓口市's counter prints them by 広域交付.
# The clock starts at MADOGUCHI_CLOCK (default 2026-11-24T10:00:00+09:00, inside store hours) and runs on.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh
ensure_swift
ensure_debian_packages sqlite3
swift build -c release --product madoguchi
B=.build/release/madoguchi
D=madoguchi-data/stores
export MADOGUCHI_CLOCK="${MADOGUCHI_CLOCK:-2026-11-24T10:00:00+09:00}"
mkdir -p "$D/cards" "$D/prints"
# The hub's signing key (its public half goes to the cities' hub-keys file) and the store chain's secret at the hub,
# made once and readable by their owner only (ADR 0009 §3).
if [ ! -f "$D/hub.key" ]; then
  $B hub keygen --id demo-hub-1 --out "$D/hub.key" > "$D/hub-keys"
  umask 077
  printf 'MADOGUCHI-MART %s\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$D/chains"
  umask 022
fi
export MADOGUCHI_STORE_TOKEN=$(awk '$1 == "MADOGUCHI-MART" { print $2 }' "$D/chains")
# Each city's relay secret, made once and readable by its owner only.
if [ ! -f "$D/relay-secrets" ]; then
  umask 077
  printf '149802 %s\n149829 %s\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$D/relay-secrets"
  umask 022
fi
secret() { awk -v c="$1" '$1 == c { print $2 }' "$D/relay-secrets"; }
# The counter clerk's password at 窓口市 中央区役所, made once and readable by its owner only.
if [ ! -f "$D/staff-password" ]; then
  umask 077
  head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$D/staff-password"
  umask 022
fi
card() {  # city-db file-name age-condition [issue options…]
  local id
  id=$(sqlite3 "$1" "SELECT r.id FROM resident r WHERE r.removedOn IS NULL AND $3
    AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id)
    AND EXISTS (SELECT 1 FROM sealRegistration s WHERE s.residentId = r.id OR r.birthDate > '2014-01-01') ORDER BY r.id LIMIT 1")
  $B card issue --db "$1" --resident "$id" --pin 1234 --out "$D/cards/$2" "${@:4}"
}
if [ ! -f "$D/madoguchi.sqlite" ]; then
  $B seed --db "$D/madoguchi.sqlite" --residents 5000 --no-cases
  MADOGUCHI_STAFF_PASSWORD=$(cat "$D/staff-password") $B staff add clerk --db "$D/madoguchi.sqlite" --name "窓口 花子" \
    --roles clerk,supervisor --facility chuo-ward-office
  card "$D/madoguchi.sqlite" madoguchi-adult.json "r.birthDate < '1990-01-01'"
  card "$D/madoguchi.sqlite" madoguchi-child.json "r.birthDate > '2014-01-01'"
  # The adult's スマホ用電子証明書 too: held to the reader, unlocked on the phone by PIN 1234 or biometrics.
  card "$D/madoguchi.sqlite" madoguchi-adult-phone.json "r.birthDate < '1990-01-01'" --medium smartphone --biometric
fi
if [ ! -f "$D/higashimado.sqlite" ]; then
  $B seed --db "$D/higashimado.sqlite" --residents 5000 --seed 2 --city 149829 --city-name 東窓市
  card "$D/higashimado.sqlite" higashimado-adult.json "r.birthDate < '1990-01-01'"
fi
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
MADOGUCHI_RELAY_TOKEN=$(secret 149802) MADOGUCHI_RELAY_URL=http://127.0.0.1:8070 \
  $B serve --db "$D/madoguchi.sqlite" --port 8081 --hub-keys "$D/hub-keys" > "$D/madoguchi.log" 2>&1 & pids+=($!)
MADOGUCHI_RELAY_TOKEN=$(secret 149829) MADOGUCHI_RELAY_URL=http://127.0.0.1:8070 \
  $B serve --db "$D/higashimado.sqlite" --port 8082 --city 149829 --city-name 東窓市 --hub-keys "$D/hub-keys" \
  > "$D/higashimado.log" 2>&1 & pids+=($!)
$B relay --port 8070 --city 149802=http://127.0.0.1:8081 --city 149829=http://127.0.0.1:8082 --secrets "$D/relay-secrets" \
  > "$D/relay.log" 2>&1 & pids+=($!)
$B hub --port 8090 --city 149802=http://127.0.0.1:8081 --city 149829=http://127.0.0.1:8082 --key "$D/hub.key" --chains "$D/chains" \
  > "$D/hub.log" 2>&1 & pids+=($!)
$B store --port 8095 --hub http://127.0.0.1:8090 --cards "$D/cards" --prints "$D/prints" > "$D/store.log" 2>&1 & pids+=($!)
sleep 2
echo "店舗端末 / store copier: http://127.0.0.1:8095/   (cards in $D/cards, PIN 1234)"
echo "コマンドで / from the command line:"
echo "  export MADOGUCHI_STORE_TOKEN=\$(awk '{ print \$2 }' $D/chains)   # the store chain's secret at the hub"
echo "  $B kiosk --hub http://127.0.0.1:8090 --card $D/cards/madoguchi-adult.json --pin 1234 --kind residentRecordCopy --out /tmp/juminhyo.pdf"
echo "精算 / settlement: curl -H \"Authorization: Bearer \$MADOGUCHI_STORE_TOKEN\" 'http://127.0.0.1:8090/kiosk/v1/settlement?month=${MADOGUCHI_CLOCK:0:7}'"
echo "広域交付 / wide-area: http://127.0.0.1:8081/counter/wide-area (窓口市: login clerk, password in $D/staff-password) prints 東窓市's records"
wait
