-- The live instances of one service with their lease deadlines, in one round trip:
-- {{json1, deadline1, json2, ...}, {id, maintenance, ...}}, then the maintenance records in force.
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3] maintenance hash, KEYS[4] maintenance deadlines (unused).
local now = server_now()
local pairs = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf', 'WITHSCORES')
local result = {}
for i = 1, #pairs, 2 do
  local json = redis.call('HGET', KEYS[1], pairs[i])
  if json then
    result[#result + 1] = json
    result[#result + 1] = pairs[i + 1]
  end
end
local ids = {}
for i = 1, #pairs, 2 do ids[#ids + 1] = pairs[i] end
return {result, maintenance_among(ids, now)}
