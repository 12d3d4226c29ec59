-- The live instances of one service, in one round trip: {{json1, json2, ...}, {id, maintenance, ...}}, the JSON of the
-- ids with a lease ending after the server's now, then the maintenance records in force among those ids.
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3] maintenance hash, KEYS[4] maintenance deadlines (unused).
local now = server_now()
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf')
local result = {}
-- HMGET in chunks: unpack() of more than a few thousand values overflows Lua's C stack
for i = 1, #ids, 1000 do
  local chunk = {}
  for j = i, math.min(i + 999, #ids) do chunk[#chunk + 1] = ids[j] end
  local values = redis.call('HMGET', KEYS[1], unpack(chunk))
  for j = 1, #values do
    if values[j] then result[#result + 1] = values[j] end
  end
end
return {result, maintenance_among(ids, now)}
