-- The live instances of one service with their lease deadlines, in one round trip: json1, deadline1, json2, ...
-- KEYS[1] instances hash, KEYS[2] leases zset.
local pairs = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. server_now(), '+inf', 'WITHSCORES')
local result = {}
for i = 1, #pairs, 2 do
  local json = redis.call('HGET', KEYS[1], pairs[i])
  if json then
    result[#result + 1] = json
    result[#result + 1] = pairs[i + 1]
  end
end
return result
