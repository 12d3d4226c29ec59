-- Registers or replaces one instance under a lease timed by the Redis server's clock.
-- KEYS[1] instances hash (id -> json), KEYS[2] leases zset (id -> expiry ms), KEYS[3] services index (optional)
-- ARGV[1] id, ARGV[2] json, ARGV[3] ttl ms, ARGV[4] events channel, ARGV[5] key grace ms, ARGV[6] service
-- Returns the new expiry (server ms).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id, json, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local expires = now + ttl
local oldScore = redis.call('ZSCORE', KEYS[2], id)
local old = redis.call('HGET', KEYS[1], id)
redis.call('HSET', KEYS[1], id, json)
redis.call('ZADD', KEYS[2], expires, id)
local keyTtl = ttl + tonumber(ARGV[5])
for i = 1, 2 do
  if redis.call('PTTL', KEYS[i]) < keyTtl then redis.call('PEXPIRE', KEYS[i], keyTtl) end
end
local live = oldScore and tonumber(oldScore) > now
if old and not live then
  redis.call('PUBLISH', ARGV[4], '{"type":"EXPIRED","instance":' .. old .. '}')
end
if not old or not live then
  redis.call('PUBLISH', ARGV[4], '{"type":"REGISTERED","instance":' .. json .. '}')
elseif old ~= json then
  redis.call('PUBLISH', ARGV[4], '{"type":"UPDATED","instance":' .. json .. '}')
end
if KEYS[3] then
  redis.call('ZADD', KEYS[3], 'GT', expires, ARGV[6])
end
return expires
