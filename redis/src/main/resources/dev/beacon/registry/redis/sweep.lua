-- Removes instances whose lease ran out and publishes EXPIRED for each (at most ARGV[2] per call).
-- KEYS[1] instances hash, KEYS[2] leases zset; ARGV[1] events channel, ARGV[2] limit. Returns how many.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[1], id)
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  if json then
    redis.call('PUBLISH', ARGV[1], '{"type":"EXPIRED","instance":' .. json .. '}')
  end
end
return #ids
