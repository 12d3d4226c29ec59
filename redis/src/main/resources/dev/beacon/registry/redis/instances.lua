-- The live instances of one service, in one round trip: ids with a lease ending after the server's now, then their
-- JSON. KEYS[1] instances hash, KEYS[2] leases zset.
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. server_now(), '+inf')
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
return result
