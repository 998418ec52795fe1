# The wrk script for POST /api/v1/certificates: each request a new approved 住民票の写し for one of `ids` with its
# own Idempotency-Key. Sourced by the issuance benches; the caller appends its own done().
# usage: issue_lua FILE IDS TOKEN ACCEPT KEY_PREFIX
issue_lua() {
  local file=$1 ids=$2 token=$3 accept=$4 prefix=$5
  cat > "$file" <<LUA
local ids = {$ids}
local n = 0
local threads = 0
-- thread_id is a global set in each thread's own Lua state by setup().
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
function request()
  n = n + 1
  local id = ids[(n * 7 + thread_id * 131) % #ids + 1]
  local body = string.format('{"kind":"residentRecordCopy","subjectId":%d,"facilityId":"chuo-ward-office",' ..
    '"requester":{"class":"self","residentId":%d,"identityDocuments":["myNumberCard"]}}', id, id)
  local headers = {["Authorization"] = "Bearer $token", ["X-Madoguchi-Purpose"] = "certificate", ["Content-Type"] = "application/json",
    ["Accept"] = "$accept", ["Idempotency-Key"] = string.format("$prefix-%d-%09d", thread_id, n)}
  return wrk.format("POST", "/api/v1/certificates", headers, body)
end
LUA
}

# A 20,000-person demo city in DB for the issuance benches, with a counter terminal's credential at 中央区役所 in
# $token (the server bootstraps its admin on start; this needs no password) and, in $ids, current residents without
# 支援措置, so that each request is one the rules approve.
# usage: bench_city DB BIN
bench_city() {
  local db=$1 bin=$2
  "$bin" seed --db "$db" --residents 20000 >/dev/null
  token=$("$bin" staff token --db "$db" --label bench --roles clerk --facility chuo-ward-office | awk '{print $NF}')
  ids=$(sqlite3 "$db" "SELECT id FROM resident r WHERE removedOn IS NULL AND NOT EXISTS
    (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id) ORDER BY id LIMIT 5000" | paste -sd, -)
}
