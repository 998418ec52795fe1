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
